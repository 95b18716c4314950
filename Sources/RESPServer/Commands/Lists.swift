import RESP
import Store

/// List commands, as Redis 7.0's t_list.c, in the same order of checks (which
/// argument is parsed before the key is looked up decides which error wins).
/// The blocking forms (BLPOP, BLMOVE, …) are not implemented: they answer
/// the unknown-command error rather than pretend never to block.
enum ListCommands {
    /// The live list at argument `index`, nil when absent; WRONGTYPE otherwise.
    private static func existing(_ c: inout CommandContext, _ index: Int = 1) throws -> Int64? {
        try c.with(index) { try c.keyspace.listID(db: c.db, key: $0, now: c.now, create: false) }
    }

    private static func reply(_ c: inout CommandContext, _ value: StoredValue) {
        switch value {
        case .integer(let number): c.client.reply.bulk(String(number))
        case .bytes(let bytes): c.client.reply.bulk(bytes)
        }
    }

    /// `LEFT` or `RIGHT` at argument `index`, else a syntax error.
    private static func end(_ c: CommandContext, _ index: Int) throws -> Keyspace.End {
        if c.isOption(index, "left") { return .head }
        if c.isOption(index, "right") { return .tail }
        throw RedisError.syntax
    }

    /// Redis's index normalisation: negative counts from the tail.
    private static func absolute(_ index: Int64, length: Int) -> Int64 {
        index < 0 ? index + Int64(length) : index
    }

    // MARK: Pushing

    static func lpush(_ c: inout CommandContext) throws { try push(&c, at: .head, onlyExisting: false) }
    static func rpush(_ c: inout CommandContext) throws { try push(&c, at: .tail, onlyExisting: false) }
    static func lpushx(_ c: inout CommandContext) throws { try push(&c, at: .head, onlyExisting: true) }
    static func rpushx(_ c: inout CommandContext) throws { try push(&c, at: .tail, onlyExisting: true) }

    /// Pushes every element in argument order (so LPUSH reverses them) and
    /// answers the new length; the X forms only push onto an existing list.
    private static func push(_ c: inout CommandContext, at end: Keyspace.End, onlyExisting: Bool) throws {
        let found = try existing(&c)
        if onlyExisting && found == nil { return c.client.reply.integer(0) }
        let id = try found ?? c.with(1) { try c.keyspace.listID(db: c.db, key: $0, now: c.now, create: true)! }
        for index in 2..<c.count {
            try c.with(1) { k in try c.with(index) { v in try c.keyspace.push(db: c.db, key: k, id: id, value: v, at: end) } }
        }
        c.client.reply.integer(Int64(try c.keyspace.elementCount(id: id, type: .list)))
    }

    // MARK: Popping

    static func lpop(_ c: inout CommandContext) throws { try pop(&c, from: .head) }
    static func rpop(_ c: inout CommandContext) throws { try pop(&c, from: .tail) }

    /// LPOP key [count]: one element, or with a count an array (a null array
    /// for a missing key, an empty one for a count of 0).
    private static func pop(_ c: inout CommandContext, from end: Keyspace.End) throws {
        guard c.count <= 3 else { throw RedisError.wrongArity(command: c.spec.fullName) }
        let count = c.count == 3 ? try c.integer(2, in: 0...Int64.max, message: "value is out of range, must be positive") : nil
        guard let id = try existing(&c) else {
            return count == nil ? c.client.reply.null() : c.client.reply.nullArray()
        }
        let values = try c.with(1) { try c.keyspace.pop(db: c.db, key: $0, id: id, count: Int(min(count ?? 1, Int64(Int32.max))), from: end) }
        guard count != nil else { return reply(&c, values[0]) }
        c.client.reply.arrayHeader(values.count)
        for value in values { reply(&c, value) }
    }

