import RESP
import Store

/// Generic key commands, as Redis's db.c and expire.c.
enum KeyCommands {
    /// DEL and UNLINK: the number of live keys removed.
    static func del(_ c: inout CommandContext) throws {
        var removed: Int64 = 0
        for index in 1..<c.count where try c.with(index, { try c.keyspace.delete(db: c.db, key: $0, now: c.now) }) {
            removed += 1
        }
        c.client.reply.integer(removed)
    }

    /// EXISTS counts a key once per time it is named.
    static func exists(_ c: inout CommandContext) throws {
        var found: Int64 = 0
        for index in 1..<c.count where try c.with(index, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) != nil {
            found += 1
        }
        c.client.reply.integer(found)
    }

    static func type(_ c: inout CommandContext) throws {
        let entry = try c.with(1) { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }
        c.client.reply.simpleString(entry?.type.rawValue ?? "none")
    }

    static func keys(_ c: inout CommandContext) throws {
        let pattern = c.arguments[1]
        let matchAll = pattern.count == 1 && pattern.first == UInt8(ascii: "*")
        let keys = try c.keyspace.allKeys(db: c.db, now: c.now).filter { matchAll || Glob.matches(pattern: pattern, $0) }
        c.client.reply.arrayHeader(keys.count)
        for key in keys { c.client.reply.bulk(key) }
    }

    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    static func scan(_ c: inout CommandContext) throws {
        let cursor = try ScanArguments.cursor(c, 1)
        let options = try ScanArguments.options(c, from: 2, allowsType: true)
        // A cursor past every row id finishes the scan.
        let page = cursor <= UInt64(Int64.max)
            ? try c.keyspace.scan(db: c.db, cursor: Int64(cursor), count: options.count, now: c.now)
            : (next: 0, keys: [])
        let keys = page.keys.filter { item in
            (options.type.map { Array(item.type.rawValue.utf8) == $0 } ?? true) && options.matches(item.key)
        }
        ScanArguments.reply(&c, next: page.next, count: keys.count) { c in
            for item in keys { c.client.reply.bulk(item.key) }
        }
    }

    static func expire(_ c: inout CommandContext) throws { try setExpiry(&c, unit: 1000, relative: true) }
    static func pexpire(_ c: inout CommandContext) throws { try setExpiry(&c, unit: 1, relative: true) }
    static func expireat(_ c: inout CommandContext) throws { try setExpiry(&c, unit: 1000, relative: false) }
    static func pexpireat(_ c: inout CommandContext) throws { try setExpiry(&c, unit: 1, relative: false) }

    /// The EXPIRE family, as `expireGenericCommand`: options, overflow
    /// checks, then NX/XX/GT/LT against the current deadline; a deadline
    /// already past deletes the key.
    private static func setExpiry(_ c: inout CommandContext, unit: Int64, relative: Bool) throws {
        var nx = false, xx = false, gt = false, lt = false
        for index in 3..<max(3, c.count) {
            if c.isOption(index, "nx") { nx = true }
            else if c.isOption(index, "xx") { xx = true }
            else if c.isOption(index, "gt") { gt = true }
            else if c.isOption(index, "lt") { lt = true }
            else { throw RedisError.custom("ERR Unsupported option \(c.string(index))") }
        }
        if nx && (xx || gt || lt) {
            throw RedisError.custom("ERR NX and XX, GT or LT options at the same time are not compatible")
        }
        if gt && lt { throw RedisError.custom("ERR GT and LT options at the same time are not compatible") }
        var when = try c.integer(2)
        if unit == 1000 {
            guard when <= Int64.max / 1000 && when >= Int64.min / 1000 else {
                throw RedisError.invalidExpireTime(command: c.spec.fullName)
            }
            when *= 1000
        }
        let base = relative ? c.now : 0
        guard when <= Int64.max - base else { throw RedisError.invalidExpireTime(command: c.spec.fullName) }
        when += base
        guard let entry = try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) else {
            c.client.reply.integer(0)
            return
        }
        let current = entry.expiresAt
        if (nx && current != nil) || (xx && current == nil)
            || (gt && (current == nil || when <= current!))
            || (lt && current != nil && when >= current!) {
            c.client.reply.integer(0)
            return
        }
        if when <= c.now {
            _ = try c.with(1) { try c.keyspace.delete(db: c.db, key: $0, now: c.now) }
        } else {
            try c.with(1) { try c.keyspace.setExpiry(db: c.db, key: $0, expiresAt: when) }
        }
        c.client.reply.integer(1)
    }

    static func ttl(_ c: inout CommandContext) throws { try timeToLive(&c, milliseconds: false) }
    static func pttl(_ c: inout CommandContext) throws { try timeToLive(&c, milliseconds: true) }

    private static func timeToLive(_ c: inout CommandContext, milliseconds: Bool) throws {
        guard let entry = try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }) else {
            c.client.reply.integer(-2)
            return
        }
        guard let expiresAt = entry.expiresAt else {
            c.client.reply.integer(-1)
            return
        }
        let remaining = max(0, expiresAt - c.now)
        c.client.reply.integer(milliseconds ? remaining : (remaining + 500) / 1000)
    }

    static func persist(_ c: inout CommandContext) throws {
        guard let entry = try c.with(1, { try c.keyspace.lookup(db: c.db, key: $0, now: c.now) }),
              entry.expiresAt != nil else {
            c.client.reply.integer(0)
            return
        }
        try c.with(1) { try c.keyspace.setExpiry(db: c.db, key: $0, expiresAt: nil) }
        c.client.reply.integer(1)
    }
}
