/// Integer parsing and formatting with Redis's exact rules.
package enum RedisInteger {
    /// Parses like Redis's `string2ll`: an optional `-`, then digits with no
    /// leading zero (except `0` itself), no `+`, no spaces, within int64.
    /// Success means the text is the canonical form of the number, which is
    /// also the rule for storing a value as INTEGER.
    package static func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        // 20 digits plus a sign is the longest int64; string2ll rejects more.
        guard count > 0, count <= 20 else { return nil }
        if count == 1 && bytes[0] == UInt8(ascii: "0") { return 0 }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative {
            index = 1
            guard count > 1 else { return nil }
        }
        guard bytes[index] >= UInt8(ascii: "1"), bytes[index] <= UInt8(ascii: "9") else { return nil }
        // Accumulate as a negative number: its range is one larger than the positive one.
        var value: Int64 = 0
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    package static func parse(_ bytes: some Collection<UInt8>) -> Int64? {
        Array(bytes).withUnsafeBytes { parse($0) }
    }

    package static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
