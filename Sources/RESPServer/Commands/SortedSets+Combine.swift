import RESP
import Store

/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis's
/// `zunionInterDiffGenericCommand`.
extension SortedSetCommands {
    /// ZUNION, ZINTER and ZDIFF (Redis's SET_OP_*).
    private enum Combination {
        case union, intersection, difference
    }

    /// How scores of one member in several inputs combine.
    private enum Aggregate {
        case sum, min, max

        /// Redis's `zunionInterAggregate`: an undefined sum (inf - inf) is 0.
        func combine(_ total: inout Double, _ value: Double) {
            switch self {
            case .sum:
                total += value
                if total.isNaN { total = 0 }
            case .min: total = value < total ? value : total
            case .max: total = value > total ? value : total
            }
        }
    }

    /// What the options after the input keys ask for.
    private struct CombineOptions {
        var weights: [Double]
        var aggregate = Aggregate.sum
        var withScores = false
        /// ZINTERCARD's LIMIT; 0 for none.
        var limit: Int64 = 0
    }

    /// Where a combination's result goes.
    private enum CombineOutput {
        case store, reply, cardinality
    }

    static func zunionstore(_ c: inout CommandContext) throws { try combine(&c, .union, output: .store) }
    static func zinterstore(_ c: inout CommandContext) throws { try combine(&c, .intersection, output: .store) }
    static func zdiffstore(_ c: inout CommandContext) throws { try combine(&c, .difference, output: .store) }
    static func zunion(_ c: inout CommandContext) throws { try combine(&c, .union, output: .reply) }
    static func zinter(_ c: inout CommandContext) throws { try combine(&c, .intersection, output: .reply) }
    static func zdiff(_ c: inout CommandContext) throws { try combine(&c, .difference, output: .reply) }
    static func zintercard(_ c: inout CommandContext) throws { try combine(&c, .intersection, output: .cardinality) }

    /// Redis's `zunionInterDiffGenericCommand`. Inputs may be sorted sets or
    /// sets (members scored 1); a missing key is an empty input.
    private static func combine(_ c: inout CommandContext, _ combination: Combination, output: CombineOutput) throws {
        let numkeysIndex = output == .store ? 2 : 1
        let inputCount = try c.integer(numkeysIndex)
        guard inputCount >= 1 else {
            throw RedisError.custom("ERR at least 1 input key is needed for '\(c.spec.fullName)' command")
        }
        guard inputCount <= Int64(c.count - numkeysIndex - 1) else { throw RedisError.syntax }
        let firstKey = numkeysIndex + 1
        // Every input is read (and type-checked) before the options.
        let inputs = try (firstKey..<firstKey + Int(inputCount)).map { index in
            try c.with(index) { try c.keyspace.zsetOperand(db: c.db, key: $0, now: c.now) } ?? []
        }
        let options = try combineOptions(c, from: firstKey + inputs.count, combination, output: output)
        let result = combined(inputs, combination, options)
        switch output {
        case .store:
            try c.with(1) { try c.keyspace.storeZset(db: c.db, key: $0, now: c.now, members: result) }
            c.client.reply.integer(Int64(result.count))
        case .reply:
            reply(&c, result, options.withScores ? withScoresLayout(c) : .members)
        case .cardinality:
            c.client.reply.integer(Int64(options.limit > 0 ? min(Int64(result.count), options.limit) : Int64(result.count)))
        }
    }

