import Foundation

/// One differential script from `Tests/IntegrationTests/Corpus/*.txt`.
///
/// The format, one step per line (see `Corpus/README.md`):
///
///     # a comment; blank lines are skipped
///     SET k "two words"            a command, quoted as redis-cli does: "…" with \n \r \t \" \\ \xHH, '…' literal
///     !sorted KEYS *               compare the reply with its elements sorted (KEYS; SCAN whose one call covers every key)
///     !sortedpairs CONFIG GET a b  compare the reply with its (key, value) pairs sorted by key (maps, flat pair lists)
///     !close QUIT                  send the command, then compare everything until the server closes
///     !raw 2 "PING\r\nPING\r\n"    send the bytes as they are, compare 2 replies
///     !raw close "*abc\r\n"        send the bytes as they are, compare everything until the server closes
///     !reconnect                   a new connection (HELLO 3 again when the run is RESP3)
///
/// The `id` value of every HELLO reply is masked, since connection ids differ between servers.
struct CorpusScript: Sendable, CustomStringConvertible {
    enum Expect: Sendable, Equatable {
        /// This many replies.
        case replies(Int)
        /// Everything until the server closes the connection.
        case close
    }

    /// How a reply is put in a canonical order before comparing.
    enum Order: Sendable, Equatable {
        case asIs
        /// Elements sorted; for SCAN's `[cursor, keys]`, the keys.
        case sorted
        /// Consecutive (key, value) pairs sorted by key.
        case sortedPairs
    }

    enum Action: Sendable {
        case send(bytes: [UInt8], expect: Expect, order: Order)
        case reconnect
    }

    struct Step: Sendable {
        var line: Int
        var source: String
        var action: Action
    }

    var name: String
    var steps: [Step]

    var description: String { name }

    /// Every script in the corpus directory, by file name.
    static func all() throws -> [CorpusScript] {
        let files = try FileManager.default.contentsOfDirectory(atPath: PackagePaths.corpus.path)
            .filter { $0.hasSuffix(".txt") }
            .sorted()
        return try files.map { try load($0) }
    }

    static func load(_ file: String) throws -> CorpusScript {
        let text = try String(contentsOf: PackagePaths.corpus.appendingPathComponent(file), encoding: .utf8)
        return try CorpusScript(name: file, text: text)
    }

    init(name: String, text: String) throws {
        self.name = name
        steps = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                if let step = try Self.parse(line, number: index + 1) { steps.append(step) }
            } catch {
                throw HarnessError("\(name):\(index + 1): \(error)")
            }
        }
    }

    private static func parse(_ line: String, number: Int) throws -> Step? {
        var words = try split(line)
        guard let first = words.first else { return nil }
        let directive = String(decoding: first, as: UTF8.self)
        var order = Order.asIs
        var expect = Expect.replies(1)
        switch directive.lowercased() {
        case "!reconnect":
            return Step(line: number, source: line, action: .reconnect)
        case "!raw":
            guard words.count == 3 else { throw HarnessError("!raw takes a reply count or 'close', then one quoted string") }
            let count = String(decoding: words[1], as: UTF8.self)
            if count == "close" {
                expect = .close
            } else if let replies = Int(count) {
                expect = .replies(replies)
            } else {
                throw HarnessError("!raw: bad reply count '\(count)'")
            }
            return Step(line: number, source: line, action: .send(bytes: words[2], expect: expect, order: .asIs))
        case "!sorted":
            order = .sorted
            words.removeFirst()
        case "!sortedpairs":
            order = .sortedPairs
            words.removeFirst()
        case "!close":
            expect = .close
            words.removeFirst()
        default:
            if directive.hasPrefix("!") { throw HarnessError("unknown directive \(directive)") }
        }
        guard !words.isEmpty else { throw HarnessError("\(directive) needs a command") }
        return Step(line: number, source: line,
                    action: .send(bytes: encodeArguments(words), expect: expect, order: order))
    }

    private static func encodeArguments(_ words: [[UInt8]]) -> [UInt8] {
        var bytes = Array("*\(words.count)\r\n".utf8)
        for word in words {
            bytes += Array("$\(word.count)\r\n".utf8) + word + [13, 10]
        }
        return bytes
    }

    /// Splits a line into arguments as redis-cli does (`sdssplitargs`).
    static func split(_ line: String) throws -> [[UInt8]] {
        let input = Array(line.utf8)
        var words: [[UInt8]] = []
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while true {
            while index < input.count && (input[index] == 32 || input[index] == 9) { index += 1 }
            guard index < input.count else { return words }
            var word: [UInt8] = []
            if input[index] == UInt8(ascii: "\"") {
                index += 1
                while true {
                    guard index < input.count else { throw HarnessError("unbalanced double quote") }
                    let byte = input[index]
                    if byte == UInt8(ascii: "\"") { index += 1; break }
                    if byte == UInt8(ascii: "\\") && index + 1 < input.count {
                        let next = input[index + 1]
                        if next == UInt8(ascii: "x"), index + 3 < input.count, let high = hex(input[index + 2]), let low = hex(input[index + 3]) {
                            word.append(high << 4 | low)
                            index += 4
                            continue
                        }
                        switch next {
                        case UInt8(ascii: "n"): word.append(10)
                        case UInt8(ascii: "r"): word.append(13)
                        case UInt8(ascii: "t"): word.append(9)
                        case UInt8(ascii: "b"): word.append(8)
                        case UInt8(ascii: "a"): word.append(7)
                        default: word.append(next)
                        }
                        index += 2
                        continue
                    }
                    word.append(byte)
                    index += 1
                }
            } else if input[index] == UInt8(ascii: "'") {
                index += 1
                while true {
                    guard index < input.count else { throw HarnessError("unbalanced single quote") }
                    let byte = input[index]
                    if byte == UInt8(ascii: "\\") && index + 1 < input.count && input[index + 1] == UInt8(ascii: "'") {
                        word.append(UInt8(ascii: "'"))
                        index += 2
                        continue
                    }
                    if byte == UInt8(ascii: "'") { index += 1; break }
                    word.append(byte)
                    index += 1
                }
            } else {
                while index < input.count && input[index] != 32 && input[index] != 9 {
                    word.append(input[index])
                    index += 1
                }
                words.append(word)
                continue
            }
            // As redis-cli: a closing quote must be followed by a space or the end.
            guard index >= input.count || input[index] == 32 || input[index] == 9 else {
                throw HarnessError("closing quote must be followed by a space")
            }
            words.append(word)
        }
    }
}
