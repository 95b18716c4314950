/// Decimal integer text as it appears in RESP length lines and integer replies.
enum DecimalInteger {
    /// Parses `bytes` exactly as Redis's `string2ll` does.
    ///
    /// Redis refuses what `strtoll` would accept: a `+` sign, leading zeros
    /// (`01`, `-0`), spaces, and anything of 21 bytes or more, so a request
    /// Redis rejects is rejected here too.
    static func parseStrict(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        // LONG_STR_SIZE is 21: no valid long long needs that many bytes.
        guard count > 0, count < 21 else { return nil }
        if count == 1 && bytes[0] == ASCII.zero { return 0 }
        var index = 0
        let negative = bytes[0] == ASCII.minus
        if negative {
            index = 1
            guard count > 1 else { return nil }
        }
        guard bytes[index] >= UInt8(ascii: "1") && bytes[index] <= ASCII.nine else { return nil }
        var magnitude: UInt64 = 0
        while index < count {
            let byte = bytes[index]
            guard ASCII.isDigit(byte) else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - ASCII.zero))
            guard !overflow1 && !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        return signed(magnitude, negative: negative)
    }

    /// Parses an optionally signed decimal, as RESP's `:` replies allow (`[+|-]digits`).
    static func parseLenient(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let first = bytes.first else { return nil }
        let negative = first == ASCII.minus
        let start = (negative || first == ASCII.plus) ? 1 : 0
        guard start < bytes.count else { return nil }
        var magnitude: UInt64 = 0
        for index in start..<bytes.count {
            let byte = bytes[index]
            guard ASCII.isDigit(byte) else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - ASCII.zero))
            guard !overflow1 && !overflow2 else { return nil }
            magnitude = sum
        }
        return signed(magnitude, negative: negative)
    }

    private static func signed(_ magnitude: UInt64, negative: Bool) -> Int64? {
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Appends the decimal digits of `value` to `bytes`.
    @inline(__always)
    static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(ASCII.minus) }
        append(value.magnitude, to: &bytes)
    }

    /// Appends the decimal digits of `value` to `bytes`, formatted on the stack: no heap allocation.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        if value < 10 {
            bytes.append(ASCII.zero + UInt8(value))
            return
        }
        // UInt64.max has 20 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var position = 20
            while remaining > 0 {
                position -= 1
                digits[position] = ASCII.zero + UInt8(remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[position...]))
        }
    }
}
