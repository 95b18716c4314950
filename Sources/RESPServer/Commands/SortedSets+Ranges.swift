import RESP
import Store

/// ZRANGE and its older forms (ZREVRANGE, ZRANGEBYSCORE, ZRANGEBYLEX, …) and
/// ZRANGESTORE, as Redis's `zrangeGenericCommand`.
extension SortedSetCommands {
    /// How ZRANGE reads its min and max (Redis's `zrange_type`).
    private enum RangeKind {
        case rank, score, lex
    }

    /// A parsed range of any kind.
    private enum RangeQuery {
        case rank(start: Int64, end: Int64)
        case score(ScoreRange)
        case lex(LexRange)
    }

    /// ZRANGE's options, each nil or default until given.
    private struct RangeOptions {
        var kind: RangeKind?
        var reverse: Bool?
        var withScores = false
        var offset: Int64 = 0
        /// -1 means no LIMIT, so Redis takes `LIMIT 0 -1` with a rank range.
        var limit: Int64 = -1
    }

    static func zrange(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: nil, reverse: nil) }
    static func zrevrange(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .rank, reverse: true) }
    static func zrangebyscore(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .score, reverse: false) }
    static func zrevrangebyscore(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .score, reverse: true) }
    static func zrangebylex(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .lex, reverse: false) }
    static func zrevrangebylex(_ c: inout CommandContext) throws { try range(&c, keyIndex: 1, storing: false, kind: .lex, reverse: true) }
    /// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    static func zrangestore(_ c: inout CommandContext) throws { try range(&c, keyIndex: 2, storing: true, kind: nil, reverse: nil) }

    /// Redis's `zrangeGenericCommand`: the source key is at `keyIndex`, its
    /// min and max follow; a fixed `kind` or `reverse` makes that option a
    /// syntax error. Errors come in Redis's order: options, conflicts, the
    /// range, then the key's type.
    private static func range(_ c: inout CommandContext, keyIndex: Int, storing: Bool, kind: RangeKind?, reverse: Bool?) throws {
        var options = RangeOptions(kind: kind, reverse: reverse)
        try readRangeOptions(c, from: keyIndex + 3, storing: storing, into: &options)
        let kind = options.kind ?? .rank, reverse = options.reverse ?? false
        if options.limit != -1 && kind == .rank {
            throw RedisError.custom("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if options.withScores && kind == .lex {
            throw RedisError.custom("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
        }
        // By score or lex, REV takes the range as max then min.
        let swapped = reverse && kind != .rank
        let (minIndex, maxIndex) = swapped ? (keyIndex + 2, keyIndex + 1) : (keyIndex + 1, keyIndex + 2)
        let query: RangeQuery
        switch kind {
        case .rank: query = .rank(start: try c.integer(minIndex), end: try c.integer(maxIndex))
        case .score: query = .score(try scoreRange(c, minIndex, maxIndex))
        case .lex: query = .lex(try lexRange(c, minIndex, maxIndex))
        }
        let id = try existing(&c, keyIndex)
        let entries = try id.map { try members(&c, id: $0, query, reverse: reverse, options) } ?? []
        if storing {
            try c.with(1) { try c.keyspace.storeZset(db: c.db, key: $0, now: c.now, members: entries) }
            c.client.reply.integer(Int64(entries.count))
        } else {
            reply(&c, entries, options.withScores ? withScoresLayout(c) : .members)
        }
    }

    /// Reads ZRANGE's options from argument `index` on.
    private static func readRangeOptions(_ c: CommandContext, from index: Int, storing: Bool,
                                         into options: inout RangeOptions) throws {
        var index = index
        while index < c.count {
            if !storing && c.isOption(index, "withscores") {
                options.withScores = true
            } else if c.isOption(index, "limit") && c.count - index - 1 >= 2 {
                options.offset = try c.integer(index + 1)
                options.limit = try c.integer(index + 2)
                index += 2
            } else if options.reverse == nil && c.isOption(index, "rev") {
                options.reverse = true
            } else if options.kind == nil && c.isOption(index, "bylex") {
                options.kind = .lex
            } else if options.kind == nil && c.isOption(index, "byscore") {
                options.kind = .score
            } else {
                throw RedisError.syntax
            }
            index += 1
        }
    }

    /// The members a parsed range selects in the sorted set `id`.
    private static func members(_ c: inout CommandContext, id: Int64, _ query: RangeQuery, reverse: Bool,
                                _ options: RangeOptions) throws -> [ScoredMember] {
        switch query {
        case .rank(let start, let end):
            guard let ranks = try ranks(&c, id: id, start: start, end: end) else { return [] }
            return try c.keyspace.zsetRange(id: id, start: ranks.lowerBound, count: ranks.count, reverse: reverse)
        case .score(let range):
            return try c.keyspace.zsetRange(id: id, scores: range, reverse: reverse, offset: Int(options.offset),
                                            limit: Int(options.limit))
        case .lex(let range):
            return try c.keyspace.zsetRange(id: id, lex: range, reverse: reverse, offset: Int(options.offset),
                                            limit: Int(options.limit))
        }
    }
}
