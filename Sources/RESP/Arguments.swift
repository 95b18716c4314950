/// Reusable argument storage for one parsed command: one flat byte buffer plus ranges.
///
/// Reused across commands (`removeAll` keeps capacity) so that parsing a
/// command on the hot path does not allocate once the buffers have grown.
package struct Arguments: Sendable, Equatable {
    /// Every argument's bytes, back to back.
    private var storage: [UInt8] = []
    /// `ends[i]` is where argument `i` stops in `storage`; it starts where argument `i - 1` stops.
    private var ends: [Int] = []

    package init() {}

    /// Arguments holding the UTF-8 of `strings`, for tests and for building commands.
    package init<S: Sequence>(_ strings: S) where S.Element == String {
        for string in strings { append(contentsOf: string.utf8) }
    }

    package var count: Int { ends.count }

    package var isEmpty: Bool { ends.isEmpty }

    @inline(__always)
    private func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// The bytes of argument `index`.
    package subscript(_ index: Int) -> ArraySlice<UInt8> {
        storage[range(index)]
    }

    /// Calls `body` with the bytes of argument `index`, without copying them.
    package func withBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let bounds = range(index)
        return try storage.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[bounds]))
        }
    }

    /// Argument `index` decoded as UTF-8, invalid sequences replaced; for names and error texts.
    package func string(_ index: Int) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether argument `index` equals `lowercaseLiteral` ignoring ASCII case, as Redis's
    /// `strcasecmp` option matching (`NX`, `ex`…); the literal must be lowercase.
    package func equalsIgnoringASCIICase(_ index: Int, _ lowercaseLiteral: StaticString) -> Bool {
        withBytes(index) { argument in
            lowercaseLiteral.withUTF8Buffer { literal in
                guard argument.count == literal.count else { return false }
                for position in 0..<literal.count where ASCII.lowercased(argument[position]) != literal[position] {
                    return false
                }
                return true
            }
        }
    }

    /// Forgets every argument but keeps the allocated capacity.
    package mutating func removeAll() {
        // Clearing an empty array still costs a call; the parser clears a lot of empty ones.
        guard !ends.isEmpty else { return }
        storage.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Adds one argument holding a copy of `bytes`.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
        ends.append(storage.count)
    }

    /// Adds one argument holding a copy of `bytes`.
    package mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        storage.append(contentsOf: bytes)
        ends.append(storage.count)
    }

    /// Adds a byte to the argument being built by `appendByte`/`finishArgument`.
    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        storage.append(byte)
    }

    /// Closes the argument built from the bytes added since the previous one closed.
    @inline(__always)
    mutating func finishArgument() {
        ends.append(storage.count)
    }
}

extension Arguments: CustomStringConvertible {
    /// The arguments as quoted strings, for test failures and logs.
    package var description: String {
        "[" + (0..<count).map { "\"\(string($0))\"" }.joined(separator: ", ") + "]"
    }
}