    /// Reads WEIGHTS, AGGREGATE, WITHSCORES and LIMIT where Redis allows them.
    private static func combineOptions(_ c: CommandContext, from index: Int, _ combination: Combination,
                                       output: CombineOutput) throws -> CombineOptions {
        let inputCount = index - (output == .store ? 3 : 2)
        var options = CombineOptions(weights: Array(repeating: 1, count: inputCount))
        let weighted = combination != .difference && output != .cardinality
        var index = index
        while index < c.count {
            let remaining = c.count - index
            if weighted && remaining >= inputCount + 1 && c.isOption(index, "weights") {
                for input in 0..<inputCount {
                    guard let weight = c.with(index + 1 + input, { RedisFloat.parseDouble($0) }) else {
                        throw RedisError.custom("ERR weight value is not a float")
                    }
                    options.weights[input] = weight
                }
                index += 1 + inputCount
            } else if weighted && remaining >= 2 && c.isOption(index, "aggregate") {
                if c.isOption(index + 1, "sum") { options.aggregate = .sum }
                else if c.isOption(index + 1, "min") { options.aggregate = .min }
                else if c.isOption(index + 1, "max") { options.aggregate = .max }
                else { throw RedisError.syntax }
                index += 2
            } else if output == .reply && c.isOption(index, "withscores") {
                options.withScores = true
                index += 1
            } else if output == .cardinality && remaining >= 2 && c.isOption(index, "limit") {
                options.limit = try c.integer(index + 1, in: 0...Int64.max, message: "LIMIT can't be negative")
                index += 2
            } else {
                throw RedisError.syntax
            }
        }
        return options
    }

    /// The combined members in Redis's order (score, then member bytes).
    private static func combined(_ inputs: [[ScoredMember]], _ combination: Combination,
                                 _ options: CombineOptions) -> [ScoredMember] {
        var weighted = zip(inputs, options.weights).map { (members: $0, weight: $1) }
        // Redis sorts the inputs smallest first (glibc's qsort, a stable merge
        // sort), which fixes the order scores are summed in.
        if combination != .difference {
            weighted = weighted.enumerated().sorted {
                ($0.element.members.count, $0.offset) < ($1.element.members.count, $1.offset)
            }.map(\.element)
        }
        let result: [ScoredMember]
        switch combination {
        case .union: result = union(weighted, options.aggregate)
        case .intersection: result = intersection(weighted, options.aggregate)
        case .difference: result = difference(inputs)
        }
        return result.sorted {
            $0.score < $1.score || ($0.score == $1.score && $0.member.lexicographicallyPrecedes($1.member))
        }
    }

    /// A weighted score; an undefined product (inf × 0) is 0.
    private static func weighted(_ score: Double, _ weight: Double) -> Double {
        let product = score * weight
        return product.isNaN ? 0 : product
    }

    private static func union(_ inputs: [(members: [ScoredMember], weight: Double)], _ aggregate: Aggregate) -> [ScoredMember] {
        var totals: [[UInt8]: Double] = [:]
        for input in inputs {
            for entry in input.members {
                let score = weighted(entry.score, input.weight)
                if let total = totals[entry.member] {
                    var total = total
                    aggregate.combine(&total, score)
                    totals[entry.member] = total
                } else {
                    totals[entry.member] = score
                }
            }
        }
        return totals.map { ScoredMember(member: $0.key, score: $0.value) }
    }

    private static func intersection(_ inputs: [(members: [ScoredMember], weight: Double)], _ aggregate: Aggregate) -> [ScoredMember] {
        guard let first = inputs.first else { return [] }
        let others = inputs.dropFirst().map { input in
            (scores: Dictionary(input.members.map { ($0.member, $0.score) }, uniquingKeysWith: { a, _ in a }), weight: input.weight)
        }
        return first.members.compactMap { entry in
            var total = weighted(entry.score, first.weight)
            for other in others {
                guard let score = other.scores[entry.member] else { return nil }
                // Redis does not zero an undefined product here, only the sum.
                aggregate.combine(&total, score * other.weight)
            }
            return ScoredMember(member: entry.member, score: total)
        }
    }

    /// The members of the first input that are in no other, with their own scores.
    private static func difference(_ inputs: [[ScoredMember]]) -> [ScoredMember] {
        guard let first = inputs.first else { return [] }
        let others = Set(inputs.dropFirst().flatMap { $0.map(\.member) })
        return first.filter { !others.contains($0.member) }
    }
}
