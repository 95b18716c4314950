import RESP
import Store

/// String commands, as Redis's t_string.c.
enum StringCommands {
    static func get(_ c: inout CommandContext) throws {
        let entry = try c.with(1) { try c.keyspace.string(db: c.db, key: $0, now: c.now) }
        replyValue(&c, entry)
    }

    /// Replies a string entry's value or null, counting a hit or a miss.
    static func replyValue(_ c: inout CommandContext, _ entry: Entry?) {
        switch entry?.value {
        case nil:
            c.server.stats.keyspaceMisses += 1
            c.client.reply.null()
        case .integer(let value)?:
            c.server.stats.keyspaceHits += 1
            c.client.reply.bulk(String(value))
        case .bytes(let bytes)?:
            c.server.stats.keyspaceHits += 1
            c.client.reply.bulk(bytes)
        }
    }

    /// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
    static func set(_ c: inout CommandContext) throws {
        var options = try SetOptions.parse(&c, from: 3, allowGet: true)
        let expiresAt = try options.deadline(&c)
        try store(&c, key: 1, value: 2, options: &options, expiresAt: expiresAt)
    }

    /// The shared body of SET and its older forms: GET reply, NX/XX test, write.
    static func store(_ c: inout CommandContext, key: Int, value: Int, options: inout SetOptions, expiresAt: Int64?) throws {
        let entry = try c.with(key) { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }
        if options.get {
            if let entry, entry.type != .string { throw RedisError.wrongType }
            replyValue(&c, entry)
        }
        if (options.condition == .nx && entry != nil) || (options.condition == .xx && entry == nil) {
            if !options.get { c.client.reply.null() }
            return
        }
        let deadline = options.keepTTL ? entry?.expiresAt : expiresAt
        try c.with(key) { k in try c.with(value) { v in try c.keyspace.set(db: c.db, key: k, value: v, expiresAt: deadline, id: entry?.id) } }
        if !options.get { c.client.reply.simpleString("OK") }
    }

    static func setnx(_ c: inout CommandContext) throws {
        let exists = try c.with(1) { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) } != nil
        if !exists {
            try c.with(1) { k in try c.with(2) { v in try c.keyspace.set(db: c.db, key: k, value: v, expiresAt: nil) } }
        }
        c.client.reply.integer(exists ? 0 : 1)
    }

    /// SETEX key seconds value / PSETEX key milliseconds value.
    static func setex(_ c: inout CommandContext) throws {
        var options = SetOptions(expireArgument: 2, unit: .seconds, relative: true)
        let deadline = try options.deadline(&c)
        try store(&c, key: 1, value: 3, options: &options, expiresAt: deadline)
    }

    static func psetex(_ c: inout CommandContext) throws {
        var options = SetOptions(expireArgument: 2, unit: .milliseconds, relative: true)
        let deadline = try options.deadline(&c)
        try store(&c, key: 1, value: 3, options: &options, expiresAt: deadline)
    }

    static func getset(_ c: inout CommandContext) throws {
        var options = SetOptions()
        options.get = true
        try store(&c, key: 1, value: 2, options: &options, expiresAt: nil)
    }

    static func getdel(_ c: inout CommandContext) throws {
        let entry = try c.with(1) { try c.keyspace.string(db: c.db, key: $0, now: c.now) }
        replyValue(&c, entry)
        if entry != nil { _ = try c.with(1) { try c.keyspace.delete(db: c.db, key: $0, now: c.now) } }
    }

    static func mget(_ c: inout CommandContext) throws {
        c.client.reply.arrayHeader(c.count - 1)
        for index in 1..<c.count {
            let entry = try c.with(index) { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }
            // MGET answers null for a key of another type rather than failing.
            replyValue(&c, entry?.type == .string ? entry : nil)
        }
    }

    static func mset(_ c: inout CommandContext) throws {
        guard c.count % 2 == 1 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        for index in stride(from: 1, to: c.count, by: 2) {
            try c.with(index) { k in try c.with(index + 1) { v in try c.keyspace.set(db: c.db, key: k, value: v, expiresAt: nil) } }
        }
        c.client.reply.simpleString("OK")
    }

    static func msetnx(_ c: inout CommandContext) throws {
        guard c.count % 2 == 1 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        for index in stride(from: 1, to: c.count, by: 2)
        where try c.with(index, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) != nil {
            c.client.reply.integer(0)
            return
        }
        for index in stride(from: 1, to: c.count, by: 2) {
            try c.with(index) { k in try c.with(index + 1) { v in try c.keyspace.set(db: c.db, key: k, value: v, expiresAt: nil) } }
        }
        c.client.reply.integer(1)
    }

    static func incr(_ c: inout CommandContext) throws { try increment(&c, by: 1) }
    static func decr(_ c: inout CommandContext) throws { try increment(&c, by: -1) }
    static func incrby(_ c: inout CommandContext) throws { try increment(&c, by: try c.integer(2)) }

    static func decrby(_ c: inout CommandContext) throws {
        let delta = try c.integer(2)
        // Negating the smallest int64 overflows before any key is read.
        guard delta != Int64.min else { throw RedisError.custom("ERR decrement would overflow") }
        try increment(&c, by: -delta)
    }

    private static func increment(_ c: inout CommandContext, by delta: Int64) throws {
        let value = try c.with(1) { try c.keyspace.increment(db: c.db, key: $0, by: delta, now: c.now) }
        c.client.reply.integer(value)
    }

    static func incrbyfloat(_ c: inout CommandContext) throws {
        let text = try c.with(1) { k in try c.with(2) { d in try c.keyspace.incrementFloat(db: c.db, key: k, by: d, now: c.now) } }
        // A bulk string in RESP3 too, as Redis 7 answers.
        c.client.reply.bulk(text)
    }

    static func strlen(_ c: inout CommandContext) throws {
        let entry = try c.with(1) { try c.keyspace.string(db: c.db, key: $0, now: c.now) }
        switch entry?.value {
        case nil: c.client.reply.integer(0)
        case .integer(let value)?: c.client.reply.integer(Int64(String(value).utf8.count))
        case .bytes(let bytes)?: c.client.reply.integer(Int64(bytes.count))
        }
    }

    static func append(_ c: inout CommandContext) throws {
        let entry = try c.with(1) { try c.keyspace.string(db: c.db, key: $0, now: c.now) }
        var bytes = entry?.value?.bytes ?? []
        bytes.append(contentsOf: c.arguments[2])
        // APPEND keeps the key's time to live.
        try c.with(1) { try c.keyspace.set(db: c.db, key: $0, value: bytes, expiresAt: entry?.expiresAt, id: entry?.id, keepsExpiry: true) }
        c.client.reply.integer(Int64(bytes.count))
    }
}
