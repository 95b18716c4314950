import Testing
@testable import Store

/// `RedisInteger.parse` against Redis's `string2ll`; every row was checked
/// with `INCRBY k <text>` on redis-server 7.0.15.
@Suite struct RedisIntegerTests {
    static let accepted: [(String, Int64)] = [
        ("0", 0),
        ("1", 1),
        ("42", 42),
        ("-7", -7),
        ("10", 10),
        ("-1234567890123456789", -1_234_567_890_123_456_789),
        ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min),
        ("9223372036854775806", Int64.max - 1),
        ("-9223372036854775807", Int64.min + 1),
    ]

    static let refused: [String] = [
        "", "-", "-0", "00", "01", "007", "-01", "+1", "+0", " 1", "1 ", "\t1", "1\n",
        "1.0", "1e3", "0x10", "abc", "1a", "--1", "1-",
        "9223372036854775808",          // int64 max + 1
        "-9223372036854775809",         // int64 min - 1
        "18446744073709551615",         // 20 digits: uint64 max
        "18446744073709551616",         // 20 digits: past uint64
        "99999999999999999999",         // 20 digits
        "12345678901234567890",         // 20 digits
        "-99999999999999999999",        // 21 characters
        "100000000000000000000",        // 21 characters
        "-10000000000000000000",        // 21 characters
        "000000000000000000001",        // 21 characters
        "1\u{0}",                       // a NUL after the digits
        "\u{0661}",                     // ARABIC-INDIC DIGIT ONE
    ]

    @Test(arguments: accepted)
    func acceptsCanonicalIntegers(text: String, value: Int64) {
        #expect(RedisInteger.parse(text) == value)
        #expect(RedisInteger.parse(Array(text.utf8)) == value)
        #expect(RedisInteger.parse(Array(text.utf8)[...]) == value)
        // Canonical means it prints back identically.
        #expect(String(value) == text)
    }

    @Test(arguments: refused)
    func refusesEverythingElse(text: String) {
        #expect(RedisInteger.parse(text) == nil)
        #expect(RedisInteger.parse(Array(text.utf8)) == nil)
    }

    @Test func refusesAnyTextLongerThanTwentyBytes() {
        // Redis refuses `slen >= LONG_STR_SIZE` (21) before looking at the digits.
        let twenty = "-" + String(repeating: "1", count: 18) + "2"
        #expect(twenty.utf8.count == 20)
        #expect(RedisInteger.parse(twenty) == -1_111_111_111_111_111_112)
        #expect(RedisInteger.parse(String(repeating: "1", count: 21)) == nil)
        #expect(RedisInteger.parse(String(repeating: "1", count: 1000)) == nil)
    }

    @Test func parsesASliceWithoutItsNeighbours() {
        let bytes = Array("x12345y".utf8)
        #expect(RedisInteger.parse(bytes[1..<6]) == 12345)
        #expect(RedisInteger.parse(bytes[1..<7]) == nil)
    }
}
