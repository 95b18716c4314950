import RESP
import Store

/// GETEX, GETRANGE/SUBSTR and SETRANGE.
extension StringCommands {
    /// GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]
    static func getex(_ c: inout CommandContext) throws {
        var persist = false
        var options = SetOptions()
        var index = 2
        while index < c.count {
            let hasNext = index + 1 < c.count
            if c.isOption(index, "persist") && options.expireArgument == nil {
                persist = true
            } else if hasNext && !persist, let (unit, relative) = SetOptions.expiryOption(c, index),
                      options.expireArgument == nil || (options.unit, options.relative) == (unit, relative) {
                options.expireArgument = index + 1
                options.unit = unit
                options.relative = relative
                index += 1
            } else {
                throw RedisError.syntax
            }
            index += 1
        }
        guard let entry = try c.with(1, { try c.keyspace.string(db: c.db, key: $0, now: c.now) }) else {
            c.server.stats.keyspaceMisses += 1
            return c.client.reply.null()
        }
        let deadline = try options.deadline(&c)
        replyValue(&c, entry)
        if let deadline {
            if !options.relative && deadline <= c.now {
                _ = try c.with(1) { try c.keyspace.delete(db: c.db, key: $0, now: c.now) }
            } else {
                try c.with(1) { try c.keyspace.setExpiry(db: c.db, key: $0, expiresAt: deadline) }
            }
        } else if persist && entry.expiresAt != nil {
            try c.with(1) { try c.keyspace.setExpiry(db: c.db, key: $0, expiresAt: nil) }
        }
    }

    /// GETRANGE key start end (and the older SUBSTR), Redis's index rules.
    static func getrange(_ c: inout CommandContext) throws {
        var start = try c.integer(2)
        var end = try c.integer(3)
        guard let entry = try c.with(1, { try c.keyspace.string(db: c.db, key: $0, now: c.now) }) else {
            return c.client.reply.bulk([UInt8]())
        }
        let bytes = entry.value?.bytes ?? []
        let length = Int64(bytes.count)
        if start < 0 && end < 0 && start > end { return c.client.reply.bulk([UInt8]()) }
        if start < 0 { start = length + start }
        if end < 0 { end = length + end }
        start = max(start, 0)
        end = max(end, 0)
        if end >= length { end = length - 1 }
        if start > end || length == 0 { return c.client.reply.bulk([UInt8]()) }
        c.client.reply.bulk(bytes[Int(start)...Int(end)])
    }

    /// SETRANGE key offset value: zero-padded overwrite; the new length.
    static func setrange(_ c: inout CommandContext) throws {
        let offset = try c.integer(2)
        guard offset >= 0 else { throw RedisError.custom("ERR offset is out of range") }
        let value = c.arguments[3]
        let entry = try c.with(1) { try c.keyspace.string(db: c.db, key: $0, now: c.now) }
        var bytes = entry?.value?.bytes ?? []
        if value.isEmpty { return c.client.reply.integer(Int64(bytes.count)) }
        let (total, overflow) = offset.addingReportingOverflow(Int64(value.count))
        guard !overflow, total <= Int64(c.server.configuration.limits.maxBulkLength) else {
            throw RedisError.custom("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
        }
        if bytes.count < Int(total) { bytes.append(contentsOf: repeatElement(0, count: Int(total) - bytes.count)) }
        bytes.replaceSubrange(Int(offset)..<Int(total), with: value)
        try c.with(1) { try c.keyspace.set(db: c.db, key: $0, value: bytes, expiresAt: entry?.expiresAt, id: entry?.id, keepsExpiry: true) }
        c.client.reply.integer(Int64(bytes.count))
    }
}
