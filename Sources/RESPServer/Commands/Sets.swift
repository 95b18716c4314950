import RESP
import Store

/// Set commands, as Redis's t_set.c. Replies list members in Redis 7.0's
/// order where it has one (an intset ascends; see `Keyspace.redisOrder`).
enum SetCommands {
    /// The most members a negative SRANDMEMBER count returns: Redis would
    /// build a reply of any length, which a peer could use to exhaust memory.
    static let maxRepeatedPicks = 1 << 24

    // MARK: Helpers

    /// The live set at argument `index`, nil when absent; WRONGTYPE otherwise.
    private static func existing(_ c: inout CommandContext, _ index: Int = 1) throws -> Int64? {
        try c.with(index) { try c.keyspace.setID(db: c.db, key: $0, now: c.now, create: false) }
    }

    /// The set at argument `index`, made empty when absent: fill it in this command.
    private static func creating(_ c: inout CommandContext, _ index: Int = 1) throws -> Int64 {
        try c.with(index) { try c.keyspace.setID(db: c.db, key: $0, now: c.now, create: true)! }
    }

    /// Tells WATCH that the key at argument `index` changed; Redis signals
    /// only when something did, so callers skip this for no-ops.
    private static func modified(_ c: inout CommandContext, _ index: Int = 1) {
        c.with(index) { c.keyspace.onKeyModified?(c.db, $0) }
    }

    private static func add(_ c: inout CommandContext, _ id: Int64, member index: Int) throws -> Bool {
        try c.with(index) { try c.keyspace.addSetMember(id: id, member: $0) }
    }

    private static func remove(_ c: inout CommandContext, _ id: Int64, member index: Int) throws -> Bool {
        try c.with(index) { try c.keyspace.removeSetMember(id: id, member: $0) }
    }

    private static func contains(_ c: inout CommandContext, _ id: Int64, member index: Int) throws -> Bool {
        try c.with(index) { try c.keyspace.isSetMember(id: id, member: $0) }
    }

    /// A RESP3 set (RESP2 array) of `members`, as Redis replies a whole set.
    private static func replySet(_ c: inout CommandContext, _ members: [[UInt8]]) {
        c.client.reply.setHeader(members.count)
        for member in members { c.client.reply.bulk(member) }
    }

    /// An array of `members`: SRANDMEMBER's reply, which may repeat members.
    private static func replyArray(_ c: inout CommandContext, _ members: [[UInt8]]) {
        c.client.reply.arrayHeader(members.count)
        for member in members { c.client.reply.bulk(member) }
    }

    // MARK: One set

    /// SADD key member [member ...]: the number of new members.
    static func sadd(_ c: inout CommandContext) throws {
        let id = try creating(&c)
        var added: Int64 = 0
        for index in 2..<c.count where try add(&c, id, member: index) { added += 1 }
        if added > 0 { modified(&c) }
        c.client.reply.integer(added)
    }

    /// SREM key member [member ...]: the number of members removed.
    static func srem(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        var removed: Int64 = 0
        for index in 2..<c.count where try remove(&c, id, member: index) { removed += 1 }
        if removed > 0 {
            try c.keyspace.deleteIfEmpty(id: id, type: .set)
            modified(&c)
        }
        c.client.reply.integer(removed)
    }

    /// SMEMBERS key
    static func smembers(_ c: inout CommandContext) throws {
        replySet(&c, try existing(&c).map { try c.keyspace.setMembers(id: $0) } ?? [])
    }

    /// SISMEMBER key member: 1 or 0.
    static func sismember(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        c.client.reply.integer(try contains(&c, id, member: 2) ? 1 : 0)
    }

    /// SMISMEMBER key member [member ...]: 1 or 0 for each member.
    static func smismember(_ c: inout CommandContext) throws {
        let id = try existing(&c)
        c.client.reply.arrayHeader(c.count - 2)
        for index in 2..<c.count {
            let found = try id.map { try contains(&c, $0, member: index) } ?? false
            c.client.reply.integer(found ? 1 : 0)
        }
    }

    /// SCARD key
    static func scard(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        c.client.reply.integer(Int64(try c.keyspace.setCardinality(id: id)))
    }

