import RESP
import Store

/// The cursor and options SCAN, HSCAN, SSCAN and ZSCAN share, read as Redis
/// 7.0's `parseScanCursorOrReply` and `scanGenericCommand` read them.
enum ScanArguments {
    /// What COUNT, MATCH and (SCAN only) TYPE asked for.
    struct Options {
        var count = 10
        /// Nil when absent or a lone `*`, which Redis ignores (so even the
        /// empty key or member is returned).
        var pattern: [UInt8]?
        /// SCAN's TYPE, lowercased.
        var type: [UInt8]?

        func matches(_ bytes: [UInt8]) -> Bool {
            pattern.map { Glob.matches(pattern: $0, bytes) } ?? true
        }
    }

    /// The cursor at argument `index`, or Redis's error. A cursor past
    /// `Int64.max` (a minus sign wraps around, as in `strtoul`) is past every
    /// row id: callers answer a finished scan.
    static func cursor(_ c: CommandContext, _ index: Int) throws -> UInt64 {
        guard let cursor = c.with(index, { parseCursor($0) }) else { throw RedisError.custom("ERR invalid cursor") }
        return cursor
    }

    /// COUNT, MATCH and, with `allowsType`, TYPE from argument `start` on;
    /// anything else, or an option without its value, is a syntax error.
    static func options(_ c: CommandContext, from start: Int, allowsType: Bool = false) throws -> Options {
        var options = Options()
        var index = start
        while index < c.count {
            guard index + 1 < c.count else { throw RedisError.syntax }
            if c.isOption(index, "count") {
                let value = try c.integer(index + 1)
                guard value >= 1 else { throw RedisError.syntax }
                options.count = Int(min(value, 1 << 30))
            } else if c.isOption(index, "match") {
                let bytes = c.bytes(index + 1)
                options.pattern = bytes == [UInt8(ascii: "*")] ? nil : bytes
            } else if allowsType && c.isOption(index, "type") {
                options.type = Array(c.string(index + 1).lowercased().utf8)
            } else {
                throw RedisError.syntax
            }
            index += 2
        }
        return options
    }

    /// The cursor as `strtoul` reads the C string (cut at a NUL): no leading
    /// space, an optional sign (a minus wraps around), nothing after the
    /// digits, no overflow; "" is 0. Nil when invalid.
    static func parseCursor(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        let text = bytes.prefix { $0 != 0 }
        guard let first = text.first else { return 0 }
        var digits = text[...]
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return first == UInt8(ascii: "-") ? 0 &- value : value
    }

    /// `[cursor, [elements...]]`, the reply of every scan: `elements` writes
    /// the inner array's items, `count` of them.
    static func reply(_ c: inout CommandContext, next: Int64, count: Int, _ elements: (inout CommandContext) -> Void) {
        c.client.reply.arrayHeader(2)
        c.client.reply.bulk(String(next))
        c.client.reply.arrayHeader(count)
        elements(&c)
    }
}
