import EventLoop
import RESP
import Store

/// One SLOWLOG entry, as Redis keeps it.
struct SlowlogEntry {
    var id: Int64
    var time: Int64
    var microseconds: Int64
    var arguments: [[UInt8]]
    var peer: String
    var name: String
}

/// SLOWLOG GET [count], LEN, RESET.
enum SlowlogCommands {
    static func get(_ c: inout CommandContext) throws {
        var count = 10
        if c.count == 3 {
            // Redis 7: -1 means all; anything else below 0, or not a number, is refused.
            let requested = try c.integer(2, in: -1...Int64.max, message: "count should be greater than or equal to -1")
            count = requested == -1 ? Int.max : Int(min(requested, Int64(Int32.max)))
        }
        let entries = c.server.slowlog.prefix(count)
        c.client.reply.arrayHeader(entries.count)
        for entry in entries {
            c.client.reply.arrayHeader(6)
            c.client.reply.integer(entry.id)
            c.client.reply.integer(entry.time)
            c.client.reply.integer(entry.microseconds)
            c.client.reply.arrayHeader(entry.arguments.count)
            for argument in entry.arguments { c.client.reply.bulk(argument) }
            c.client.reply.bulk(entry.peer)
            c.client.reply.bulk(entry.name)
        }
    }

    static func len(_ c: inout CommandContext) throws {
        c.client.reply.integer(Int64(c.server.slowlog.count))
    }

    static func reset(_ c: inout CommandContext) throws {
        c.server.slowlog.removeAll()
        c.client.reply.simpleString("OK")
    }
}

extension Server {
    /// Records a slow command: at most 32 arguments, each cut to 128 bytes,
    /// with Redis's "... (N more arguments)" and "... (N more bytes)" marks.
    func recordSlow(_ spec: CommandSpec, _ arguments: Arguments, duration: Int64, client: Client) {
        var kept: [[UInt8]] = []
        let all = Server.redacted(spec, arguments)
        let shown = arguments.count > 32 ? 31 : arguments.count
        for index in 0..<shown {
            let bytes = all[index]
            if bytes.count > 128 {
                kept.append(Array(bytes.prefix(128)) + Array("... (\(bytes.count - 128) more bytes)".utf8))
            } else {
                kept.append(Array(bytes))
            }
        }
        if arguments.count > 32 { kept.append(Array("... (\(arguments.count - 31) more arguments)".utf8)) }
        slowlog.insert(SlowlogEntry(id: nextSlowlogID, time: EventLoop.wallClockMilliseconds() / 1000,
                                    microseconds: duration, arguments: kept, peer: client.peer.description,
                                    name: client.name), at: 0)
        nextSlowlogID += 1
        if slowlog.count > configuration.slowlogMaxLength { slowlog.removeLast(slowlog.count - configuration.slowlogMaxLength) }
    }
}
