import RESP
import Store

/// Hash commands, as Redis's t_hash.c.
enum HashCommands {
    /// Redis keeps hashes of up to 128 fields as a listpack, which HSCAN
    /// returns whole in one call; Tally answers the same way.
    static let listpackEntries = 128

    /// The live hash at argument 1, nil when absent; WRONGTYPE otherwise.
    private static func existing(_ c: inout CommandContext) throws -> Int64? {
        try c.with(1) { try c.keyspace.hashID(db: c.db, key: $0, now: c.now, create: false) }
    }

    private static func creating(_ c: inout CommandContext) throws -> Int64 {
        try c.with(1) { try c.keyspace.hashID(db: c.db, key: $0, now: c.now, create: true)! }
    }

    private static func reply(_ c: inout CommandContext, _ value: StoredValue?) {
        switch value {
        case nil: c.client.reply.null()
        case .integer(let number)?: c.client.reply.bulk(String(number))
        case .bytes(let bytes)?: c.client.reply.bulk(bytes)
        }
    }

    /// HSET key field value [field value ...]: the number of new fields.
    static func hset(_ c: inout CommandContext) throws {
        guard c.count % 2 == 0 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        let id = try creating(&c)
        var added: Int64 = 0
        for index in stride(from: 2, to: c.count, by: 2) {
            let isNew = try c.with(1) { k in try c.with(index) { f in try c.with(index + 1) { v in
                try c.keyspace.setHashField(db: c.db, key: k, id: id, field: f, value: v)
            } } }
            if isNew { added += 1 }
        }
        c.client.reply.integer(added)
    }

    static func hmset(_ c: inout CommandContext) throws {
        guard c.count % 2 == 0 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        let id = try creating(&c)
        for index in stride(from: 2, to: c.count, by: 2) {
            _ = try c.with(1) { k in try c.with(index) { f in try c.with(index + 1) { v in
                try c.keyspace.setHashField(db: c.db, key: k, id: id, field: f, value: v)
            } } }
        }
        c.client.reply.simpleString("OK")
    }

    static func hsetnx(_ c: inout CommandContext) throws {
        let id = try creating(&c)
        if try c.with(2, { try c.keyspace.hashField(id: id, field: $0) }) != nil {
            c.client.reply.integer(0)
            return
        }
        _ = try c.with(1) { k in try c.with(2) { f in try c.with(3) { v in
            try c.keyspace.setHashField(db: c.db, key: k, id: id, field: f, value: v)
        } } }
        c.client.reply.integer(1)
    }

