/// Incremental reply parser for RESP2 and RESP3, for the client and tests.
///
/// Works in two passes: a resumable scan finds where the next complete value
/// ends, keeping its place across calls so a large reply arriving in many
/// reads is scanned once; only then are values built, so an incomplete reply
/// allocates nothing. Like `RequestParser`, one parser serves one stream: after
/// nil, pass the same bytes again with more appended.
package struct ReplyParser: Sendable {
    private let maxDepth: Int
    private let maxBulkLength: Int
    private let maxElements: Int

    /// Offset of the first value not yet scanned.
    private var scanned = 0
    /// For each open aggregate, how many values it still awaits.
    private var open: [Int] = []

    package init(maxDepth: Int = 64, maxBulkLength: Int = 512 * 1024 * 1024, maxElements: Int = 1_048_576) {
        self.maxDepth = maxDepth
        self.maxBulkLength = maxBulkLength
        self.maxElements = maxElements
    }

    /// Forgets a partly scanned reply.
    package mutating func reset() {
        scanned = 0
        open.removeAll(keepingCapacity: true)
    }

    /// Parses one value at the start of `input`: nil when incomplete, else the value and the bytes it took.
    package mutating func parse(_ input: UnsafeRawBufferPointer) throws(ReplyParseError) -> (RESPValue, Int)? {
        if input.count < scanned { reset() }
        do {
            guard let end = try scan(input) else { return nil }
            reset()
            var offset = 0
            let value = try value(input, at: &offset)
            return (value, end)
        } catch {
            reset()
            throw error
        }
    }

    /// Advances the scan; returns the end of the first value once it is complete.
    private mutating func scan(_ input: UnsafeRawBufferPointer) throws(ReplyParseError) -> Int? {
        while true {
            guard let frame = try Frame(input, at: scanned, maxBulkLength: maxBulkLength, maxElements: maxElements) else {
                return nil
            }
            scanned = frame.next
            if frame.children > 0 {
                open.append(frame.children)
                if open.count > maxDepth { throw .tooDeep }
                continue
            }
            // A complete value fills a slot of its parent, which may complete in turn.
            while let last = open.last {
                if last > 1 {
                    open[open.count - 1] = last - 1
                    break
                }
                open.removeLast()
            }
            if open.isEmpty { return scanned }
        }
    }

    /// Builds the value at `offset`, which the scan found complete.
    private func value(_ input: UnsafeRawBufferPointer, at offset: inout Int) throws(ReplyParseError) -> RESPValue {
        guard let frame = try Frame(input, at: offset, maxBulkLength: maxBulkLength, maxElements: maxElements) else {
            throw .invalidLength
        }
        offset = frame.next
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: input[range]), as: UTF8.self)
        }
        func bytes(_ range: Range<Int>) -> [UInt8] {
            Array(UnsafeRawBufferPointer(rebasing: input[range]))
        }
        func items(_ count: Int) throws(ReplyParseError) -> [RESPValue] {
            // The scan saw all `count` values in the buffer, so this capacity is backed by bytes received.
            var items: [RESPValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try value(input, at: &offset)) }
            return items
        }
        let type = frame.type
        switch type {
        case UInt8(ascii: "+"): return .simpleString(text(frame.payload))
        case UInt8(ascii: "-"), UInt8(ascii: "!"): return .error(text(frame.payload))
        case UInt8(ascii: "("): return .bigNumber(text(frame.payload))
        case UInt8(ascii: "$"): return frame.isNull ? .null : .bulkString(bytes(frame.payload))
        case UInt8(ascii: ":"):
            guard let value = DecimalInteger.parseLenient(UnsafeRawBufferPointer(rebasing: input[frame.payload])) else {
                throw .invalidValue(type: type)
            }
            return .integer(value)
        case UInt8(ascii: ","):
            guard let value = Self.double(text(frame.payload)) else { throw .invalidValue(type: type) }
            return .double(value)
        case UInt8(ascii: "#"):
            switch text(frame.payload) {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw .invalidValue(type: type)
            }
        case UInt8(ascii: "_"):
            guard frame.payload.isEmpty else { throw .invalidValue(type: type) }
            return .null
        case UInt8(ascii: "="):
            let payload = frame.payload
            guard payload.count >= 4, input[payload.lowerBound + 3] == UInt8(ascii: ":") else {
                throw .invalidValue(type: type)
            }
            return .verbatim(
                format: text(payload.lowerBound..<(payload.lowerBound + 3)),
                text: bytes((payload.lowerBound + 4)..<payload.upperBound)
            )
        case ASCII.asterisk: return frame.isNull ? .null : .array(try items(frame.children))
        case UInt8(ascii: "~"): return .set(try items(frame.children))
        case UInt8(ascii: ">"): return .push(try items(frame.children))
        case UInt8(ascii: "%"):
            let flat = try items(frame.children)
            return .map(stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) })
        default:
            // '|': the attribute pairs come first and are dropped; the value after them is the reply.
            _ = try items(frame.children - 1)
            return try value(input, at: &offset)
        }
    }

    /// RESP3's double text: `inf`, `-inf`, `nan`, or a decimal Swift parses exactly.
    private static func double(_ text: String) -> Double? {
        switch text {
        case "inf", "+inf": .infinity
        case "-inf": -.infinity
        case "nan", "-nan": .nan
        default: Double(text)
        }
    }

    /// One value's header line and, for bulk types, its body.
    private struct Frame {
        var type: UInt8
        /// The line after the type byte, or the body of a bulk type.
        var payload: Range<Int>
        /// Values that follow as this one's content: elements, 2 per map pair, attribute pairs plus the annotated value.
        var children = 0
        var isNull = false
        /// Offset just past this header (and body).
        var next: Int

        /// Reads the frame at `offset`; nil when the bytes there are incomplete.
        init?(
            _ input: UnsafeRawBufferPointer,
            at offset: Int,
            maxBulkLength: Int,
            maxElements: Int
        ) throws(ReplyParseError) {
            guard offset < input.count else { return nil }
            type = input[offset]
            // Checked before the line is complete, so garbage fails at its first byte.
            guard Self.isType(type) else { throw .unknownType(type) }
            var lineEnd = offset + 1
            while lineEnd < input.count && input[lineEnd] != ASCII.cr { lineEnd += 1 }
            guard lineEnd + 1 < input.count else { return nil }
            guard input[lineEnd + 1] == ASCII.lf else { throw .missingLineFeed }
            payload = (offset + 1)..<lineEnd
            next = lineEnd + 2
            switch type {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: ","),
                 UInt8(ascii: "#"), UInt8(ascii: "("), UInt8(ascii: "_"):
                return
            case ASCII.dollar, UInt8(ascii: "!"), UInt8(ascii: "="):
                let length = try Self.length(input, payload, nullable: type == ASCII.dollar, limit: maxBulkLength)
                guard let length else {
                    isNull = true
                    return
                }
                guard input.count - next >= length + 2 else { return nil }
                guard input[next + length] == ASCII.cr && input[next + length + 1] == ASCII.lf else {
                    throw .missingBulkTerminator
                }
                payload = next..<(next + length)
                next += length + 2
            case ASCII.asterisk, UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                let count = try Self.length(input, payload, nullable: type == ASCII.asterisk, limit: maxElements)
                guard let count else {
                    isNull = true
                    return
                }
                switch type {
                case UInt8(ascii: "%"): children = 2 * count
                case UInt8(ascii: "|"): children = 2 * count + 1
                default: children = count
                }
            default:
                throw .unknownType(type)
            }
        }

        private static func isType(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "#"),
                 UInt8(ascii: "("), UInt8(ascii: "_"), ASCII.dollar, UInt8(ascii: "!"), UInt8(ascii: "="),
                 ASCII.asterisk, UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                true
            default:
                false
            }
        }

        /// A length or count line: nil for RESP2's -1 null where `nullable`.
        private static func length(
            _ input: UnsafeRawBufferPointer,
            _ line: Range<Int>,
            nullable: Bool,
            limit: Int
        ) throws(ReplyParseError) -> Int? {
            guard let value = DecimalInteger.parseStrict(UnsafeRawBufferPointer(rebasing: input[line])) else {
                throw .invalidLength
            }
            if value == -1 && nullable { return nil }
            guard value >= 0 && value <= limit else { throw .invalidLength }
            return Int(value)
        }
    }
}
