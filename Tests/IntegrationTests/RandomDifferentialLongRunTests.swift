import Foundation
import Testing

/// The long random differential run, selected by the environment:
///
///     TALLY_FUZZ_DIFF_SEED   the seed (decimal or 0x-hex); a random one, printed, when unset
///     TALLY_FUZZ_DIFF_N      commands per protocol (default 200,000)
///     TALLY_FUZZ_DIFF_RESP   2, 3, or both (default)
///
/// Without TALLY_FUZZ_DIFF_SEED or TALLY_FUZZ_DIFF_N the suite is skipped.
/// `scripts/fuzz-diff.sh SEED N` (and `make fuzz-diff SEED=… N=…`) set them.
private let longRunIsSelected: Bool = {
    let environment = ProcessInfo.processInfo.environment
    return environment["TALLY_FUZZ_DIFF_SEED"] != nil || environment["TALLY_FUZZ_DIFF_N"] != nil
}()

@Suite("Random differential: the long run (make fuzz-diff)", .enabled(if: longRunIsSelected))
struct RandomDifferentialLongRunTests {
    @Test("a long run: same replies as redis-server")
    func longRun() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed: UInt64
        if let text = environment["TALLY_FUZZ_DIFF_SEED"], !text.isEmpty {
            let parsed = text.lowercased().hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            seed = try #require(parsed, "TALLY_FUZZ_DIFF_SEED=\(text) is not a decimal or 0x-hex 64-bit number")
        } else {
            seed = UInt64.random(in: 1...UInt64(UInt32.max))
        }
        let countText = environment["TALLY_FUZZ_DIFF_N"].flatMap { $0.isEmpty ? nil : $0 } ?? "200000"
        let count = try #require(Int(countText).flatMap { $0 > 0 ? $0 : nil }, "TALLY_FUZZ_DIFF_N=\(countText) is not a positive number")
        let protocols: [Int]
        switch environment["TALLY_FUZZ_DIFF_RESP"] ?? "" {
        case "2": protocols = [2]
        case "3": protocols = [3]
        case "", "both": protocols = [2, 3]
        case let other:
            Issue.record("TALLY_FUZZ_DIFF_RESP=\(other): use 2, 3 or both")
            return
        }
        RandomDifferentialTests.say("fuzz-diff: seed \(seed), \(count) commands per protocol, RESP \(protocols.map(String.init).joined(separator: " and "))")
        for protocolVersion in protocols {
            let started = Date()
            let statistics = try RandomDifferentialTests.play(
                seed: seed, count: count, protocolVersion: protocolVersion, shrinkSeconds: 600, progressEvery: 20_000)
            let seconds = Date().timeIntervalSince(started)
            RandomDifferentialTests.say("""
                fuzz-diff: seed \(seed) RESP\(protocolVersion): \(statistics.compared) of \(count) commands compared in \(Int(seconds)) s; \
                EXEC: \(statistics.execArrays) ran, \(statistics.execNull) null (WATCH), \(statistics.execAborted) EXECABORT; \
                \(statistics.errors) error replies; \(statistics.onConnectionB) on connection B
                """)
            if statistics.compared < count { break }
        }
    }
}
