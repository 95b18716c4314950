import Testing
@testable import Store

/// INCRBYFLOAT's parsing (`string2ld`) and printing (`ld2string`, LD_STR_HUMAN);
/// expected texts come from redis-server 7.0.15 on x86_64 (80-bit long double).
@Suite struct RedisFloatTests {
    private static func parse(_ text: String) -> RedisFloat.LongDouble? {
        Array(text.utf8).withUnsafeBytes { RedisFloat.parse($0) }
    }

    private static func format(_ value: RedisFloat.LongDouble) -> String {
        String(decoding: RedisFloat.format(value), as: UTF8.self)
    }

    /// (text, value)
    static let parsed: [(String, RedisFloat.LongDouble)] = [
        ("10.5", 10.5),
        ("3.0e3", 3000),
        ("3E3", 3000),
        ("-1.5", -1.5),
        ("+1.5", 1.5),
        (".5", 0.5),
        ("1.", 1),
        ("0", 0),
        ("42", 42),
        ("0x10", 16),
        ("9223372036854775807", 9_223_372_036_854_775_807),
        ("18446744073709551616", 18_446_744_073_709_551_616),
    ]

    @Test(arguments: parsed)
    func parsesNumbers(text: String, value: RedisFloat.LongDouble) {
        #expect(Self.parse(text) == value)
    }

    @Test func parsesNegativeZeroAsZero() throws {
        let value = try #require(Self.parse("-0"))
        #expect(value == 0)
        #expect(value.sign == .minus)
    }

    @Test(arguments: ["inf", "-inf", "+inf", "infinity", "INF", "-Infinity"])
    func parsesInfinity(text: String) throws {
        // string2ld accepts infinity; it is the sum that INCRBYFLOAT refuses.
        let value = try #require(Self.parse(text))
        #expect(value.isInfinite)
        #expect((value < 0) == text.hasPrefix("-"))
    }

    @Test(arguments: ["5e-324", "1e-4940", "1e-4950"])
    func parsesTinyValuesThatDoNotUnderflowALongDouble(text: String) throws {
        let value = try #require(Self.parse(text))
        #expect(value > 0)
        #expect(Self.format(value) == "0")
    }

    @Test(arguments: [
        "", " 1", "\t1", "\n1", "1 ", "1\n", "nan", "NaN", "-nan", "abc", "1e", "e3", "-", ".", "1,5", "1..2",
        "1e5000",     // overflows even a long double
        "-1e5000",
        "1e-5000",    // underflows to zero
        "1e-4960",
    ])
    func refusesInvalidText(text: String) {
        #expect(Self.parse(text) == nil)
    }

    @Test(arguments: ["1\u{0}2", "1\u{0}", "\u{0}1"])
    func refusesTextWithANulByte(text: String) {
        // Redis 7.0 also checks `(size_t)(eptr-buf) != slen`: strtold stopping
        // at an embedded NUL is not the end of the text
        // (`SET f 0; INCRBYFLOAT f "1\x002"` answers "ERR value is not a valid float").
        #expect(Self.parse(text) == nil)
    }

    @Test func refusesTextOfFiveKibibytesOrMore() {
        // MAX_LONG_DOUBLE_CHARS is 5*1024; string2ld refuses slen >= that.
        let longest = "1." + String(repeating: "0", count: 5 * 1024 - 3)
        #expect(longest.utf8.count == 5 * 1024 - 1)
        #expect(Self.parse(longest) == 1)
        #expect(Self.parse(longest + "0") == nil)
    }

    /// (value, text as INCRBYFLOAT answers it)
    @Test(arguments: [
        ("1000", "0.1", "1000.09999999999999998"),
        ("10", "0.5", "10.5"),
        ("0", "3.0e3", "3000"),
        ("0", "-0", "0"),
        ("0", "-0.0", "0"),
        ("0", "5e-324", "0"),
        ("0", "-5e-324", "0"),
        ("0", "-1e-18", "0"),
        ("0", "1e-17", "0.00000000000000001"),
        ("0", "5e-18", "0"),
        ("0", "0.1", "0.1"),
        ("0.1", "0.2", "0.3"),
        ("-1", "0.5", "-0.5"),
        ("0", "-1.5", "-1.5"),
        ("0", "1e19", "10000000000000000000"),
        ("0", "1e20", "100000000000000000000"),
        ("0", "1.23456789012345678901", "1.23456789012345679"),
        ("0", "123456789.123456789", "123456789.12345678899873747"),
        ("0", "9223372036854775807", "9223372036854775807"),
        ("0", "-9223372036854775808", "-9223372036854775808"),
        ("0", "18446744073709551616", "18446744073709551616"),
    ])
    func formatsASumAsRedisPrintsIt(start: String, delta: String, text: String) throws {
        let sum = try #require(Self.parse(start)) + #require(Self.parse(delta))
        #expect(Self.format(sum) == text)
    }

    @Test func formatsHugeValuesInFull() throws {
        let value = try #require(Self.parse("1e4000"))
        let text = Self.format(value)
        #expect(text.utf8.count == 4000)
        #expect(text.hasPrefix("99999999999999999999654638730996237849324925835069576"))
        let largest = try #require(Self.parse("1e4931"))
        #expect(Self.format(largest).utf8.count == 4932)
        #expect(Self.format(-largest).utf8.count == 4933)
    }

    @Test(arguments: ["0", "1", "-1", "10.5", "0.001", "1000.09999999999999998", "-123.25"])
    func formattedTextParsesBackToItself(text: String) throws {
        let value = try #require(Self.parse(text))
        #expect(Self.format(value) == text)
    }
}
