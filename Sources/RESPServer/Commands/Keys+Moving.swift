import RESP
import Store

/// RENAME, COPY, MOVE, RANDOMKEY, TOUCH, EXPIRETIME and OBJECT ENCODING.
extension KeyCommands {
    static func rename(_ c: inout CommandContext) throws { try rename(&c, onlyIfFree: false) }
    static func renamenx(_ c: inout CommandContext) throws { try rename(&c, onlyIfFree: true) }

    private static func rename(_ c: inout CommandContext, onlyIfFree: Bool) throws {
        guard try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) != nil else {
            throw RedisError.noSuchKey
        }
        let same = c.arguments[1] == c.arguments[2]
        if onlyIfFree {
            let taken = try c.with(2) { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) } != nil
            if same || taken { return c.client.reply.integer(0) }
        }
        if !same {
            try c.with(1) { from in try c.with(2) { to in try c.keyspace.rename(db: c.db, from: from, to: to) } }
        }
        if onlyIfFree { c.client.reply.integer(1) } else { c.client.reply.simpleString("OK") }
    }

    /// COPY source destination [DB destination-db] [REPLACE]
    static func copy(_ c: inout CommandContext) throws {
        var target = c.db
        var replace = false
        var index = 3
        while index < c.count {
            if c.isOption(index, "replace") {
                replace = true
            } else if c.isOption(index, "db") && index + 1 < c.count {
                let db = try c.integer(index + 1)
                guard db >= 0, db < Int64(c.server.configuration.databases) else { throw RedisError.dbIndexOutOfRange }
                target = Int(db)
                index += 1
            } else {
                throw RedisError.syntax
            }
            index += 1
        }
        if target == c.db && c.arguments[1] == c.arguments[2] {
            throw RedisError.custom("ERR source and destination objects are the same")
        }
        guard let source = try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) else {
            return c.client.reply.integer(0)
        }
        if !replace, try c.with(2, { try c.keyspace.lookup(db: target, key: $0, now: c.now) }) != nil {
            return c.client.reply.integer(0)
        }
        try c.with(2) { try c.keyspace.copy(id: source.id, type: source.type, to: $0, targetDB: target) }
        c.client.reply.integer(1)
    }

    static func move(_ c: inout CommandContext) throws {
        let target = try c.integer(2, in: Int64(Int32.min)...Int64(Int32.max))
        guard target >= 0, target < Int64(c.server.configuration.databases) else { throw RedisError.dbIndexOutOfRange }
        if Int(target) == c.db { throw RedisError.custom("ERR source and destination objects are the same") }
        guard try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) != nil,
              try c.with(1, { try c.keyspace.lookup(db: Int(target), key: $0, now: c.now) }) == nil else {
            return c.client.reply.integer(0)
        }
        try c.with(1) { try c.keyspace.move(db: c.db, key: $0, to: Int(target)) }
        c.client.reply.integer(1)
    }

    static func randomkey(_ c: inout CommandContext) throws {
        if let key = try c.keyspace.randomKey(db: c.db, now: c.now) { c.client.reply.bulk(key) } else { c.client.reply.null() }
    }

    /// TOUCH counts the live keys named (Tally keeps no access times).
    static func touch(_ c: inout CommandContext) throws { try exists(&c) }

    static func expiretime(_ c: inout CommandContext) throws { try absoluteExpiry(&c, milliseconds: false) }
    static func pexpiretime(_ c: inout CommandContext) throws { try absoluteExpiry(&c, milliseconds: true) }

    private static func absoluteExpiry(_ c: inout CommandContext, milliseconds: Bool) throws {
        guard let entry = try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) else {
            return c.client.reply.integer(-2)
        }
        guard let expiresAt = entry.expiresAt else { return c.client.reply.integer(-1) }
        // Redis rounds the absolute time the same way as TTL.
        c.client.reply.integer(milliseconds ? expiresAt : (expiresAt + 500) / 1000)
    }

    /// OBJECT ENCODING key: the encoding Redis would choose for this value.
    static func objectEncoding(_ c: inout CommandContext) throws {
        guard let entry = try c.with(2, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) else {
            return c.client.reply.null()
        }
        switch entry.type {
        case .string:
            switch entry.value {
            case .integer?: c.client.reply.bulk("int")
            case .bytes(let bytes)?:
                // Redis embeds strings of up to 44 bytes in the object header.
                c.client.reply.bulk(bytes.count <= 44 ? "embstr" : "raw")
            case nil: c.client.reply.bulk("embstr")
            }
        case .hash:
            // hash-max-listpack-entries 128, hash-max-listpack-value 64.
            let entries = try c.keyspace.hashEntries(id: entry.id)
            let small = entries.count <= 128 && entries.allSatisfy { $0.field.count <= 64 && $0.value.bytes.count <= 64 }
            c.client.reply.bulk(small ? "listpack" : "hashtable")
        case .list:
            // Redis 7.0 keeps every list as a quicklist (7.2 added listpack lists).
            c.client.reply.bulk("quicklist")
        case .set:
            c.client.reply.bulk(try c.keyspace.setEncoding(id: entry.id))
        case .zset:
            c.client.reply.bulk(try c.keyspace.zsetEncoding(id: entry.id))
        }
    }
}
