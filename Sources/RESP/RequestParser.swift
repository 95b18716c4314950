/// Incremental request parser: multibulk (`*N\r\n$len\r\n…`) and inline
/// commands (`PING\r\n`, `set a "b c"\n`), as Redis's `processMultibulkBuffer`
/// and `processInlineBuffer`.
///
/// A parser belongs to one connection. When a command is incomplete it
/// remembers how far it got (the arguments already read, where the line-end
/// search stopped), so a large pipeline or a bulk arriving in many reads costs
/// O(bytes) in total rather than re-reading the command on every read. The
/// next call must therefore pass the same unconsumed bytes again, with more
/// appended; call `reset()` before handing it bytes that do not continue them.
package struct RequestParser: Sendable {
    package var limits: RequestLimits

    /// Where the incomplete command at the start of the input stopped.
    private struct Progress: Sendable {
        /// Offset before which the line-end search already failed; searched again only from here.
        var searchedUpTo = 0
        /// Multibulk: offset of the next element header (or bulk body, when `bulkLength >= 0`).
        var cursor = 0
        /// Multibulk: elements still to read; 0 while the count line is unread.
        var elementsLeft = 0
        /// Multibulk: length of the bulk whose header is read, -1 before that (Redis's `c->bulklen`).
        var bulkLength = -1
    }

    private var progress = Progress()
    /// Arguments of the incomplete command; swapped into the caller's storage when it completes.
    private var pending = Arguments()

    package init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
    }

    /// Forgets any incomplete command, for when the caller drops the bytes it was given.
    package mutating func reset() {
        progress = Progress()
        pending.removeAll()
    }

    /// Parses one command at the start of `input`.
    ///
    /// Returns the number of bytes consumed when a whole command was parsed
    /// (its arguments are then in `arguments`, which is cleared first), nil
    /// when the input is incomplete (nothing is consumed; call again with the
    /// same bytes and more). A consumed command may have zero arguments (an
    /// empty inline line, `*0\r\n`, `*-1\r\n`): the caller skips it, as Redis
    /// does. Throws on malformed input; the connection cannot recover from that.
    package mutating func parse(
        _ input: UnsafeRawBufferPointer,
        into arguments: inout Arguments
    ) throws(ProtocolError) -> Int? {
        arguments.removeAll()
        if input.count < max(progress.cursor, progress.searchedUpTo) {
            // Fewer bytes than were already examined cannot continue them:
            // start over rather than trust offsets into a different buffer.
            reset()
        }
        guard let first = input.first else { return nil }
        let consumed: Int?
        do {
            // As processInputBuffer: a request starting with '*' is multibulk, anything else inline.
            consumed = first == ASCII.asterisk ? try parseMultibulk(input) : try parseInline(input)
        } catch {
            reset()
            throw error
        }
        guard let consumed else { return nil }
        swap(&arguments, &pending)
        reset()
        return consumed
    }

    private mutating func parseMultibulk(_ input: UnsafeRawBufferPointer) throws(ProtocolError) -> Int? {
        if progress.elementsLeft == 0 {
            guard let lineEnd = try findHeaderEnd(input, from: 0, tooLong: .tooBigMultibulkCount) else {
                return nil
            }
            let text = UnsafeRawBufferPointer(rebasing: input[1..<lineEnd])
            guard let count = DecimalInteger.parseStrict(text), count <= limits.maxElements else {
                throw .invalidMultibulkLength
            }
            if limits.unauthenticated && count > RequestLimits.unauthenticatedMaxElements {
                throw .unauthenticatedMultibulkLength
            }
            // Redis skips the two bytes after '\r' without checking the second is '\n'.
            progress.cursor = lineEnd + 2
            if count <= 0 { return progress.cursor }
            progress.elementsLeft = Int(count)
        }
        while progress.elementsLeft > 0 {
            let cursor = progress.cursor
            if progress.bulkLength < 0 {
                guard let lineEnd = try findHeaderEnd(input, from: cursor, tooLong: .tooBigBulkCount) else {
                    return nil
                }
                guard input[cursor] == ASCII.dollar else { throw .expectedDollar(got: input[cursor]) }
                let text = UnsafeRawBufferPointer(rebasing: input[(cursor + 1)..<lineEnd])
                guard let length = DecimalInteger.parseStrict(text), length >= 0, length <= limits.maxBulkLength else {
                    throw .invalidBulkLength
                }
                if limits.unauthenticated && length > RequestLimits.unauthenticatedMaxBulkLength {
                    throw .unauthenticatedBulkLength
                }
                progress.cursor = lineEnd + 2
                progress.bulkLength = Int(length)
            }
            let bodyStart = progress.cursor
            let length = progress.bulkLength
            // Like Redis, the two bytes after the body are skipped unchecked.
            guard input.count - bodyStart >= length + 2 else { return nil }
            pending.append(UnsafeRawBufferPointer(rebasing: input[bodyStart..<(bodyStart + length)]))
            progress.cursor = bodyStart + length + 2
            progress.bulkLength = -1
            progress.elementsLeft -= 1
        }
        return progress.cursor
    }

    /// Finds the `\r` ending the header line that starts at `start`, with one byte after it.
    ///
    /// Redis finds it with `strchr`, so a NUL byte hides any later `\r`: the
    /// request then waits until the buffer outgrows the limit, as in Redis.
    private mutating func findHeaderEnd(
        _ input: UnsafeRawBufferPointer,
        from start: Int,
        tooLong: ProtocolError
    ) throws(ProtocolError) -> Int? {
        var index = max(start, progress.searchedUpTo)
        while index < input.count {
            let byte = input[index]
            if byte == ASCII.cr {
                // "Buffer should also contain \n": the line counts once a byte
                // follows the '\r'. Until then Redis waits, whatever the length.
                guard index + 1 < input.count else {
                    progress.searchedUpTo = index
                    return nil
                }
                progress.searchedUpTo = 0
                return index
            }
            if byte == ASCII.nul { break }
            index += 1
        }
        progress.searchedUpTo = index
        if input.count - start > limits.maxInlineLength { throw tooLong }
        return nil
    }

    private mutating func parseInline(_ input: UnsafeRawBufferPointer) throws(ProtocolError) -> Int? {
        var index = progress.searchedUpTo
        var newline: Int?
        while index < input.count {
            let byte = input[index]
            if byte == ASCII.lf {
                newline = index
                break
            }
            // strchr stops at NUL: Redis never sees a newline behind one, and
            // the search resumes at this NUL each time, as Redis's would.
            if byte == ASCII.nul { break }
            index += 1
        }
        guard let newline else {
            progress.searchedUpTo = index
            if input.count > limits.maxInlineLength { throw .tooBigInlineRequest }
            return nil
        }
        var lineEnd = newline
        if lineEnd > 0 && input[lineEnd - 1] == ASCII.cr { lineEnd -= 1 }
        try InlineSplitter.split(UnsafeRawBufferPointer(rebasing: input[0..<lineEnd]), into: &pending)
        return newline + 1
    }
}
