import Testing
@testable import RESP

/// `%.17g`, as Redis 7.0's addReplyDouble prints scores. Values marked "redis"
/// came from redis-server 7.0.15 `ZSCORE`; the rest from C's printf.
@Suite struct DoubleFormatterTests {
    private func formatted(_ value: Double) -> String {
        DoubleFormatter.withG17(value) { String(decoding: $0, as: UTF8.self) }
    }

    static let cases: [(Double, String)] = [
        (1.1, "1.1000000000000001"),  // redis
        (3, "3"),  // redis
        (1e-5, "1.0000000000000001e-05"),  // redis
        (1e20, "1e+20"),  // redis
        (0.1, "0.10000000000000001"),  // redis
        (Double(Int64(123_456_789_012_345_678)), "1.2345678901234568e+17"),  // redis
        (0, "0"),
        (-0.0, "-0"),
        (-2.5, "-2.5"),
        (0.5, "0.5"),
        (100, "100"),
        (1.0 / 3, "0.33333333333333331"),
        (2.0 / 3, "0.66666666666666663"),
        (123.456, "123.456"),
        (0.0001, "0.0001"),
        (1e16, "10000000000000000"),
        (1e17, "1e+17"),
        (Double(Int64(9_007_199_254_740_993)), "9007199254740992"),
        (.leastNonzeroMagnitude, "4.9406564584124654e-324"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (1e100, "1e+100"),
        (.infinity, "inf"),
        (-.infinity, "-inf"),
        (.nan, "nan"),
    ]

    @Test(arguments: cases)
    func printsLikePrintf(value: Double, expected: String) {
        #expect(formatted(value) == expected)
    }

    /// Digits come from the exact binary value, not from a shorter decimal that rounds to it.
    @Test func roundsFromTheExactBinaryValue() {
        #expect(formatted(1 + 0x1p-52) == "1.0000000000000002")
        #expect(formatted(0x1p-10) == "0.0009765625")
        #expect(formatted(0x1p60) == "1.152921504606847e+18")
    }
}
