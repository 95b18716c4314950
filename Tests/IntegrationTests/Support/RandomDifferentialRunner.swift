import Foundation
import RESP

/// Plays `RandomStep`s against a redis-server and a tally-server in lockstep,
/// two connections to each (A and B), and compares every reply byte for byte.
///
/// Consecutive steps on the same connection go out as one pipeline (at most
/// `batchSize`); a change of connection waits for every reply first, so both
/// servers see the commands of A and B in the same order.
///
/// Before comparing, a reply is put in canonical form by what its command is
/// (`ReplyMask`): TTL, PTTL, EXPIRETIME and PEXPIRETIME as -2, -1 or
/// `:<positive>`; KEYS, SCAN, HKEYS, HVALS and the whole-set replies of
/// set commands (SMEMBERS, SINTER, SSCAN, …) sorted; HGETALL and HSCAN
/// with their (field, value) pairs sorted; HELLO's id masked. Inside MULTI each
/// `+QUEUED` command's mask is remembered and applied to its element of the
/// EXEC array. Which commands were queued is read from each server's own
/// replies, so a shortened sequence (`shrink`) is normalised correctly too.
struct RandomDifferentialRunner {
    var redisPort: Int
    var tallyPort: Int
    var protocolVersion: Int
    var batchSize = 64

    /// The first reply that differs.
    struct Divergence: CustomStringConvertible {
        /// The step's index in the sequence; -1 for the set-up (HELLO, FLUSHALL).
        var index: Int
        var step: RandomStep?
        var redis: [UInt8]
        var tally: [UInt8]

        var description: String {
            """
            command #\(index) on connection \(step?.label ?? "-"): \(step?.text ?? "(set-up)")
              redis-server: \(Bytes.escaped(redis.prefix(2000)))
              tally-server: \(Bytes.escaped(tally.prefix(2000)))
            """
        }
    }

    /// What a run did: how many replies were compared, and how transactions ended.
    struct Statistics {
        var compared = 0
        var execArrays = 0
        /// EXEC answered null: a watched key was touched.
        var execNull = 0
        /// EXEC answered EXECABORT: a command failed while queued.
        var execAborted = 0
        var errors = 0
        var onConnectionB = 0
        var commands: [String: Int] = [:]
    }

    /// Opens fresh connections, runs FLUSHALL, then plays `count` steps from
    /// `next`; the first divergence, or nil. `progress` is called after every batch.
    func run(count: Int, statistics: inout Statistics, progress: (Int) -> Void = { _ in },
             next: () -> RandomStep) -> Divergence? {
        let sides: [Side]
        do {
            sides = [try Side(port: redisPort), try Side(port: tallyPort)]
        } catch {
            return Divergence(index: -1, step: nil, redis: Array("<\(error)>".utf8), tally: [])
        }
        let setUp: [[[UInt8]]] = (protocolVersion == 3 ? [[Array("HELLO".utf8), Array("3".utf8)]] : []) + [[Array("FLUSHALL".utf8)]]
        for connection in 0..<2 {
            for command in setUp where command[0] == Array("HELLO".utf8) || connection == 0 {
                let replies = sides.map { side in
                    (try? side.connections[connection].rawCall(command)).map(ReplyNormalizer.maskingHelloID) ?? Array("<no reply>".utf8)
                }
                if replies[0] != replies[1] {
                    return Divergence(index: -1, step: RandomStep(connection: connection, arguments: command), redis: replies[0], tally: replies[1])
                }
            }
        }

        var index = 0
        var lookahead: RandomStep?
        while index < count {
            var batch: [RandomStep] = [lookahead ?? next()]
            lookahead = nil
            while batch.count < batchSize && index + batch.count < count {
                let step = next()
                if step.connection != batch[0].connection {
                    lookahead = step
                    break
                }
                batch.append(step)
            }
            let bytes = batch.flatMap { encodeCommand($0.arguments) }
            let sent = sides.map { side in Result { try side.connections[batch[0].connection].send(bytes) } }
            for step in batch {
                let replies = zip(sides, sent).map { side, sent in
                    side.reply(to: step, sent: sent)
                }
                statistics.compared += 1
                statistics.commands[step.name, default: 0] += 1
                if step.connection == 1 { statistics.onConnectionB += 1 }
                if replies[0] != replies[1] {
                    return Divergence(index: index, step: step, redis: replies[0], tally: replies[1])
                }
                let reply = replies[0]
                if reply.first == UInt8(ascii: "-") { statistics.errors += 1 }
                if step.name == "EXEC" {
                    if reply == Array("*-1\r\n".utf8) || reply == Array("_\r\n".utf8) {
                        statistics.execNull += 1
                    } else if reply.starts(with: Array("-EXECABORT".utf8)) {
                        statistics.execAborted += 1
                    } else if reply.first == UInt8(ascii: "*") {
                        statistics.execArrays += 1
                    }
                }
                index += 1
            }
            progress(index)
        }
        // Nothing may be left unread on either connection.
        for connection in 0..<2 {
            let echo = [Array("ECHO".utf8), Array("end".utf8)]
            let replies = sides.map { (try? $0.connections[connection].rawCall(echo)) ?? Array("<no reply>".utf8) }
            if replies[0] != replies[1] {
                return Divergence(index: count, step: RandomStep(connection: connection, arguments: echo), redis: replies[0], tally: replies[1])
            }
        }
        return nil
    }

