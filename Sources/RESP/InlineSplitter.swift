/// Splits an inline command line into arguments exactly as Redis's `sdssplitargs`.
///
/// Blanks (C `isspace`) separate arguments. `"…"` takes the escapes `\n \r
/// \t \b \a \xHH` and `\<any>`; `'…'` takes only `\'`. A quote may open in
/// the middle of an argument (`a"b c"` is `ab c`), but a closing quote must be
/// followed by a blank or the end of the line.
package enum InlineSplitter {
    /// Appends the arguments of `line` (which holds no NUL and no `\n`) to `arguments`.
    package static func split(_ line: UnsafeRawBufferPointer, into arguments: inout Arguments) throws(ProtocolError) {
        let end = line.count
        var position = 0
        while true {
            while position < end && ASCII.isSpace(line[position]) { position += 1 }
            if position == end { return }
            position = try readArgument(line, from: position, into: &arguments)
            arguments.finishArgument()
        }
    }

    /// Reads one argument starting at `start` (not a blank); returns where the next one may start.
    private static func readArgument(
        _ line: UnsafeRawBufferPointer,
        from start: Int,
        into arguments: inout Arguments
    ) throws(ProtocolError) -> Int {
        let end = line.count
        // Past the end reads as C's terminating NUL, which no test below matches.
        func byte(_ index: Int) -> UInt8 { index < end ? line[index] : ASCII.nul }

        var position = start
        var inDoubleQuotes = false
        var inSingleQuotes = false
        while true {
            guard position < end else {
                if inDoubleQuotes || inSingleQuotes { throw .unbalancedQuotes }
                return position
            }
            let current = line[position]
            if inDoubleQuotes {
                if current == ASCII.backslash, byte(position + 1) == UInt8(ascii: "x"),
                   let high = ASCII.hexValue(byte(position + 2)), let low = ASCII.hexValue(byte(position + 3)) {
                    arguments.appendByte(high << 4 | low)
                    position += 3
                } else if current == ASCII.backslash && position + 1 < end {
                    position += 1
                    arguments.appendByte(unescaped(line[position]))
                } else if current == ASCII.doubleQuote {
                    try checkClosingQuote(line, at: position)
                    return position + 1
                } else {
                    arguments.appendByte(current)
                }
            } else if inSingleQuotes {
                if current == ASCII.backslash && byte(position + 1) == ASCII.singleQuote {
                    position += 1
                    arguments.appendByte(ASCII.singleQuote)
                } else if current == ASCII.singleQuote {
                    try checkClosingQuote(line, at: position)
                    return position + 1
                } else {
                    arguments.appendByte(current)
                }
            } else {
                switch current {
                // Unlike the blank skipping, only these end an unquoted argument: "\v" and "\f" stay in it.
                case ASCII.space, ASCII.lf, ASCII.cr, ASCII.tab:
                    return position + 1
                case ASCII.doubleQuote:
                    inDoubleQuotes = true
                case ASCII.singleQuote:
                    inSingleQuotes = true
                default:
                    arguments.appendByte(current)
                }
            }
            position += 1
        }
    }

    /// "closing quote must be followed by a space or nothing at all."
    @inline(__always)
    private static func checkClosingQuote(_ line: UnsafeRawBufferPointer, at position: Int) throws(ProtocolError) {
        if position + 1 < line.count && !ASCII.isSpace(line[position + 1]) { throw .unbalancedQuotes }
    }

    /// The byte a backslash escape inside double quotes stands for.
    @inline(__always)
    private static func unescaped(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "n"): ASCII.lf
        case UInt8(ascii: "r"): ASCII.cr
        case UInt8(ascii: "t"): ASCII.tab
        case UInt8(ascii: "b"): 8
        case UInt8(ascii: "a"): 7
        default: byte
        }
    }
}