    /// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the
    /// first non-empty list and answers [key, [elements]], or a null array.
    static func lmpop(_ c: inout CommandContext) throws {
        let arguments = try MultiPopArguments(c, directions: ("left", "right"))
        for keyIndex in arguments.keys {
            guard let id = try existing(&c, keyIndex) else { continue }
            let values = try c.with(keyIndex) {
                try c.keyspace.pop(db: c.db, key: $0, id: id, count: arguments.popCount,
                                   from: arguments.fromSecondEnd ? .tail : .head)
            }
            c.client.reply.arrayHeader(2)
            c.client.reply.bulk(c.bytes(keyIndex))
            c.client.reply.arrayHeader(values.count)
            for value in values { reply(&c, value) }
            return
        }
        c.client.reply.nullArray()
    }

    /// LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
    static func lmove(_ c: inout CommandContext) throws {
        let from = try end(c, 3), to = try end(c, 4)
        try move(&c, from: from, to: to)
    }

    /// RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT.
    static func rpoplpush(_ c: inout CommandContext) throws { try move(&c, from: .tail, to: .head) }

    /// Pops from the source and pushes onto the destination, which may be the
    /// same list (a rotation). The destination's type is checked before
    /// anything is popped, so a WRONGTYPE changes nothing.
    private static func move(_ c: inout CommandContext, from: Keyspace.End, to: Keyspace.End) throws {
        guard let source = try existing(&c) else { return c.client.reply.null() }
        _ = try existing(&c, 2)
        let value = try c.with(1) { try c.keyspace.pop(db: c.db, key: $0, id: source, count: 1, from: from) }[0]
        // Looked up again: when source and destination are one list and that
        // was its last element, the pop deleted it and this makes it anew.
        let target = try c.with(2) { try c.keyspace.listID(db: c.db, key: $0, now: c.now, create: true)! }
        try c.with(2) { k in try c.keyspace.push(db: c.db, key: k, id: target, value: value.bytes, at: to) }
        reply(&c, value)
    }

    // MARK: Reading

    static func llen(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        c.client.reply.integer(Int64(try c.keyspace.elementCount(id: id, type: .list)))
    }

    /// LRANGE key start stop, clamped to the list as Redis does.
    static func lrange(_ c: inout CommandContext) throws {
        let start = try c.integer(2), stop = try c.integer(3)
        guard let id = try existing(&c) else { return c.client.reply.arrayHeader(0) }
        let length = try c.keyspace.elementCount(id: id, type: .list)
        let first = max(absolute(start, length: length), 0)
        let last = min(absolute(stop, length: length), Int64(length) - 1)
        guard first <= last, first < Int64(length) else { return c.client.reply.arrayHeader(0) }
        c.client.reply.arrayHeader(Int(last - first + 1))
        // Written straight from SQLite's row: no copy of each element.
        try c.keyspace.forEachListElement(id: id, start: Int(first), stop: Int(last)) { value in
            switch value {
            case .integer(let number): c.client.reply.bulk(String(number))
            case .bytes(let bytes): c.client.reply.bulk(bytes)
            }
        }
    }

    static func lindex(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { return c.client.reply.null() }
        let index = try c.integer(2)
        let length = try c.keyspace.elementCount(id: id, type: .list)
        let position = absolute(index, length: length)
        guard position >= 0, position < Int64(length), let value = try c.keyspace.listElement(id: id, index: Int(position)) else {
            return c.client.reply.null()
        }
        reply(&c, value)
    }

