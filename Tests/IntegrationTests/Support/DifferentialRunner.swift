import Foundation
import RESP

/// Plays a corpus script against one server and records every reply's bytes.
enum DifferentialRunner {
    struct Entry: Equatable {
        var line: Int
        var source: String
        var bytes: [UInt8]
    }

    /// The transcript of `script` on the server at `port`: a HELLO 3 first in
    /// RESP3, then FLUSHALL, then each step, then an ECHO that shows no reply
    /// was left over. A harness failure (no reply, early close) ends the
    /// transcript with an entry that says so.
    static func run(_ script: CorpusScript, protocolVersion: Int, port: Int) -> [Entry] {
        var entries: [Entry] = []
        var connection: RESPConnection?
        func open() throws {
            connection?.close()
            let fresh = try RESPConnection(port: port)
            connection = fresh
            if protocolVersion == 3 {
                let reply = try fresh.rawCall([Array("HELLO".utf8), Array("3".utf8)])
                entries.append(Entry(line: 0, source: "HELLO 3 (protocol set-up)", bytes: ReplyNormalizer.maskingHelloID(reply)))
            }
        }
        do {
            try open()
            entries.append(Entry(line: 0, source: "FLUSHALL (set-up)", bytes: try connection!.rawCall([Array("FLUSHALL".utf8)])))
            for step in script.steps {
                switch step.action {
                case .reconnect:
                    try open()
                case .send(let bytes, let expect, let order):
                    guard let current = connection else {
                        throw HarnessError("line \(step.line): the connection was closed; add !reconnect first")
                    }
                    try current.send(bytes)
                    var replies: [UInt8] = []
                    switch expect {
                    case .close:
                        replies = try current.readUntilClose()
                        current.close()
                        connection = nil
                    case .replies(let count):
                        for _ in 0..<count {
                            var reply = try current.readReply()
                            switch order {
                            case .asIs: break
                            case .sorted: reply = try ReplyNormalizer.sorting(reply)
                            case .sortedPairs: reply = try ReplyNormalizer.sortingPairs(reply)
                            }
                            reply = ReplyNormalizer.maskingHelloID(reply)
                            replies += reply
                        }
                    }
                    entries.append(Entry(line: step.line, source: step.source, bytes: replies))
                }
            }
            // Nothing may be left unread: one more exchange must get its own reply.
            if let current = connection {
                let reply = try current.rawCall([Array("ECHO".utf8), Array("end of script".utf8)])
                entries.append(Entry(line: 0, source: "ECHO (end of script)", bytes: reply))
            }
        } catch {
            entries.append(Entry(line: -1, source: "harness", bytes: Array("<\(error)>".utf8)))
        }
        connection?.close()
        return entries
    }

    /// One line per step where the transcripts differ: the step, Redis's bytes, Tally's bytes.
    static func differences(script: String, protocolVersion: Int, redis: [Entry], tally: [Entry]) -> [String] {
        var found: [String] = []
        for index in 0..<max(redis.count, tally.count) {
            let expected = index < redis.count ? redis[index] : nil
            let actual = index < tally.count ? tally[index] : nil
            guard expected != actual else { continue }
            let step = expected ?? actual!
            found.append("""
                \(script):\(step.line) RESP\(protocolVersion) `\(step.source)`
                  redis-server: \(expected.map { Bytes.escaped($0.bytes) } ?? "<no step>")
                  tally-server: \(actual.map { Bytes.escaped($0.bytes) } ?? "<no step>")
                """)
        }
        return found
    }
}

/// Byte-level rewrites that take out what legitimately differs between two servers.
enum ReplyNormalizer {
    /// An aggregate reply split into its header line and its elements' raw bytes; nil for other types.
    static func split(_ raw: [UInt8]) throws -> (header: [UInt8], elements: [[UInt8]])? {
        guard let type = raw.first, "*~%>".utf8.contains(type),
              let crlf = raw.firstIndex(of: 10), crlf > 0, raw[crlf - 1] == 13 else { return nil }
        let header = Array(raw[...crlf])
        if header == Array("*-1\r\n".utf8) { return nil }
        var elements: [[UInt8]] = []
        var rest = Array(raw[(crlf + 1)...])
        while !rest.isEmpty {
            var parser = ReplyParser()
            guard let (_, length) = try rest.withUnsafeBytes({ bytes throws(ReplyParseError) in try parser.parse(bytes) }) else {
                throw HarnessError("truncated aggregate \(Bytes.escaped(raw))")
            }
            elements.append(Array(rest[0..<length]))
            rest.removeFirst(length)
        }
        return (header, elements)
    }

    /// The reply with its elements in byte order; for SCAN's `[cursor, keys]`, the keys sorted.
    static func sorting(_ raw: [UInt8]) throws -> [UInt8] {
        guard let (header, elements) = try split(raw) else { return raw }
        if elements.count == 2, let (innerHeader, keys) = try split(elements[1]), elements[0].first == UInt8(ascii: "$") {
            return header + elements[0] + innerHeader + keys.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
        }
        return header + elements.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
    }

    /// The reply with consecutive (key, value) element pairs sorted by key.
    static func sortingPairs(_ raw: [UInt8]) throws -> [UInt8] {
        guard let (header, elements) = try split(raw), elements.count % 2 == 0 else { return raw }
        let pairs = stride(from: 0, to: elements.count, by: 2).map { (elements[$0], elements[$0 + 1]) }
        return header + pairs.sorted { $0.0.lexicographicallyPrecedes($1.0) }.flatMap { $0.0 + $0.1 }
    }

    /// The reply with the value after `id` in every HELLO reply inside it
    /// (an aggregate holding the keys `proto` and `id`) replaced by `:<id>`,
    /// since connection ids differ between servers. Also reaches a HELLO
    /// reply inside an EXEC reply.
    static func maskingHelloID(_ raw: [UInt8]) -> [UInt8] {
        guard let (header, elements) = try? split(raw) else { return raw }
        var masked = elements.map(maskingHelloID)
        let idKey = Array("$2\r\nid\r\n".utf8)
        if masked.contains(Array("$5\r\nproto\r\n".utf8)) {
            for index in stride(from: 0, to: masked.count - 1, by: 2) where masked[index] == idKey {
                masked[index + 1] = Array(":<id>\r\n".utf8)
            }
        }
        return header + masked.flatMap { $0 }
    }
}