    /// SMOVE source destination member: 1 when moved (or already in a
    /// destination that is the source), 0 when the source lacks it.
    static func smove(_ c: inout CommandContext) throws {
        // Redis answers 0 for a missing source before it looks at the destination's type.
        guard let source = try existing(&c, 1) else { return c.client.reply.integer(0) }
        let destination = try existing(&c, 2)
        if c.arguments[1] == c.arguments[2] {
            return c.client.reply.integer(try contains(&c, source, member: 3) ? 1 : 0)
        }
        guard try remove(&c, source, member: 3) else { return c.client.reply.integer(0) }
        try c.keyspace.deleteIfEmpty(id: source, type: .set)
        modified(&c, 1)
        let target = try destination ?? creating(&c, 2)
        if try add(&c, target, member: 3) { modified(&c, 2) }
        c.client.reply.integer(1)
    }

    // MARK: Random members

    /// SPOP key [count]: one random member (removed), or up to `count` as a set.
    static func spop(_ c: inout CommandContext) throws {
        guard c.count <= 3 else { throw RedisError.syntax }
        if c.count == 3 { return try spopCount(&c) }
        guard let id = try existing(&c), let member = try c.keyspace.randomSetMember(id: id) else {
            return c.client.reply.null()
        }
        _ = try member.withUnsafeBytes { try c.keyspace.removeSetMember(id: id, member: $0) }
        try c.keyspace.deleteIfEmpty(id: id, type: .set)
        modified(&c)
        c.client.reply.bulk(member)
    }

    /// SPOP key count: the count is read before the key, as Redis does, so a
    /// bad count wins over WRONGTYPE.
    private static func spopCount(_ c: inout CommandContext) throws {
        let count = try c.integer(2, in: 0...Int64.max, message: "value is out of range, must be positive")
        guard let id = try existing(&c), count > 0 else { return c.client.reply.setHeader(0) }
        if count >= Int64(try c.keyspace.setCardinality(id: id)) {
            // The whole set, in its order; then the key goes (DEL tells WATCH).
            replySet(&c, try c.keyspace.setMembers(id: id))
            _ = try c.with(1) { try c.keyspace.delete(db: c.db, key: $0, now: c.now) }
            return
        }
        let picks = try c.keyspace.randomSetMembers(id: id, count: Int(count))
        for member in picks {
            _ = try member.withUnsafeBytes { try c.keyspace.removeSetMember(id: id, member: $0) }
        }
        modified(&c)
        replySet(&c, picks)
    }

    /// SRANDMEMBER key [count]: one random member, or an array of them
    /// (distinct for a positive count, possibly repeated for a negative one).
    static func srandmember(_ c: inout CommandContext) throws {
        guard c.count <= 3 else { throw RedisError.syntax }
        if c.count == 3 { return try srandmemberCount(&c) }
        guard let id = try existing(&c), let member = try c.keyspace.randomSetMember(id: id) else {
            return c.client.reply.null()
        }
        c.client.reply.bulk(member)
    }

    private static func srandmemberCount(_ c: inout CommandContext) throws {
        // -Int64.max bound: Redis negates the count, which Int64.min cannot survive.
        let count = try c.integer(2, in: -Int64.max...Int64.max)
        guard let id = try existing(&c), count != 0 else { return c.client.reply.arrayHeader(0) }
        if count < 0 {
            let members = try c.keyspace.setMembers(id: id)
            let picks = (0..<Int(min(-count, Int64(maxRepeatedPicks)))).map { _ in members.randomElement()! }
            return replyArray(&c, picks)
        }
        if count >= Int64(try c.keyspace.setCardinality(id: id)) {
            return replyArray(&c, try c.keyspace.setMembers(id: id))
        }
        replyArray(&c, try c.keyspace.randomSetMembers(id: id, count: Int(count)))
    }

    // MARK: Several sets

    /// How SINTER, SUNION and SDIFF (and their STORE forms) combine sets.
    private enum Operation {
        case intersection, union, difference
    }

    /// The live sets named by the arguments in `range`, nil for missing keys.
    /// Redis 7.0 checks every key's type before answering, even after a
    /// missing key has made an intersection empty.
    private static func sets(_ c: inout CommandContext, _ range: Range<Int>) throws -> [Int64?] {
        var ids: [Int64?] = []
        for index in range { ids.append(try existing(&c, index)) }
        return ids
    }

