import CSQLite

/// Set storage: the key's row in `keyspace` (type 'set') and one row per
/// member in `set_members`. Members are bound with `bindKey` everywhere, so
/// the same bytes are always the same TEXT or BLOB and UNIQUE holds. An
/// emptied set is deleted, as in Redis.
///
/// These primitives change rows only; the command layer tells WATCH
/// (`onKeyModified`) once per key a command changed, as Redis signals once.
extension Keyspace {
    /// Redis keeps a set of at most this many integers as an intset
    /// (set-max-intset-entries), which it lists in ascending order.
    package static let intsetEntries = 512

    /// The row id of the live set at `key`; WRONGTYPE for another type. With
    /// `create`, a missing (or expired) key becomes a new empty set, which the
    /// caller must fill in the same command.
    package func setID(db: Int, key: UnsafeRawBufferPointer, now: Int64, create: Bool) throws(RedisError) -> Int64? {
        try collectionID(db: db, key: key, now: now, type: .set, create: create)
    }

    /// Adds one member; true when it was not there yet.
    package func addSetMember(id: Int64, member: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        try changeElement("INSERT INTO set_members (key_id, member) VALUES (?1, ?2) ON CONFLICT DO NOTHING", id: id, member: member)
    }

    /// Removes one member; true when it was there. The caller ends with
    /// `deleteIfEmpty`, once, after all its removals.
    package func removeSetMember(id: Int64, member: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        try changeElement("DELETE FROM set_members WHERE key_id = ?1 AND member = ?2", id: id, member: member)
    }

    /// Whether `member` belongs to the set row `id`.
    package func isSetMember(id: Int64, member: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        let statement = try cachedStatement("SELECT 1 FROM set_members WHERE key_id = ?1 AND member = ?2")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, member)
            return try statement.step()
        } catch { throw .storage(error.message) }
    }

    /// `isSetMember` for a member held as an array (one read from another set).
    func isSetMember(id: Int64, member: [UInt8]) throws(RedisError) -> Bool {
        try member.withUnsafeBytes { bytes in
            Result { () throws(RedisError) in try isSetMember(id: id, member: bytes) }
        }.get()
    }

    package func setCardinality(id: Int64) throws(RedisError) -> Int {
        try elementCount(id: id, type: .set)
    }

    /// Every member, in the order Redis 7.0 would list them (see `redisOrder`).
    package func setMembers(id: Int64) throws(RedisError) -> [[UInt8]] {
        Keyspace.redisOrder(try setMembersByRow(id: id))
    }

    /// Every member in insertion (row id) order.
    func setMembersByRow(id: Int64) throws(RedisError) -> [[UInt8]] {
        let statement = try cachedStatement("SELECT member FROM set_members WHERE key_id = ?1 ORDER BY id")
        defer { statement.reset() }
        var members: [[UInt8]] = []
        do {
            try statement.bind(1, id)
            while try statement.step() { members.append(statement.bytes(0)) }
        } catch { throw .storage(error.message) }
        return members
    }

    /// One member picked uniformly at random (nil for an empty set): an
    /// offset below the stored length, so nothing is sorted.
    package func randomSetMember(id: Int64) throws(RedisError) -> [UInt8]? {
        let length = try setCardinality(id: id)
        guard length > 0 else { return nil }
        let statement = try cachedStatement("SELECT member FROM set_members WHERE key_id = ?1 LIMIT 1 OFFSET ?2")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, Int64(Int.random(in: 0..<length)))
            return try statement.step() ? statement.bytes(0) : nil
        } catch { throw .storage(error.message) }
    }

    /// Up to `count` distinct members picked at random, in random order.
    package func randomSetMembers(id: Int64, count: Int) throws(RedisError) -> [[UInt8]] {
        let statement = try cachedStatement("SELECT member FROM set_members WHERE key_id = ?1 ORDER BY random() LIMIT ?2")
        defer { statement.reset() }
        var members: [[UInt8]] = []
        do {
            try statement.bind(1, id)
            try statement.bind(2, Int64(count))
            while try statement.step() { members.append(statement.bytes(0)) }
        } catch { throw .storage(error.message) }
        return members
    }

    /// One SSCAN step over member row ids after `cursor` (0 when complete).
    package func setScan(id: Int64, cursor: Int64, count: Int) throws(RedisError) -> (next: Int64, members: [[UInt8]]) {
        let statement = try cachedStatement("SELECT id, member FROM set_members WHERE key_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")
        defer { statement.reset() }
        var members: [[UInt8]] = []
        var last: Int64 = 0
        do {
            try statement.bind(1, id)
            try statement.bind(2, cursor)
            try statement.bind(3, Int64(count))
            while try statement.step() {
                last = statement.int64(0)
                members.append(statement.bytes(1))
            }
        } catch { throw .storage(error.message) }
        return (members.count < count ? 0 : last, members)
    }

    // MARK: Several sets

    /// The members common to every set row in `ids` (all live sets), walking
    /// the smallest as Redis does; stops after `limit` members when given
    /// (SINTERCARD's LIMIT).
    package func intersectSets(ids: [Int64], limit: Int? = nil) throws(RedisError) -> [[UInt8]] {
        var sized: [(id: Int64, count: Int)] = []
        for id in ids { sized.append((id, try setCardinality(id: id))) }
        sized.sort { $0.count < $1.count }
        guard let smallest = sized.first else { return [] }
        var result: [[UInt8]] = []
        candidates: for member in try setMembersByRow(id: smallest.id) {
            for other in sized.dropFirst() where try !isSetMember(id: other.id, member: member) { continue candidates }
            result.append(member)
            if let limit, result.count >= limit { break }
        }
        return Keyspace.redisOrder(result)
    }

    /// Every member of any set row in `ids`, each once.
    package func unionSets(ids: [Int64]) throws(RedisError) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        var result: [[UInt8]] = []
        for id in ids {
            for member in try setMembersByRow(id: id) where seen.insert(member).inserted { result.append(member) }
        }
        return Keyspace.redisOrder(result)
    }

    /// The members of set row `first` found in none of `others`.
    package func diffSets(first: Int64, others: [Int64]) throws(RedisError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        candidates: for member in try setMembersByRow(id: first) {
            for other in others where try isSetMember(id: other, member: member) { continue candidates }
            result.append(member)
        }
        return Keyspace.redisOrder(result)
    }

    /// Makes `key` a new set of exactly `members` (not empty, distinct),
    /// replacing whatever was there, with no TTL: the *STORE commands.
    package func replaceSet(db: Int, key: UnsafeRawBufferPointer, members: [[UInt8]], now: Int64) throws(RedisError) {
        try rawDelete(db: db, key: key)
        guard let id = try setID(db: db, key: key, now: now, create: true) else { return }
        for member in members {
            _ = try member.withUnsafeBytes { bytes in
                Result { () throws(RedisError) in try addSetMember(id: id, member: bytes) }
            }.get()
        }
        onKeyModified?(db, key)
    }

    /// `members` in the order Redis 7.0 lists such a set: an intset (at most
    /// 512 members, all canonical int64) in ascending numeric order; any
    /// other set in insertion order, since a hashtable's order is unspecified.
    package static func redisOrder(_ members: [[UInt8]]) -> [[UInt8]] {
        guard members.count <= intsetEntries else { return members }
        var numbered: [(value: Int64, member: [UInt8])] = []
        numbered.reserveCapacity(members.count)
        for member in members {
            guard let value = member.withUnsafeBytes({ RedisInteger.parse($0) }) else { return members }
            numbered.append((value, member))
        }
        return numbered.sorted { $0.value < $1.value }.map(\.member)
    }
}
