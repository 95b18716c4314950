#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import RESP
import Store

/// The range arguments sorted-set commands share: score and lexicographic
/// bounds, and rank ranges clipped to a set.
extension SortedSetCommands {
    /// One end of a score range as Redis's `zslParseRange` reads it: a C
    /// string (it ends at a NUL), `(` for exclusive, then `strtod` up to the
    /// end; leading space, an empty text (0) and overflow pass, NaN does not.
    private static func scoreBound(_ bytes: UnsafeRawBufferPointer) -> ScoreBound? {
        RedisFloat.withCString(bytes) { text in
            let exclusive = text[0] == CChar(UInt8(ascii: "("))
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(exclusive ? text + 1 : text, &end)
            guard let end, end.pointee == 0, !value.isNaN else { return nil }
            return ScoreBound(value: value, isExclusive: exclusive)
        }
    }

    /// Arguments `minIndex` and `maxIndex` as a score range.
    static func scoreRange(_ c: CommandContext, _ minIndex: Int, _ maxIndex: Int) throws -> ScoreRange {
        guard let min = c.with(minIndex, { scoreBound($0) }), let max = c.with(maxIndex, { scoreBound($0) }) else {
            throw RedisError.custom("ERR min or max is not a float")
        }
        return ScoreRange(min: min, max: max)
    }

    /// One end of a lexicographic range as Redis's `zslParseLexRangeItem`
    /// reads it: `-` or `+` alone (as C strings: a NUL may follow), or `[`
    /// or `(` before the member's bytes.
    private static func lexBound(_ bytes: ArraySlice<UInt8>) -> LexBound? {
        guard let first = bytes.first else { return nil }
        let rest = bytes.dropFirst()
        switch first {
        case UInt8(ascii: "+"): return rest.first ?? 0 == 0 ? .positiveInfinity : nil
        case UInt8(ascii: "-"): return rest.first ?? 0 == 0 ? .negativeInfinity : nil
        case UInt8(ascii: "["): return .inclusive(Array(rest))
        case UInt8(ascii: "("): return .exclusive(Array(rest))
        default: return nil
        }
    }

    /// Arguments `minIndex` and `maxIndex` as a lexicographic range.
    static func lexRange(_ c: CommandContext, _ minIndex: Int, _ maxIndex: Int) throws -> LexRange {
        guard let min = lexBound(c.arguments[minIndex]), let max = lexBound(c.arguments[maxIndex]) else {
            throw RedisError.custom("ERR min or max not valid string range item")
        }
        return LexRange(min: min, max: max)
    }

    /// The ranks `start...end` (negative from the end) clipped to the set,
    /// nil when empty, as Redis sanitizes them.
    static func ranks(_ c: inout CommandContext, id: Int64, start: Int64, end: Int64) throws -> Range<Int>? {
        let length = Int64(try c.keyspace.zsetLength(id: id))
        var start = start, end = end
        if start < 0 { start += length }
        if end < 0 { end += length }
        if start < 0 { start = 0 }
        guard start <= end, start < length else { return nil }
        return Int(start)..<Int(min(end, length - 1) + 1)
    }
}
