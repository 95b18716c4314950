import Store

/// The arguments LMPOP and ZMPOP share, `numkeys key [key ...] WHERE [COUNT
/// count]`, checked in Redis 7.0's order before any key is looked up.
struct MultiPopArguments {
    /// The argument indexes of the keys, in the order they are tried.
    var keys: Range<Int>
    /// True for the second of the two direction words (RIGHT, MAX).
    var fromSecondEnd: Bool
    /// COUNT's value, nil when absent (a single element, answered alone).
    var count: Int64?

    /// The number of elements to pop, clipped to what a reply can hold.
    var popCount: Int { Int(min(count ?? 1, Int64(Int32.max))) }

    init(_ c: CommandContext, directions: (first: StaticString, second: StaticString)) throws {
        let numkeys = try c.integer(1, in: 1...Int64.max, message: "numkeys should be greater than 0")
        guard numkeys <= Int64(c.count - 3) else { throw RedisError.syntax }
        let whereIndex = 2 + Int(numkeys)
        keys = 2..<whereIndex
        if c.isOption(whereIndex, directions.first) { fromSecondEnd = false }
        else if c.isOption(whereIndex, directions.second) { fromSecondEnd = true }
        else { throw RedisError.syntax }
        var index = whereIndex + 1
        while index < c.count {
            guard count == nil, c.isOption(index, "count"), index + 1 < c.count else { throw RedisError.syntax }
            count = try c.integer(index + 1, in: 1...Int64.max, message: "count should be greater than 0")
            index += 2
        }
    }
}
