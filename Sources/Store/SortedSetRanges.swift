/// The values sorted-set storage takes and returns: a member with its
/// score, and the score and lexicographic intervals of ZRANGEBYSCORE,
/// ZRANGEBYLEX and their kin.

/// A sorted-set member with its score, as ranges, pops and scans return it.
package struct ScoredMember: Equatable, Sendable {
    package var member: [UInt8]
    package var score: Double

    package init(member: [UInt8], score: Double) {
        self.member = member
        self.score = score
    }
}

/// One end of a score interval: `1.5` (inclusive), `(1.5` (exclusive), `-inf`.
package struct ScoreBound: Sendable {
    package var value: Double
    package var isExclusive: Bool

    package init(value: Double, isExclusive: Bool) {
        self.value = value
        self.isExclusive = isExclusive
    }
}

/// A score interval as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE take it
/// (Redis's `zrangespec`).
package struct ScoreRange: Sendable {
    package var min: ScoreBound
    package var max: ScoreBound

    package init(min: ScoreBound, max: ScoreBound) {
        self.min = min
        self.max = max
    }

    /// True when no score can lie inside, Redis's early-out in `zslIsInRange`.
    package var isEmpty: Bool {
        min.value > max.value || (min.value == max.value && (min.isExclusive || max.isExclusive))
    }

    /// The SQL condition on `score`, with the bounds bound as ?2 and ?3.
    var sqlCondition: String {
        "score \(min.isExclusive ? ">" : ">=") ?2 AND score \(max.isExclusive ? "<" : "<=") ?3"
    }
}

/// One end of a lexicographic interval: `-`, `+`, `[member` or `(member`.
package enum LexBound: Sendable {
    case negativeInfinity
    case positiveInfinity
    case inclusive([UInt8])
    case exclusive([UInt8])

    /// Redis marks `-` and `+` exclusive too, which makes `- -` an empty range.
    var isExclusive: Bool {
        if case .inclusive = self { false } else { true }
    }
}

/// A lexicographic interval as ZRANGEBYLEX, ZLEXCOUNT and ZREMRANGEBYLEX
/// take it (Redis's `zlexrangespec`). Members compare as bytes (memcmp,
/// then length), the order of SQLite's BLOB comparison.
package struct LexRange: Sendable {
    package var min: LexBound
    package var max: LexBound

    package init(min: LexBound, max: LexBound) {
        self.min = min
        self.max = max
    }

    /// True when no member can lie inside, as Redis's `zslIsInLexRange` decides.
    package var isEmpty: Bool {
        let order = LexRange.compare(min, max)
        return order > 0 || (order == 0 && (min.isExclusive || max.isExclusive))
    }

    /// `member` is not below the lower end (`zslLexValueGteMin`).
    func isAboveMin(_ member: [UInt8]) -> Bool {
        let order = LexRange.compare(.inclusive(member), min)
        return min.isExclusive ? order > 0 : order >= 0
    }

    /// `member` is not above the upper end (`zslLexValueLteMax`).
    func isBelowMax(_ member: [UInt8]) -> Bool {
        let order = LexRange.compare(.inclusive(member), max)
        return max.isExclusive ? order < 0 : order <= 0
    }

    /// Redis's `sdscmplex`: the infinities are below and above every string,
    /// and equal only to themselves.
    private static func compare(_ a: LexBound, _ b: LexBound) -> Int {
        switch (a, b) {
        case (.negativeInfinity, .negativeInfinity), (.positiveInfinity, .positiveInfinity): return 0
        case (.negativeInfinity, _), (_, .positiveInfinity): return -1
        case (.positiveInfinity, _), (_, .negativeInfinity): return 1
        case (.inclusive(let x), .inclusive(let y)), (.inclusive(let x), .exclusive(let y)),
             (.exclusive(let x), .inclusive(let y)), (.exclusive(let x), .exclusive(let y)):
            return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        }
    }
}
