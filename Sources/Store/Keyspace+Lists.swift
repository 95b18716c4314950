import CSQLite

/// List storage: the key's row in `keyspace` (type 'list') and one row per
/// element in `list_items`, ordered by `position`. Indexes are counted from
/// the head in position order; callers normalise Redis's negative indexes
/// against `elementCount` first. An emptied list is deleted, as in Redis.
extension Keyspace {
    /// Which end of a list.
    package enum End: Sendable {
        case head, tail
    }

    /// The row id of the live list at `key`; WRONGTYPE for another type. With
    /// `create`, a missing (or expired) key becomes a new empty list.
    package func listID(db: Int, key: UnsafeRawBufferPointer, now: Int64, create: Bool) throws(RedisError) -> Int64? {
        try collectionID(db: db, key: key, now: now, type: .list, create: create)
    }

    /// The lowest (or highest) position in use, nil for an empty list: one
    /// seek in the order index each (a single `min(), max()` query would
    /// read every element).
    private func endPosition(id: Int64, _ end: End) throws(RedisError) -> Int64? {
        let statement = try cachedStatement(end == .head
            ? "SELECT position FROM list_items WHERE key_id = ?1 ORDER BY position ASC LIMIT 1"
            : "SELECT position FROM list_items WHERE key_id = ?1 ORDER BY position DESC LIMIT 1")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            return try statement.step() ? statement.int64(0) : nil
        } catch { throw .storage(error.message) }
    }

    /// Inserts one element at `position` (a value stored by the string rule).
    private func insertItem(id: Int64, position: Int64, value: UnsafeRawBufferPointer) throws(RedisError) {
        let statement = try cachedStatement("INSERT INTO list_items (key_id, position, value) VALUES (?1, ?2, ?3)")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, position)
            try statement.bindValue(3, value)
            try statement.run()
        } catch { throw .storage(error.message) }
    }

    /// Pushes one element at `end`: below the lowest position or above the highest.
    package func push(db: Int, key: UnsafeRawBufferPointer, id: Int64, value: UnsafeRawBufferPointer, at end: End) throws(RedisError) {
        let position: Int64
        switch end {
        case .head: position = (try endPosition(id: id, .head) ?? 1) - 1
        case .tail: position = (try endPosition(id: id, .tail) ?? -1) + 1
        }
        try insertItem(id: id, position: position, value: value)
        onKeyModified?(db, key)
    }

    package func push(db: Int, key: UnsafeRawBufferPointer, id: Int64, value: [UInt8], at end: End) throws(RedisError) {
        try value.withUnsafeBytes { bytes in
            Result { () throws(RedisError) in try push(db: db, key: key, id: id, value: bytes, at: end) }
        }.get()
    }

    /// Removes and returns up to `count` elements from `end`, in pop order;
    /// deletes the key once empty.
    package func pop(db: Int, key: UnsafeRawBufferPointer, id: Int64, count: Int, from end: End) throws(RedisError) -> [StoredValue] {
        let items = try itemRows(id: id, offset: 0, limit: count, from: end)
        let remove = try cachedStatement("DELETE FROM list_items WHERE id = ?1")
        do {
            for item in items {
                defer { remove.reset() }
                try remove.bind(1, item.row)
                try remove.run()
            }
        } catch { throw .storage(error.message) }
        if !items.isEmpty {
            onKeyModified?(db, key)
            try deleteIfEmpty(id: id, type: .list)
        }
        return items.map(\.value)
    }

    /// Up to `limit` elements (row id, position, value) starting `offset`
    /// elements from `end`, in order away from that end.
    private func itemRows(id: Int64, offset: Int, limit: Int, from end: End) throws(RedisError) -> [(row: Int64, position: Int64, value: StoredValue)] {
        let order = end == .head ? "ASC" : "DESC"
        let statement = try cachedStatement("""
            SELECT id, position, value FROM list_items WHERE key_id = ?1 ORDER BY position \(order) LIMIT ?2 OFFSET ?3
            """)
        defer { statement.reset() }
        var rows: [(row: Int64, position: Int64, value: StoredValue)] = []
        do {
            try statement.bind(1, id)
            try statement.bind(2, Int64(limit))
            try statement.bind(3, Int64(offset))
            while try statement.step() {
                rows.append((statement.int64(0), statement.int64(1), storedValue(statement, 2)))
            }
        } catch { throw .storage(error.message) }
        return rows
    }

    /// Calls `body` with each element from index `start` through `stop`
    /// (both within the list), head first, read in place: LRANGE's path,
    /// which copies no element.
    package func forEachListElement(id: Int64, start: Int, stop: Int,
                                    _ body: (BorrowedValue) -> Void) throws(RedisError) {
        guard start <= stop else { return }
        let statement = try cachedStatement(
            "SELECT value FROM list_items WHERE key_id = ?1 ORDER BY position LIMIT ?2 OFFSET ?3")
        defer { statement.reset() }
        do {
            try statement.bind(1, id)
            try statement.bind(2, Int64(stop - start + 1))
            try statement.bind(3, Int64(start))
            while try statement.step() {
                if statement.columnType(0) == SQLITE_INTEGER {
                    body(.integer(statement.int64(0)))
                } else {
                    statement.withBytes(0) { body(.bytes($0)) }
                }
            }
        } catch { throw .storage(error.message) }
    }

    /// Every element, head first.
    package func listElements(id: Int64) throws(RedisError) -> [StoredValue] {
        try itemRows(id: id, offset: 0, limit: Int(Int32.max), from: .head).map(\.value)
    }

    /// The element at index `index` (within the list), nil past the end.
    package func listElement(id: Int64, index: Int) throws(RedisError) -> StoredValue? {
        try itemRows(id: id, offset: index, limit: 1, from: .head).first?.value
    }

    /// Replaces the element at index `index`; false when there is none.
    package func setListElement(db: Int, key: UnsafeRawBufferPointer, id: Int64, index: Int,
                                value: UnsafeRawBufferPointer) throws(RedisError) -> Bool {
        guard let item = try itemRows(id: id, offset: index, limit: 1, from: .head).first else { return false }
        let statement = try cachedStatement("UPDATE list_items SET value = ?2 WHERE id = ?1")
        defer { statement.reset() }
        do {
            try statement.bind(1, item.row)
            try statement.bindValue(2, value)
            try statement.run()
        } catch { throw .storage(error.message) }
        onKeyModified?(db, key)
        return true
    }

    /// LTRIM: removes `head` elements from the head and `tail` from the tail
    /// (the caller computed both as Redis does; removing all deletes the list).
    /// Redis signals WATCH even when nothing is trimmed, so this does too.
    package func trimList(db: Int, key: UnsafeRawBufferPointer, id: Int64, head: Int, tail: Int) throws(RedisError) {
        guard head + tail > 0 else { return onKeyModified?(db, key) ?? () }
        let rows = try itemRows(id: id, offset: 0, limit: head, from: .head).map(\.row)
            + itemRows(id: id, offset: 0, limit: tail, from: .tail).map(\.row)
        try deleteItems(rows)
        onKeyModified?(db, key)
        try deleteIfEmpty(id: id, type: .list)
    }

    /// Deletes list item rows by id.
    private func deleteItems(_ rows: [Int64]) throws(RedisError) {
        let remove = try cachedStatement("DELETE FROM list_items WHERE id = ?1")
        do {
            for row in rows {
                defer { remove.reset() }
                try remove.bind(1, row)
                try remove.run()
            }
        } catch { throw .storage(error.message) }
    }

    /// LREM: removes up to `count` elements equal to `value` (all for 0),
    /// from the head for a positive count and from the tail for a negative one.
    package func removeFromList(db: Int, key: UnsafeRawBufferPointer, id: Int64, count: Int64,
                                value: UnsafeRawBufferPointer) throws(RedisError) -> Int {
        let order = count < 0 ? "DESC" : "ASC"
        // Values follow the string rule, so equal bytes are stored equally:
        // comparing the stored column with the bound value is exact.
        let statement = try cachedStatement("""
            SELECT id FROM list_items WHERE key_id = ?1 AND value = ?2 ORDER BY position \(order) LIMIT ?3
            """)
        var rows: [Int64] = []
        do {
            defer { statement.reset() }
            try statement.bind(1, id)
            try statement.bindValue(2, value)
            // LIMIT -1 is no limit; |Int64.min| does not fit, and no list is that long.
            try statement.bind(3, count == 0 ? -1 : count == .min ? .max : abs(count))
            while try statement.step() { rows.append(statement.int64(0)) }
        } catch { throw .storage(error.message) }
        try deleteItems(rows)
        if !rows.isEmpty {
            onKeyModified?(db, key)
            try deleteIfEmpty(id: id, type: .list)
        }
        return rows.count
    }

    /// LINSERT: puts `value` before or after the first element equal to
    /// `pivot`; false when there is no such element.
    package func insertIntoList(db: Int, key: UnsafeRawBufferPointer, id: Int64, pivot: UnsafeRawBufferPointer,
                                value: UnsafeRawBufferPointer, before: Bool) throws(RedisError) -> Bool {
        let find = try cachedStatement("""
            SELECT position FROM list_items WHERE key_id = ?1 AND value = ?2 ORDER BY position LIMIT 1
            """)
        let position: Int64
        do {
            defer { find.reset() }
            try find.bind(1, id)
            try find.bindValue(2, pivot)
            guard try find.step() else { return false }
            position = find.int64(0)
        } catch { throw .storage(error.message) }
        // Make room: every element after the new one moves up by one.
        let slot = before ? position : position + 1
        let shift = try cachedStatement("UPDATE list_items SET position = position + 1 WHERE key_id = ?1 AND position >= ?2")
        do {
            defer { shift.reset() }
            try shift.bind(1, id)
            try shift.bind(2, slot)
            try shift.run()
        } catch { throw .storage(error.message) }
        try insertItem(id: id, position: slot, value: value)
        onKeyModified?(db, key)
        return true
    }
}
