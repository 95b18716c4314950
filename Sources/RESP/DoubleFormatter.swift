/// Formats a `Double` as C's `printf("%.17g")`, which Redis 7.0's `addReplyDouble` uses.
///
/// Seventeen significant digits, correctly rounded (ties to even) from the
/// exact binary value, trailing zeros dropped; scientific notation when the
/// exponent is below -4 or at least 17. Redis 7.0 prints 1.1 as
/// `1.1000000000000001`, not the shortest round-trip form, so Swift's
/// `description` will not do; the exact value is expanded with a small
/// base-10⁹ bignum on the stack instead.
package enum DoubleFormatter {
    private static let precision = 17
    private static let limbBase: UInt64 = 1_000_000_000
    /// 2⁵³ × 5¹⁰⁷⁴ has 767 decimal digits: 86 limbs of nine.
    private static let maxLimbs = 96
    /// Where the digit scratch space starts in the output buffer; the text itself needs at most 24 bytes.
    private static let scratch = 40

    /// Calls `body` with the `%.17g` text of `value` (`inf`, `-inf`, `nan` for the special values).
    package static func withG17<R>(_ value: Double, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratch + precision) { output in
            let count = format(value, into: output)
            return body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(output)[0..<count]))
        }
    }

    /// Writes the text of `value` at the start of `output`; returns its length.
    private static func format(_ value: Double, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var writer = Writer(output: output)
        // glibc prints the sign of NaN and of zero too.
        if value.sign == .minus { writer.put(ASCII.minus) }
        if value.isNaN {
            writer.put("nan")
            return writer.length
        }
        if value.isInfinite {
            writer.put("inf")
            return writer.length
        }
        if value == 0 {
            writer.put(ASCII.zero)
            return writer.length
        }
        var (digits, exponent) = roundedDigits(value.magnitude)
        for index in stride(from: precision - 1, through: 0, by: -1) {
            output[scratch + index] = ASCII.zero + UInt8(digits % 10)
            digits /= 10
        }
        var significant = precision
        while significant > 1 && output[scratch + significant - 1] == ASCII.zero { significant -= 1 }

        if exponent < -4 || exponent >= precision {
            writer.putDigits(0..<1)
            if significant > 1 {
                writer.put(UInt8(ascii: "."))
                writer.putDigits(1..<significant)
            }
            writer.put(UInt8(ascii: "e"))
            writer.put(exponent < 0 ? ASCII.minus : ASCII.plus)
            let magnitude = abs(exponent)
            // C prints at least two exponent digits.
            if magnitude >= 100 { writer.put(ASCII.zero + UInt8(magnitude / 100)) }
            writer.put(ASCII.zero + UInt8(magnitude / 10 % 10))
            writer.put(ASCII.zero + UInt8(magnitude % 10))
        } else if exponent >= 0 {
            writer.putDigits(0..<(exponent + 1))
            if significant > exponent + 1 {
                writer.put(UInt8(ascii: "."))
                writer.putDigits((exponent + 1)..<significant)
            }
        } else {
            writer.put(ASCII.zero)
            writer.put(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { writer.put(ASCII.zero) }
            writer.putDigits(0..<significant)
        }
        return writer.length
    }

    /// Appends to the output buffer; the rounded digits wait in its scratch area.
    private struct Writer {
        let output: UnsafeMutableBufferPointer<UInt8>
        var length = 0

        @inline(__always)
        mutating func put(_ byte: UInt8) {
            output[length] = byte
            length += 1
        }

        mutating func put(_ text: StaticString) {
            text.withUTF8Buffer { for byte in $0 { put(byte) } }
        }

        /// Copies digits `range` (0 is the most significant) from the scratch area.
        mutating func putDigits(_ range: Range<Int>) {
            for index in range { put(output[scratch + index]) }
        }
    }

    /// The 17 leading significant digits of positive finite `value`, rounded, and its decimal exponent:
    /// `value ≈ digits × 10^(exponent - 16)`.
    private static func roundedDigits(_ value: Double) -> (digits: UInt64, exponent: Int) {
        let bits = value.bitPattern
        let exponentField = Int((bits >> 52) & 0x7FF)
        var mantissa = bits & ((1 << 52) - 1)
        var binaryExponent: Int
        if exponentField == 0 {
            binaryExponent = -1074
        } else {
            mantissa |= 1 << 52
            binaryExponent = exponentField - 1075
        }
        while mantissa & 1 == 0 {
            mantissa >>= 1
            binaryExponent += 1
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: maxLimbs) { limbs in
            // value = N / 10^shift, with N = mantissa × 2^e or mantissa × 5^-e.
            var count = 0
            var rest = mantissa
            repeat {
                limbs[count] = rest % limbBase
                rest /= limbBase
                count += 1
            } while rest > 0
            func multiply(by factor: UInt64) {
                var carry: UInt64 = 0
                for index in 0..<count {
                    let product = limbs[index] * factor + carry
                    limbs[index] = product % limbBase
                    carry = product / limbBase
                }
                while carry > 0 {
                    limbs[count] = carry % limbBase
                    carry /= limbBase
                    count += 1
                }
            }
            var shift = 0
            if binaryExponent > 0 {
                var left = binaryExponent
                while left > 0 {
                    let step = min(left, 32)
                    multiply(by: 1 << UInt64(step))
                    left -= step
                }
            } else if binaryExponent < 0 {
                shift = -binaryExponent
                var left = shift
                while left > 0 {
                    let step = min(left, 13)
                    var factor: UInt64 = 1
                    for _ in 0..<step { factor *= 5 }
                    multiply(by: factor)
                    left -= step
                }
            }
            return leadingDigits(UnsafeMutableBufferPointer(rebasing: limbs[0..<count]), shift: shift)
        }
    }

    /// Rounds the decimal number in `limbs` (little-endian base 10⁹) divided by 10^shift to 17 digits.
    private static func leadingDigits(_ limbs: UnsafeMutableBufferPointer<UInt64>, shift: Int) -> (UInt64, Int) {
        let top = limbs[limbs.count - 1]
        var topDivisor: UInt64 = 1
        var topDigits = 1
        while topDivisor * 10 <= top {
            topDivisor *= 10
            topDigits += 1
        }
        var exponent = topDigits + 9 * (limbs.count - 1) - 1 - shift

        var digits: UInt64 = 0
        var taken = 0
        var roundingDigit: UInt64 = 0
        // The next digit to read is limbs[index] / divisor % 10.
        var index = limbs.count - 1
        var divisor = topDivisor
        while taken <= precision && index >= 0 {
            let digit = limbs[index] / divisor % 10
            if taken < precision {
                digits = digits * 10 + digit
            } else {
                roundingDigit = digit
            }
            taken += 1
            if divisor == 1 {
                index -= 1
                divisor = limbBase / 10
            } else {
                divisor /= 10
            }
        }
        // Whether anything after the rounding digit is non-zero decides ties.
        var sticky = false
        if index >= 0 {
            sticky = limbs[index] % (divisor * 10) != 0
            var lower = index - 1
            while !sticky && lower >= 0 {
                sticky = limbs[lower] != 0
                lower -= 1
            }
        }
        while taken < precision {
            digits *= 10
            taken += 1
        }
        if roundingDigit > 5 || (roundingDigit == 5 && (sticky || digits & 1 == 1)) {
            digits += 1
            if digits == 100_000_000_000_000_000 {
                digits = 10_000_000_000_000_000
                exponent += 1
            }
        }
        return (digits, exponent)
    }
}