    /// The members `operation` makes of the sets named in `range`.
    private static func combine(_ c: inout CommandContext, _ operation: Operation, _ range: Range<Int>,
                                limit: Int? = nil) throws -> [[UInt8]] {
        let ids = try sets(&c, range)
        switch operation {
        case .intersection:
            // A missing key is an empty set, and so is the intersection.
            guard !ids.contains(nil) else { return [] }
            return try c.keyspace.intersectSets(ids: ids.compactMap { $0 }, limit: limit)
        case .union:
            return try c.keyspace.unionSets(ids: ids.compactMap { $0 })
        case .difference:
            guard let first = ids[0] else { return [] }
            return try c.keyspace.diffSets(first: first, others: ids.dropFirst().compactMap { $0 })
        }
    }

    /// Writes `members` to the key at argument 1, replacing any value of any
    /// type and its TTL; an empty result deletes the key. Replies the count.
    private static func store(_ c: inout CommandContext, _ members: [[UInt8]]) throws {
        if members.isEmpty {
            _ = try c.with(1) { try c.keyspace.delete(db: c.db, key: $0, now: c.now) }
        } else {
            try c.with(1) { try c.keyspace.replaceSet(db: c.db, key: $0, members: members, now: c.now) }
        }
        c.client.reply.integer(Int64(members.count))
    }

    /// SINTER key [key ...]
    static func sinter(_ c: inout CommandContext) throws {
        replySet(&c, try combine(&c, .intersection, 1..<c.count))
    }

    /// SUNION key [key ...]
    static func sunion(_ c: inout CommandContext) throws {
        replySet(&c, try combine(&c, .union, 1..<c.count))
    }

    /// SDIFF key [key ...]: the first set less all the others.
    static func sdiff(_ c: inout CommandContext) throws {
        replySet(&c, try combine(&c, .difference, 1..<c.count))
    }

    /// SINTERSTORE destination key [key ...]
    static func sinterstore(_ c: inout CommandContext) throws {
        try store(&c, try combine(&c, .intersection, 2..<c.count))
    }

    /// SUNIONSTORE destination key [key ...]
    static func sunionstore(_ c: inout CommandContext) throws {
        try store(&c, try combine(&c, .union, 2..<c.count))
    }

    /// SDIFFSTORE destination key [key ...]
    static func sdiffstore(_ c: inout CommandContext) throws {
        try store(&c, try combine(&c, .difference, 2..<c.count))
    }

    /// SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's
    /// size, counting no further than a non-zero limit.
    static func sintercard(_ c: inout CommandContext) throws {
        let keys = try c.integer(1, in: 1...Int64.max, message: "numkeys should be greater than 0")
        guard keys <= Int64(c.count - 2) else {
            throw RedisError.custom("ERR Number of keys can't be greater than number of args")
        }
        let end = 2 + Int(keys)
        var limit: Int? = nil
        var index = end
        while index < c.count {
            guard c.isOption(index, "limit"), index + 1 < c.count else { throw RedisError.syntax }
            let value = try c.integer(index + 1, in: 0...Int64.max, message: "LIMIT can't be negative")
            limit = value == 0 ? nil : Int(value)
            index += 2
        }
        c.client.reply.integer(Int64(try combine(&c, .intersection, 2..<end, limit: limit).count))
    }

    // MARK: Scanning

    /// SSCAN key cursor [MATCH pattern] [COUNT count]. Redis reads the cursor,
    /// then the key, and only then the options: a missing key answers an
    /// empty scan whatever options follow.
    static func sscan(_ c: inout CommandContext) throws {
        let cursor = try ScanArguments.cursor(c, 2)
        guard let id = try existing(&c) else { return ScanArguments.reply(&c, next: 0, count: 0) { _ in } }
        let options = try ScanArguments.options(c, from: 3)
        var next: Int64 = 0
        var members: [[UInt8]] = []
        if try c.keyspace.setEncoding(id: id) == "intset" {
            // Redis returns an intset whole in one call, whatever the cursor.
            members = try c.keyspace.setMembers(id: id)
        } else if cursor <= UInt64(Int64.max) {
            (next, members) = try c.keyspace.setScan(id: id, cursor: Int64(cursor), count: options.count)
        }
        members = members.filter(options.matches)
        ScanArguments.reply(&c, next: next, count: members.count) { c in
            for member in members { c.client.reply.bulk(member) }
        }
    }
}
