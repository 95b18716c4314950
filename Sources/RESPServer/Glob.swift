/// Redis's glob matching (`stringmatchlen` in util.c): `*`, `?`, `[a-z]`,
/// `[^…]` and `\` escapes, byte by byte, as KEYS and SCAN MATCH use it.
package enum Glob {
    package static func matches(pattern: some Collection<UInt8>, _ string: some Collection<UInt8>) -> Bool {
        let p = Array(pattern), s = Array(string)
        var skipLongerMatches = false
        return match(p, 0, s, 0, &skipLongerMatches)
    }

    private static func match(_ p: [UInt8], _ pStart: Int, _ s: [UInt8], _ sStart: Int, _ skipLonger: inout Bool) -> Bool {
        var pi = pStart, si = sStart
        // A byte of the pattern, with C's NUL past the end.
        func at(_ index: Int) -> UInt8 { index < p.count ? p[index] : 0 }
        while pi < p.count && si < s.count {
            switch p[pi] {
            case UInt8(ascii: "*"):
                while pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*") { pi += 1 }
                if pi == p.count - 1 { return true }
                while si < s.count {
                    if match(p, pi + 1, s, si, &skipLonger) { return true }
                    // A failed tail match cannot succeed later on a longer string.
                    if skipLonger { return false }
                    si += 1
                }
                skipLonger = true
                return false
            case UInt8(ascii: "?"):
                si += 1
            case UInt8(ascii: "["):
                pi += 1
                let negate = at(pi) == UInt8(ascii: "^")
                if negate { pi += 1 }
                var matched = false
                while true {
                    if at(pi) == UInt8(ascii: "\\") && p.count - pi >= 2 {
                        pi += 1
                        if p[pi] == s[si] { matched = true }
                    } else if at(pi) == UInt8(ascii: "]") {
                        break
                    } else if pi >= p.count {
                        pi -= 1
                        break
                    } else if p.count - pi >= 3 && p[pi + 1] == UInt8(ascii: "-") {
                        // C compares these as (signed) chars.
                        var start = Int8(bitPattern: p[pi]), end = Int8(bitPattern: p[pi + 2])
                        let c = Int8(bitPattern: s[si])
                        if start > end { swap(&start, &end) }
                        pi += 2
                        if c >= start && c <= end { matched = true }
                    } else if p[pi] == s[si] {
                        matched = true
                    }
                    pi += 1
                }
                if negate { matched.toggle() }
                if !matched { return false }
                si += 1
            case UInt8(ascii: "\\"):
                if p.count - pi >= 2 { pi += 1 }
                if p[pi] != s[si] { return false }
                si += 1
            default:
                if p[pi] != s[si] { return false }
                si += 1
            }
            pi += 1
            if si == s.count {
                while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
                break
            }
        }
        return pi >= p.count && si == s.count
    }
}
