import CSQLite

/// A member row: its row id (for deletes and ZSCAN) and its member and score.
private struct ZsetRow {
    var id: Int64
    var entry: ScoredMember
}

/// Sorted-set storage: the key's row in `keyspace` (type 'zset') and one row
/// per member in `zset_members`, ordered by `score, CAST(member AS BLOB)`
/// (the `zset_members_order` index) so that ties order by member bytes, as
/// in Redis. An emptied sorted set is deleted, as in Redis.
extension Keyspace {
    /// The ORDER BY of Redis's order, or of its reverse.
    private static func order(reverse: Bool) -> String {
        reverse ? "ORDER BY score DESC, CAST(member AS BLOB) DESC" : "ORDER BY score, CAST(member AS BLOB)"
    }

    /// The row id of the live sorted set at `key`; WRONGTYPE for another
    /// type. With `create`, a missing key becomes a new empty sorted set.
    package func zsetID(db: Int, key: UnsafeRawBufferPointer, now: Int64, create: Bool) throws(RedisError) -> Int64? {
        try collectionID(db: db, key: key, now: now, type: .zset, create: create)
    }

    /// The number of members.
    package func zsetLength(id: Int64) throws(RedisError) -> Int {
        try elementCount(id: id, type: .zset)
    }

    /// The score of `member`, nil when absent.
    package func zsetScore(id: Int64, member: UnsafeRawBufferPointer) throws(RedisError) -> Double? {
        let statement = try cachedStatement("SELECT score FROM zset_members WHERE key_id = ?1 AND member = ?2")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, member)
            return try statement.step() ? statement.double(0) : nil
        } catch { throw .storage(error.message) }
    }

    /// Sets the score of `member`, adding it when absent. The caller only
    /// calls this for a real change: it tells WATCH.
    package func setZsetScore(db: Int, key: UnsafeRawBufferPointer, id: Int64, member: UnsafeRawBufferPointer,
                              score: Double) throws(RedisError) {
        let statement = try cachedStatement("""
            INSERT INTO zset_members (key_id, member, score) VALUES (?1, ?2, ?3)
            ON CONFLICT (key_id, member) DO UPDATE SET score = excluded.score
            """)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bindKey(2, member)
            try statement.bind(3, score)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
    }

    /// Removes `member`; true when it was there. Deletes the key once empty.
    package func removeZsetMember(db: Int, key: UnsafeRawBufferPointer, id: Int64,
                                  member: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        guard try changeElement("DELETE FROM zset_members WHERE key_id = ?1 AND member = ?2", id: id, member: member) else {
            return false
        }
        try didRemoveZsetMembers(db: db, key: key, id: id)
        return true
    }

    /// The 0-based rank of `member` in ascending (or, with `reverse`,
    /// descending) order; nil when absent.
    package func zsetRank(id: Int64, member: UnsafeRawBufferPointer, reverse: Bool) throws(RedisError) -> Int? {
        guard let score = try zsetScore(id: id, member: member) else { return nil }
        // A row value comparison walks the order index up to the member.
        let statement = try cachedStatement("""
            SELECT count(*) FROM zset_members WHERE key_id = ?1 AND (score, CAST(member AS BLOB)) < (?2, ?3)
            """)
        defer { statement.reset() }
        let below: Int
        do {
            try statement.bind(1, id)
            try statement.bind(2, score)
            try statement.bindBlob(3, member)
            below = try statement.step() ? Int(statement.int64(0)) : 0
        } catch { throw .storage(error.message) }
        return reverse ? try zsetLength(id: id) - 1 - below : below
    }

    // MARK: Ranges

    /// `count` members from rank `start`, in ascending or descending order.
    package func zsetRange(id: Int64, start: Int, count: Int, reverse: Bool) throws(RedisError) -> [ScoredMember] {
        try rankRows(id: id, start: start, count: count, reverse: reverse).map(\.entry)
    }

    /// The members whose score is in `range`, after skipping `offset` of them,
    /// at most `limit` (all when negative).
    package func zsetRange(id: Int64, scores range: ScoreRange, reverse: Bool, offset: Int,
                           limit: Int) throws(RedisError) -> [ScoredMember] {
        guard !range.isEmpty, offset >= 0 else { return [] }
        let statement = try cachedStatement("""
            SELECT id, member, score FROM zset_members WHERE key_id = ?1 AND \(range.sqlCondition)
            \(Keyspace.order(reverse: reverse)) LIMIT ?4 OFFSET ?5
            """)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, range.min.value)
            try statement.bind(3, range.max.value)
            try statement.bind(4, Int64(limit < 0 ? -1 : limit))
            try statement.bind(5, Int64(offset))
            return try readRows(statement).map(\.entry)
        } catch { throw .storage(error.message) }
    }

    /// The number of members whose score is in `range`.
    package func zsetCount(id: Int64, scores range: ScoreRange) throws(RedisError) -> Int {
        guard !range.isEmpty else { return 0 }
        let statement = try cachedStatement("SELECT count(*) FROM zset_members WHERE key_id = ?1 AND \(range.sqlCondition)")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, range.min.value)
            try statement.bind(3, range.max.value)
            return try statement.step() ? Int(statement.int64(0)) : 0
        } catch { throw .storage(error.message) }
    }

    /// The members in the lexicographic `range`, after skipping `offset`
    /// rows, at most `limit` (all when negative).
    package func zsetRange(id: Int64, lex range: LexRange, reverse: Bool, offset: Int,
                           limit: Int) throws(RedisError) -> [ScoredMember] {
        try lexRows(id: id, range: range, reverse: reverse, offset: offset, limit: limit).map(\.entry)
    }

    /// The number of members in the lexicographic `range`.
    package func zsetCount(id: Int64, lex range: LexRange) throws(RedisError) -> Int {
        try lexRows(id: id, range: range, reverse: false, offset: 0, limit: -1).count
    }

    /// Every member, in ascending order.
    package func zsetMembers(id: Int64) throws(RedisError) -> [ScoredMember] {
        try rankRows(id: id, start: 0, count: -1, reverse: false).map(\.entry)
    }

    /// One ZSCAN step over member row ids after `cursor` (0 when complete).
    package func zsetScan(id: Int64, cursor: Int64, count: Int) throws(RedisError) -> (next: Int64, entries: [ScoredMember]) {
        let statement = try cachedStatement("""
            SELECT id, member, score FROM zset_members WHERE key_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3
            """)
        defer { statement.reset() }
        let rows: [ZsetRow]
        do {
            try statement.bind(1, id)
            try statement.bind(2, cursor)
            try statement.bind(3, Int64(count))
            rows = try readRows(statement)
        } catch { throw .storage(error.message) }
        return (rows.count < count ? 0 : rows.last?.id ?? 0, rows.map(\.entry))
    }

    // MARK: Removing ranges

    /// Removes and returns the `count` lowest (or, with `highest`, highest)
    /// members, in the order they leave. Deletes the key once empty.
    package func popZset(db: Int, key: UnsafeRawBufferPointer, id: Int64, count: Int,
                         highest: Bool) throws(RedisError) -> [ScoredMember] {
        let rows = try rankRows(id: id, start: 0, count: count, reverse: highest)
        try removeRows(db: db, key: key, id: id, rows)
        return rows.map(\.entry)
    }

    /// Removes `count` members from rank `start`; the number removed.
    package func removeZsetRange(db: Int, key: UnsafeRawBufferPointer, id: Int64, start: Int,
                                 count: Int) throws(RedisError) -> Int {
        let rows = try rankRows(id: id, start: start, count: count, reverse: false)
        try removeRows(db: db, key: key, id: id, rows)
        return rows.count
    }

    /// Removes the members whose score is in `range`; the number removed.
    package func removeZsetRange(db: Int, key: UnsafeRawBufferPointer, id: Int64,
                                 scores range: ScoreRange) throws(RedisError) -> Int {
        guard !range.isEmpty else { return 0 }
        let statement = try cachedStatement("DELETE FROM zset_members WHERE key_id = ?1 AND \(range.sqlCondition)")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, range.min.value)
            try statement.bind(3, range.max.value)
            try statement.run()
        } catch { throw .storage(error.message) }
        let removed = Int(sqlite3_changes(database.handle))
        if removed > 0 { try didRemoveZsetMembers(db: db, key: key, id: id) }
        return removed
    }

    /// Removes the members in the lexicographic `range`; the number removed.
    package func removeZsetRange(db: Int, key: UnsafeRawBufferPointer, id: Int64,
                                 lex range: LexRange) throws(RedisError) -> Int {
        let rows = try lexRows(id: id, range: range, reverse: false, offset: 0, limit: -1)
        try removeRows(db: db, key: key, id: id, rows)
        return rows.count
    }

    // MARK: Whole sets

    /// The members of the sorted set at `key`, or of the set there (each
    /// scored 1, as ZUNIONSTORE reads a set); nil when absent, WRONGTYPE for
    /// another type.
    package func zsetOperand(db: Int, key: UnsafeRawBufferPointer, now: Int64) throws(RedisError) -> [ScoredMember]? {
        guard let entry = try lookup(db: db, key: key, now: now) else { return nil }
        switch entry.type {
        case .zset: return try zsetMembers(id: entry.id)
        case .set: return try setMembersScoredOne(id: entry.id)
        default: throw .wrongType
        }
    }

    /// Replaces whatever is at `key` with a new sorted set of `members`
    /// (distinct), without a deadline; with no members the key is deleted.
    package func storeZset(db: Int, key: UnsafeRawBufferPointer, now: Int64, members: [ScoredMember]) throws(RedisError) {
        _ = try delete(db: db, key: key, now: now)
        guard !members.isEmpty else { return }
        guard let id = try zsetID(db: db, key: key, now: now, create: true) else { return }
        let statement = try cachedStatement("INSERT INTO zset_members (key_id, member, score) VALUES (?1, ?2, ?3)")
        for element in members {
            let result = element.member.withUnsafeBytes { member in
                Result { () throws(SQLiteError) in
                    defer { statement.reset() }
                    try statement.bind(1, id)
                    try statement.bindKey(2, member)
                    try statement.bind(3, element.score)
                    try statement.run()
                }
            }
            do { try result.get() } catch { throw .storage(error.message) }
        }
        onKeyModified?(db, key)
    }

    // MARK: Helpers

    /// `count` rows (all when negative) from rank `start` in the given order.
    private func rankRows(id: Int64, start: Int, count: Int, reverse: Bool) throws(RedisError) -> [ZsetRow] {
        let statement = try cachedStatement("""
            SELECT id, member, score FROM zset_members WHERE key_id = ?1 \(Keyspace.order(reverse: reverse)) LIMIT ?2 OFFSET ?3
            """)
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, Int64(count))
            try statement.bind(3, Int64(start))
            return try readRows(statement)
        } catch { throw .storage(error.message) }
    }

    /// Every row a statement selecting `id, member, score` yields.
    private func readRows(_ statement: Statement) throws(SQLiteError) -> [ZsetRow] {
        var rows: [ZsetRow] = []
        while try statement.step() {
            rows.append(ZsetRow(id: statement.int64(0),
                                entry: ScoredMember(member: statement.bytes(1), score: statement.double(2))))
        }
        return rows
    }

    /// The rows of a lexicographic range, found the way Redis walks a
    /// listpack (`zzlFirstInLexRange`, then `zzlNext` while in range): no
    /// rows unless the last member is past the lower end and the first one
    /// before the upper end; then the walk starts at the first member past
    /// the near end and stops at the first one past the far end, and
    /// `offset` skips rows without looking at them. When every score is
    /// equal (the documented use) this is the plain interval, and an index
    /// seek finds its start; with mixed scores it is what Redis answers for
    /// a listpack.
    private func lexRows(id: Int64, range: LexRange, reverse: Bool, offset: Int, limit: Int) throws(RedisError) -> [ZsetRow] {
        guard !range.isEmpty, offset >= 0, limit != 0,
              let first = try rankRows(id: id, start: 0, count: 1, reverse: false).first,
              let last = try rankRows(id: id, start: 0, count: 1, reverse: true).first,
              range.isAboveMin(last.entry.member), range.isBelowMax(first.entry.member) else { return [] }
        let seek: LexBound? = first.entry.score == last.entry.score ? (reverse ? range.max : range.min) : nil
        let statement = try lexWalkStatement(reverse: reverse, seek: seek)
        defer { statement.reset() }
        let seekBytes: [UInt8]?
        switch seek {
        case .inclusive(let bytes)?, .exclusive(let bytes)?: seekBytes = bytes
        default: seekBytes = nil
        }
        // The seek bytes are bound in place, so the walk runs inside their scope.
        return try (seekBytes ?? []).withUnsafeBytes { buffer in
            Result { () throws(RedisError) in
                do throws(SQLiteError) {
                    try statement.bind(1, id)
                    if seek != nil { try statement.bind(2, first.entry.score) }
                    if seekBytes != nil { try statement.bindBlob(3, buffer) }
                    return try walk(statement, range: range, reverse: reverse, offset: offset, limit: limit)
                } catch { throw .storage(error.message) }
            }
        }.get()
    }

    /// Steps a lexicographic walk: skips to the first row past the near end
    /// (none if it is already past the far end), skips `offset` rows, then
    /// takes rows while they are before the far end, at most `limit`.
    private func walk(_ statement: Statement, range: LexRange, reverse: Bool, offset: Int,
                      limit: Int) throws(SQLiteError) -> [ZsetRow] {
        let isPastNearEnd = reverse ? range.isBelowMax : range.isAboveMin
        let isBeforeFarEnd = reverse ? range.isAboveMin : range.isBelowMax
        var rows: [ZsetRow] = []
        var started = false, skipped = 0
        while try statement.step() {
            let member = statement.bytes(1)
            if !started {
                guard isPastNearEnd(member) else { continue }
                guard isBeforeFarEnd(member) else { break }
                started = true
            }
            if skipped < offset {
                skipped += 1
                continue
            }
            guard isBeforeFarEnd(member) else { break }
            rows.append(ZsetRow(id: statement.int64(0), entry: ScoredMember(member: member, score: statement.double(2))))
            if rows.count == limit { break }
        }
        return rows
    }

    /// The statement a lexicographic walk steps through: every row in order,
    /// or, with `seek` (all scores equal, the score bound as ?2), the rows
    /// from that bound (?3) on, found through the order index.
    private func lexWalkStatement(reverse: Bool, seek: LexBound?) throws(RedisError) -> Statement {
        let condition: String
        switch seek {
        case .inclusive?: condition = "AND score = ?2 AND CAST(member AS BLOB) \(reverse ? "<=" : ">=") ?3"
        case .exclusive?: condition = "AND score = ?2 AND CAST(member AS BLOB) \(reverse ? "<" : ">") ?3"
        case .negativeInfinity?, .positiveInfinity?: condition = "AND score = ?2"
        case nil: condition = ""
        }
        return try cachedStatement("""
            SELECT id, member, score FROM zset_members WHERE key_id = ?1 \(condition) \(Keyspace.order(reverse: reverse))
            """)
    }

    /// Deletes member rows by id; tells WATCH and deletes the key once empty.
    private func removeRows(db: Int, key: UnsafeRawBufferPointer, id: Int64, _ rows: [ZsetRow]) throws(RedisError) {
        guard !rows.isEmpty else { return }
        let statement = try cachedStatement("DELETE FROM zset_members WHERE id = ?1")
        defer { statement.reset() }
        do {
            for row in rows {
                try statement.bind(1, row.id)
                try statement.run()
            }
        } catch { throw .storage(error.message) }
        try didRemoveZsetMembers(db: db, key: key, id: id)
    }

    /// After members left: tells WATCH, and deletes the key when none remain.
    private func didRemoveZsetMembers(db: Int, key: UnsafeRawBufferPointer, id: Int64) throws(RedisError) {
        onKeyModified?(db, key)
        try deleteIfEmpty(id: id, type: .zset)
    }

    /// The members of the set row `id`, each with score 1.
    private func setMembersScoredOne(id: Int64) throws(RedisError) -> [ScoredMember] {
        try setMembersByRow(id: id).map { ScoredMember(member: $0, score: 1) }
    }
}