    /// Plays `steps`; the first divergence, or nil.
    func run(_ steps: [RandomStep]) -> Divergence? {
        var statistics = Statistics()
        var iterator = steps.makeIterator()
        return run(count: steps.count, statistics: &statistics) { iterator.next()! }
    }

    /// A shorter sequence that still diverges at its last step, the same
    /// command as the last of `steps`: first the shortest suffix that does,
    /// then chunks removed while it still does (delta debugging), until
    /// `deadline`. Each try replays on fresh connections after FLUSHALL.
    func shrink(_ steps: [RandomStep], deadline: Date) -> [RandomStep] {
        guard let target = steps.last else { return steps }
        func divergesAtEnd(_ body: [RandomStep]) -> Bool {
            run(body + [target])?.index == body.count
        }
        var body = Array(steps.dropLast())
        var keep = 0
        while keep < body.count && Date() < deadline {
            if divergesAtEnd(Array(body.suffix(keep))) {
                body = Array(body.suffix(keep))
                break
            }
            keep = keep == 0 ? 8 : keep * 4
        }
        var chunks = 2
        while !body.isEmpty && Date() < deadline {
            let size = (body.count + chunks - 1) / chunks
            var removed = false
            for start in stride(from: 0, to: body.count, by: size) where Date() < deadline {
                let candidate = Array(body[..<start] + body[min(start + size, body.count)...])
                if divergesAtEnd(candidate) {
                    body = candidate
                    chunks = max(chunks - 1, 2)
                    removed = true
                    break
                }
            }
            if !removed {
                if size == 1 { break }
                chunks = min(chunks * 2, body.count)
            }
        }
        return body + [target]
    }

    /// One server: connections A and B and, per connection, the masks of the commands queued in MULTI.
    private final class Side {
        let connections: [RESPConnection]
        private var queued: [[ReplyMask]?] = [nil, nil]

        init(port: Int) throws {
            connections = [try RESPConnection(port: port, timeout: 30), try RESPConnection(port: port, timeout: 30)]
        }

        /// The next reply on the step's connection, normalised; a harness failure as `<…>`.
        func reply(to step: RandomStep, sent: Result<Void, any Error>) -> [UInt8] {
            do {
                try sent.get()
                return try normalize(connections[step.connection].readReply(), for: step)
            } catch {
                return Array("<\(error)>".utf8)
            }
        }

        private func normalize(_ reply: [UInt8], for step: RandomStep) throws -> [UInt8] {
            let name = step.name
            let connection = step.connection
            if name == "EXEC" || name == "DISCARD" || name == "RESET" {
                let masks = queued[connection]
                queued[connection] = nil
                if name == "EXEC", let masks, let (header, elements) = try ReplyNormalizer.split(reply), elements.count == masks.count {
                    return try header + zip(masks, elements).flatMap { try $0.apply(to: $1) }
                }
                return reply
            }
            if queued[connection] != nil {
                if reply == Array("+QUEUED\r\n".utf8) { queued[connection]!.append(ReplyMask(command: name)) }
                return reply
            }
            if name == "MULTI" && reply == Array("+OK\r\n".utf8) { queued[connection] = [] }
            return try ReplyMask(command: name).apply(to: reply)
        }
    }
}

/// How a reply is made comparable, decided by its command.
enum ReplyMask {
    case exact
    /// -2, -1 as they are; any positive integer as `:<positive>` (the clock moved between the two servers).
    case signOnly
    /// Elements in byte order (SCAN: its keys).
    case sorted
    /// (field, value) pairs sorted by field; HSCAN's `[cursor, pairs]`: the pairs.
    case sortedPairs
    case helloID

    /// A hash's order is Redis's insertion order only while it is a listpack;
    /// once a value longer than 64 bytes made it a hashtable, its order
    /// follows a hash seeded at random when redis-server starts. So the
    /// field order is not compared, as in the corpus.
    init(command: String) {
        switch command {
        case "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME": self = .signOnly
        case "KEYS", "SCAN", "HKEYS", "HVALS": self = .sorted
        // A set's order: an intset ascends, a hashtable's follows its hash.
        case "SMEMBERS", "SINTER", "SUNION", "SDIFF", "SSCAN", "SPOP", "SRANDMEMBER": self = .sorted
        case "HGETALL", "HSCAN": self = .sortedPairs
        case "HELLO": self = .helloID
        default: self = .exact
        }
    }

    func apply(to reply: [UInt8]) throws -> [UInt8] {
        switch self {
        case .exact: return reply
        case .sorted: return try ReplyNormalizer.sorting(reply)
        case .sortedPairs:
            if let (header, elements) = try ReplyNormalizer.split(reply), elements.count == 2,
               elements[0].first == UInt8(ascii: "$"), elements[1].first == UInt8(ascii: "*") {
                return try header + elements[0] + ReplyNormalizer.sortingPairs(elements[1])
            }
            return try ReplyNormalizer.sortingPairs(reply)
        case .helloID: return ReplyNormalizer.maskingHelloID(reply)
        case .signOnly:
            guard reply.first == UInt8(ascii: ":"),
                  let value = Int(String(decoding: reply.dropFirst().dropLast(2), as: UTF8.self)), value > 0 else { return reply }
            return Array(":<positive>\r\n".utf8)
        }
    }
}