    static func hget(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.null() }
        reply(&c, try c.with(2) { try c.keyspace.hashField(id: id, field: $0) })
    }

    static func hmget(_ c: inout CommandContext) throws {
        let id = try existing(&c)
        c.client.reply.arrayHeader(c.count - 2)
        for index in 2..<c.count {
            guard let id else {
                c.client.reply.null()
                continue
            }
            reply(&c, try c.with(index) { try c.keyspace.hashField(id: id, field: $0) })
        }
    }

    static func hgetall(_ c: inout CommandContext) throws {
        let entries = try existing(&c).map { try c.keyspace.hashEntries(id: $0) } ?? []
        c.client.reply.mapHeader(entries.count)
        for entry in entries {
            c.client.reply.bulk(entry.field)
            reply(&c, entry.value)
        }
    }

    static func hkeys(_ c: inout CommandContext) throws {
        let entries = try existing(&c).map { try c.keyspace.hashEntries(id: $0) } ?? []
        c.client.reply.arrayHeader(entries.count)
        for entry in entries { c.client.reply.bulk(entry.field) }
    }

    static func hvals(_ c: inout CommandContext) throws {
        let entries = try existing(&c).map { try c.keyspace.hashEntries(id: $0) } ?? []
        c.client.reply.arrayHeader(entries.count)
        for entry in entries { reply(&c, entry.value) }
    }

    static func hdel(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        var removed: Int64 = 0
        for index in 2..<c.count
        where try c.with(1, { k in try c.with(index) { f in try c.keyspace.deleteHashField(db: c.db, key: k, id: id, field: f) } }) {
            removed += 1
        }
        c.client.reply.integer(removed)
    }

    static func hlen(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        c.client.reply.integer(Int64(try c.keyspace.hashLength(id: id)))
    }

    static func hexists(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        c.client.reply.integer(try c.with(2) { try c.keyspace.hashField(id: id, field: $0) } == nil ? 0 : 1)
    }

    static func hstrlen(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        let value = try c.with(2) { try c.keyspace.hashField(id: id, field: $0) }
        c.client.reply.integer(Int64(value?.bytes.count ?? 0))
    }

    static func hincrby(_ c: inout CommandContext) throws {
        let delta = try c.integer(3)
        let id = try creating(&c)
        let current: Int64
        switch try c.with(2, { try c.keyspace.hashField(id: id, field: $0) }) {
        case nil: current = 0
        case .integer(let value)?: current = value
        case .bytes(let bytes)?:
            guard let value = RedisInteger.parse(bytes) else { throw RedisError.custom("ERR hash value is not an integer") }
            current = value
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        if overflow { throw RedisError.overflow }
        try c.with(1) { k in try c.with(2) { f in
            try c.keyspace.setHashField(db: c.db, key: k, id: id, field: f, value: Array(String(sum).utf8))
        } }
        c.client.reply.integer(sum)
    }

    static func hincrbyfloat(_ c: inout CommandContext) throws {
        guard let delta = c.with(3, { RedisFloat.parse($0) }) else { throw RedisError.notFloat }
        if delta.isNaN || delta.isInfinite { throw RedisError.custom("ERR value is NaN or Infinity") }
        let id = try creating(&c)
        let current: RedisFloat.LongDouble
        switch try c.with(2, { try c.keyspace.hashField(id: id, field: $0) }) {
        case nil: current = 0
        case .integer(let value)?: current = RedisFloat.LongDouble(value)
        case .bytes(let bytes)?:
            guard let value = bytes.withUnsafeBytes({ RedisFloat.parse($0) }) else {
                throw RedisError.custom("ERR hash value is not a float")
            }
            current = value
        }
        let sum = current + delta
        if sum.isNaN || sum.isInfinite { throw RedisError.nanOrInfinity }
        let text = RedisFloat.format(sum)
        try c.with(1) { k in try c.with(2) { f in try c.keyspace.setHashField(db: c.db, key: k, id: id, field: f, value: text) } }
        c.client.reply.bulk(text)
    }

    /// HRANDFIELD key [count [WITHVALUES]]
    static func hrandfield(_ c: inout CommandContext) throws {
        guard c.count <= 4 else { throw RedisError.syntax }
        var count: Int64? = nil
        var withValues = false
        if c.count >= 3 {
            count = try c.integer(2, in: -Int64.max...Int64.max)
            if c.count == 4 {
                guard c.isOption(3, "withvalues") else { throw RedisError.syntax }
                withValues = true
            }
            // Redis bounds the count so that doubling it for WITHVALUES cannot overflow.
            if withValues && count! < -Int64.max / 2 { throw RedisError.custom("ERR value is out of range") }
        }
        let entries = try existing(&c).map { try c.keyspace.hashEntries(id: $0) } ?? []
        guard let count else {
            if let pick = entries.randomElement() { c.client.reply.bulk(pick.field) } else { c.client.reply.null() }
            return
        }
        var picks: [(field: [UInt8], value: StoredValue)]
        if entries.isEmpty || count == 0 {
            picks = []
        } else if count < 0 {
            picks = (0..<Int(min(-count, 1 << 24))).map { _ in entries.randomElement()! }
        } else {
            picks = Array(entries.shuffled().prefix(Int(min(count, Int64(entries.count)))))
        }
        if withValues && c.client.protocolVersion == .resp3 {
            c.client.reply.arrayHeader(picks.count)
            for pick in picks {
                c.client.reply.arrayHeader(2)
                c.client.reply.bulk(pick.field)
                reply(&c, pick.value)
            }
            return
        }
        c.client.reply.arrayHeader(withValues ? picks.count * 2 : picks.count)
        for pick in picks {
            c.client.reply.bulk(pick.field)
            if withValues { reply(&c, pick.value) }
        }
    }

    /// HSCAN key cursor [MATCH pattern] [COUNT count]: cursor, key, then
    /// options, in Redis's order.
    static func hscan(_ c: inout CommandContext) throws {
        let cursor = try ScanArguments.cursor(c, 2)
        guard let id = try existing(&c) else { return ScanArguments.reply(&c, next: 0, count: 0) { _ in } }
        let options = try ScanArguments.options(c, from: 3)
        var next: Int64 = 0
        var entries: [(field: [UInt8], value: StoredValue)] = []
        if try c.keyspace.hashLength(id: id) <= listpackEntries {
            // Redis returns a listpack hash whole, in one call.
            entries = try c.keyspace.hashEntries(id: id)
        } else if cursor <= UInt64(Int64.max) {
            (next, entries) = try c.keyspace.hashScan(id: id, cursor: Int64(cursor), count: options.count)
        }
        entries = entries.filter { options.matches($0.field) }
        ScanArguments.reply(&c, next: next, count: entries.count * 2) { c in
            for entry in entries {
                c.client.reply.bulk(entry.field)
                reply(&c, entry.value)
            }
        }
    }
}
