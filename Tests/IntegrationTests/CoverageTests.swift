import Foundation
import RESP
import Testing

/// Every command and subcommand tally-server speaks is exercised by the
/// differential corpus, or by a named test here when its reply cannot be
/// compared byte for byte.
@Suite("Corpus coverage")
struct CoverageTests {
    /// Commands whose replies differ between runs or servers, with the test that checks them instead.
    static let testedElsewhere: [String: String] = [
        "time": "ShapeTests.time",
        "info": "ShapeTests.info",
        "client id": "ShapeTests.clientIntrospection",
        "client info": "ShapeTests.clientIntrospection",
        "client list": "ShapeTests.clientIntrospection",
        "client setinfo": "not in Redis 7.0 (7.2 only); redis-py sends it, RedisPyTests",
        "command": "ShapeTests.commandTable",
        "command count": "ShapeTests.commandTable",
        "command docs": "ShapeTests.commandTable",
        "command info": "ShapeTests.commandTable",
        "command list": "ShapeTests.commandTable",
        "lastsave": "ServerLifecycleTests.lastsave",
        "monitor": "ServerLifecycleTests.monitor",
        "shutdown": "ServerLifecycleTests.shutdown",
    ]

    @Test("every command in tally-server's COMMAND DOCS appears in the corpus")
    func everyCommandCovered() throws {
        let commands = try Self.serverCommands()
        #expect(commands.count > 30)
        let covered = try Self.corpusCommands()
        let missing = commands.filter { name in
            guard Self.testedElsewhere[name] == nil else { return false }
            return !covered.contains(name)
        }
        #expect(missing.isEmpty, "commands with no differential corpus step: \(missing.sorted())")
    }

    /// "get", "client setname", …: every top-level name and "container sub" pair, from COMMAND DOCS.
    static func serverCommands() throws -> Set<String> {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db")
            defer { tally.stop() }
            guard case .map(let docs) = try tally.connect(protocolVersion: 3).call("COMMAND", "DOCS") else {
                throw HarnessError("COMMAND DOCS is not a map in RESP3")
            }
            var names: Set<String> = []
            for (name, doc) in docs {
                guard let name = name.stringValue?.lowercased() else { continue }
                names.insert(name)
                guard case .map(let fields) = doc,
                      let sub = fields.first(where: { $0.0.stringValue == "subcommands" })?.1,
                      case .map(let subcommands) = sub else { continue }
                for (full, _) in subcommands {
                    if let full = full.stringValue?.lowercased() { names.insert(full.replacingOccurrences(of: "|", with: " ")) }
                }
            }
            return names
        }
    }

    /// The first word, and first two words, of every command step of the corpus.
    static func corpusCommands() throws -> Set<String> {
        var names: Set<String> = []
        for script in try CorpusScript.all() {
            for step in script.steps {
                var words = try CorpusScript.split(step.source).map { String(decoding: $0, as: UTF8.self).lowercased() }
                if words.first?.hasPrefix("!") == true {
                    guard words.first != "!raw" else { continue }
                    words.removeFirst()
                }
                guard let first = words.first else { continue }
                names.insert(first)
                if words.count > 1 { names.insert(first + " " + words[1]) }
            }
        }
        return names
    }
}