    /// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
    static func lpos(_ c: inout CommandContext) throws {
        var rank: Int64 = 1, count: Int64? = nil, maxLength: Int64 = 0
        var index = 3
        while index < c.count {
            guard index + 1 < c.count else { throw RedisError.syntax }
            if c.isOption(index, "rank") {
                rank = try c.integer(index + 1)
                if rank == 0 {
                    throw RedisError.custom("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                }
            } else if c.isOption(index, "count") {
                count = try c.integer(index + 1, in: 0...Int64.max, message: "COUNT can't be negative")
            } else if c.isOption(index, "maxlen") {
                maxLength = try c.integer(index + 1, in: 0...Int64.max, message: "MAXLEN can't be negative")
            } else {
                throw RedisError.syntax
            }
            index += 2
        }
        guard let id = try existing(&c) else { return count == nil ? c.client.reply.null() : c.client.reply.arrayHeader(0) }
        let elements = try c.keyspace.listElements(id: id)
        let wanted = c.bytes(2)
        // A negative rank searches from the tail; indexes stay head-based.
        let fromTail = rank < 0
        // Redis 7.0 negates the rank in place: LLONG_MIN stays LLONG_MIN, so
        // every match "ranks" (as -1 would) and its COUNT check
        // (`matches - rank + 1 >= count`) overflows and never stops the walk.
        var skip = rank == .min ? 0 : abs(rank) - 1
        var matches: [Int64] = []
        let limit = count.map { $0 == 0 || rank == .min ? Int64.max : $0 } ?? 1
        var compared: Int64 = 0
        for offset in 0..<elements.count {
            if maxLength != 0 && compared >= maxLength { break }
            compared += 1
            let position = fromTail ? elements.count - 1 - offset : offset
            guard elements[position].bytes == wanted else { continue }
            if skip > 0 {
                skip -= 1
                continue
            }
            matches.append(Int64(position))
            if Int64(matches.count) >= limit { break }
        }
        guard count != nil else {
            return matches.first.map { c.client.reply.integer($0) } ?? c.client.reply.null()
        }
        c.client.reply.arrayHeader(matches.count)
        for match in matches { c.client.reply.integer(match) }
    }

    // MARK: Changing in place

    static func lset(_ c: inout CommandContext) throws {
        guard let id = try existing(&c) else { throw RedisError.noSuchKey }
        let index = try c.integer(2)
        let length = try c.keyspace.elementCount(id: id, type: .list)
        let position = absolute(index, length: length)
        guard position >= 0, position < Int64(length) else { throw RedisError.custom("ERR index out of range") }
        _ = try c.with(1) { k in try c.with(3) { v in
            try c.keyspace.setListElement(db: c.db, key: k, id: id, index: Int(position), value: v)
        } }
        c.client.reply.simpleString("OK")
    }

    /// LTRIM key start stop: keeps the range, as Redis computes it.
    static func ltrim(_ c: inout CommandContext) throws {
        let start = try c.integer(2), stop = try c.integer(3)
        guard let id = try existing(&c) else { return c.client.reply.simpleString("OK") }
        let length = Int64(try c.keyspace.elementCount(id: id, type: .list))
        let first = max(absolute(start, length: Int(length)), 0)
        let last = absolute(stop, length: Int(length))
        let head: Int64, tail: Int64
        if first > last || first >= length {
            (head, tail) = (length, 0)
        } else {
            (head, tail) = (first, length - min(last, length - 1) - 1)
        }
        try c.with(1) { try c.keyspace.trimList(db: c.db, key: $0, id: id, head: Int(head), tail: Int(tail)) }
        c.client.reply.simpleString("OK")
    }

    static func lrem(_ c: inout CommandContext) throws {
        let count = try c.integer(2)
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        let removed = try c.with(1) { k in try c.with(3) { v in
            try c.keyspace.removeFromList(db: c.db, key: k, id: id, count: count, value: v)
        } }
        c.client.reply.integer(Int64(removed))
    }

    /// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the
    /// pivot, 0 without the key.
    static func linsert(_ c: inout CommandContext) throws {
        let before: Bool
        if c.isOption(2, "before") { before = true } else if c.isOption(2, "after") { before = false } else { throw RedisError.syntax }
        guard let id = try existing(&c) else { return c.client.reply.integer(0) }
        let inserted = try c.with(1) { k in try c.with(3) { p in try c.with(4) { v in
            try c.keyspace.insertIntoList(db: c.db, key: k, id: id, pivot: p, value: v, before: before)
        } } }
        guard inserted else { return c.client.reply.integer(-1) }
        c.client.reply.integer(Int64(try c.keyspace.elementCount(id: id, type: .list)))
    }
}
