import Testing
@testable import RESPServer

/// `Glob.matches` against Redis's `stringmatchlen`: every row was checked
/// with `KEYS <pattern>` on redis-server 7.0.15 holding the one key.
/// Patterns and keys are Latin-1 spelled, one character per byte.
@Suite(.timeLimit(.minutes(1))) struct GlobTests {
    static let rows: [(pattern: String, key: String, matches: Bool)] = [
        // *
        ("*", "anything", true), ("*", "x", true), ("a*", "abc", true), ("a*", "ba", false),
        ("*c", "abc", true), ("a*c", "ac", true), ("a*c", "abbbc", true), ("a*c", "abcd", false),
        ("**", "x", true), ("a**b", "ab", true), ("a**b", "axxb", true), ("a**", "a", true),
        ("a*?", "a", false), ("a?*", "a", false), ("a*b*", "ab", true), ("*a", "a", true), ("a*", "a", true),
        // stringmatchlen itself never matches an empty key with * (KEYS * special-cases it).
        ("**", "", false), ("?*", "", false), ("*", "", false), ("", "", true), ("a", "", false),
        // ?
        ("?", "a", true), ("?", "ab", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("??", "\u{E9}", false), ("?", "\u{E9}", true), ("h?llo", "hello", true),
        // classes
        ("[abc]", "a", true), ("[abc]", "c", true), ("[abc]", "d", false), ("[abc]", "ab", false),
        ("h[ae]llo", "hallo", true), ("h[ae]llo", "hillo", false),
        ("[^a]", "b", true), ("[^a]", "a", false), ("[^abc]x", "dx", true), ("[^abc]x", "ax", false),
        ("h[^e]llo", "hallo", true), ("h[^e]llo", "hello", false), ("[^a]", "", false),
        // ranges, either way round
        ("[a-c]", "b", true), ("[a-c]", "d", false), ("h[a-b]llo", "hbllo", true),
        ("[c-a]", "b", true), ("[c-a]", "a", true), ("[c-a]", "d", false),
        ("[^a-c]", "d", true), ("[^a-c]", "b", false),
        ("[a-]", "-", false), ("[a-]", "a", true), ("[-a]", "-", true),
        // ] right after [ closes an empty class
        ("[]", "]", false), ("[]]", "]", false), ("[]a]", "a", false), ("[a]]", "a]", true),
        // escapes
        ("\\*", "*", true), ("\\*", "a", false), ("a\\?c", "a?c", true), ("a\\?c", "abc", false),
        ("\\", "\\", true), ("a\\", "a\\", true), ("a\\", "a", false), ("a\\b", "ab", true),
        ("[\\]]", "]", true), ("[\\-]", "-", true), ("[a\\-c]", "b", false), ("[\\^a]", "^", true),
        // unterminated classes
        ("[abc", "a", true), ("[abc", "b", true), ("[abc", "abc", false), ("[abc", "[", false),
        ("[", "[", false), ("[", "a", false), ("[^", "a", true), ("[^", "^", true),
        ("a[", "a", false), ("a[", "ab", false), ("a[b", "ab", true), ("a[^", "ab", true), ("a[^b", "ab", false),
        ("[a-", "a", true), ("[a-", "-", true), ("[a-", "b", false),
        ("*[", "ab", false), ("*[b", "ab", true), ("*\\", "ab", false),
        // many stars
        ("a*a*a*a*a*a*a*a*a*b", String(repeating: "a", count: 60), false),
        ("a*a*a*a*a*a*a*a*a*a", String(repeating: "a", count: 60), true),
        ("*a*b*c*d*e*f*", "xaxbxcxdxexfx", true), ("*a*b*c*d*e*f*", "fedcba", false),
        ("*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?!",
         String(repeating: "x", count: 200), false),
        // bytes past ASCII compare as signed chars in ranges (x86_64)
        ("[\u{01}-\u{FF}]", "a", false), ("[a-\u{FF}]", "b", false), ("[\u{E0}-\u{EF}]", "\u{E9}", true),
        ("[\u{E9}]", "\u{E9}", true), ("\u{E9}*", "\u{E9}t\u{E9}", true),
    ]

    @Test(arguments: rows)
    func matchesLikeRedis(pattern: String, key: String, matches: Bool) {
        #expect(Glob.matches(pattern: latin1(pattern), latin1(key)) == matches)
    }

    @Test func matchesIsCaseSensitive() {
        #expect(!Glob.matches(pattern: Array("HITS".utf8), Array("hits".utf8)))
        #expect(!Glob.matches(pattern: Array("[A-Z]".utf8), Array("h".utf8)))
    }

    @Test func matchesSlicesAndArraysAlike() {
        let key = Array("user:1000:visits".utf8)
        let pattern = Array("xuser:*:visitsx".utf8)
        #expect(Glob.matches(pattern: pattern[1..<(pattern.count - 1)], key[...]))
        #expect(!Glob.matches(pattern: pattern[...], key))
    }
}
