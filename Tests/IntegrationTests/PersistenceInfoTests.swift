import Foundation
import RESP
import Testing

/// INFO's `# Persistence` section: the fsync policy in force and the group
/// commit's counters, for each policy.
@Suite("Persistence INFO", .serialized)
struct PersistenceInfoTests {
    @Test("INFO persistence shows the policy, commits, commands per commit and WAL size", arguments: ["always", "everysec", "no"])
    func persistenceSection(fsync: String) throws {
        try withTemporaryDirectory { directory in
            let tally = try TallyProcess(databasePath: directory + "/t.db", arguments: ["--fsync", fsync])
            defer { tally.stop() }
            let connection = try tally.connect()

            let fresh = try Durability.info(connection, section: "persistence")
            #expect(fresh["tally_fsync"] == fsync)
            #expect(fresh["tally_commits"] == "0", "a server that wrote nothing reports commits: \(fresh)")
            #expect(fresh["tally_committed_commands"] == "0")

            // 100 INCRs in one send arrive in one read: one turn, one commit (group commit).
            let pipelined = try connection.pipeline(Array(repeating: ["INCR", "info:pipelined"], count: 100))
            #expect(pipelined.last == .integer(100))
            let afterPipeline = try Durability.info(connection, section: "persistence")
            let pipelineCommits = try #require(Int(afterPipeline["tally_commits"] ?? ""), "\(afterPipeline)")
            #expect(afterPipeline["tally_committed_commands"] == "100", "\(afterPipeline)")
            #expect((1..<100).contains(pipelineCommits), "100 pipelined INCRs took \(pipelineCommits) commits")

            // Then 5 clients × 20 INCR, one at a time each. (Only writes: a read that
            // shares a turn with writes runs inside its transaction and is counted with it.)
            let port = tally.port
            let errors = onThreads(5) { _ in
                let client = try RESPConnection(port: port)
                for _ in 0..<20 {
                    let reply = try client.call("INCR", "info:concurrent")
                    guard case .integer = reply else { throw HarnessError("INCR answered \(reply)") }
                }
            }
            #expect(errors.isEmpty, "\(errors)")
            #expect(try connection.call("GET", "info:concurrent") == .bulkString("100"))

            let fields = try Durability.info(connection, section: "persistence")
            print("INFO persistence (--fsync \(fsync)): \(fields.filter { $0.key.hasPrefix("tally_") }.sorted { $0.key < $1.key })")
            #expect(fields["tally_fsync"] == fsync)
            let commits = try #require(Int(fields["tally_commits"] ?? ""), "\(fields)")
            let committed = try #require(Int(fields["tally_committed_commands"] ?? ""), "\(fields)")
            let perCommit = try #require(Double(fields["tally_commands_per_commit"] ?? ""), "\(fields)")
            let lastCommit = try #require(Int(fields["tally_last_commit_usec"] ?? ""), "\(fields)")
            let walBytes = try #require(Int(fields["tally_wal_bytes"] ?? ""), "\(fields)")
            #expect(committed == 200, "200 INCRs were acknowledged; committed commands: \(committed)")
            #expect(commits > pipelineCommits && commits <= pipelineCommits + 100)
            #expect(perCommit >= 1)
            #expect(abs(perCommit - Double(committed) / Double(commits)) < 0.01, "commands per commit \(perCommit) is not \(committed)/\(commits)")
            #expect(lastCommit >= 0)
            if fsync == "always" {
                // The commit includes an fdatasync of the WAL: it cannot take 0 µs.
                #expect(lastCommit > 0)
            }
            #expect(walBytes > 0, "the WAL holds the commits: \(walBytes) bytes")
            #expect(fields["tally_failed_commits"] == "0")
        }
    }
}
