import Foundation
import HTTP
import RESP
import Testing
@testable import FuzzTargets

/// Replays the committed seeds of each fuzzer through its target, with the
/// target's invariants reported as test failures instead of traps: a change
/// that breaks a property on a plain input fails here, before anyone fuzzes.
/// The seeds must also stay meaningful inputs (a command, a reply, a request).
@Suite struct SeedCorpusTests {
    @Test(arguments: FuzzInputs.seeds("request-parser"))
    func requestParserSeed(_ name: String) throws {
        let input = try FuzzInputs.bytes("request-parser", name)
        #expect(FuzzInputs.violations { input.withUnsafeBytes(fuzzRequestParser) } == [])
        let stream = input.withUnsafeBytes { RequestStream.parseWhole($0, limits: .init()) }
        #expect(!stream.commands.isEmpty && stream.error == nil, "\(stream)")
    }

    @Test(arguments: FuzzInputs.seeds("reply-parser"))
    func replyParserSeed(_ name: String) throws {
        let input = try FuzzInputs.bytes("reply-parser", name)
        #expect(FuzzInputs.violations { input.withUnsafeBytes(fuzzReplyParser) } == [])
        let stream = input.withUnsafeBytes { ReplyStream.parseWhole($0) }
        #expect(!stream.values.isEmpty && stream.error == nil, "\(stream)")
    }

    @Test(arguments: FuzzInputs.seeds("http-request-parser"))
    func httpRequestParserSeed(_ name: String) throws {
        let input = try FuzzInputs.bytes("http-request-parser", name)
        #expect(FuzzInputs.violations { input.withUnsafeBytes(fuzzHTTPRequestParser) } == [])
        let first = input.withUnsafeBytes { HTTPStream.outcome(.init(), $0) }
        guard case .request = first else {
            Issue.record("the seed is not a request: \(first)")
            return
        }
    }

    @Test(arguments: FuzzInputs.seeds("commands"))
    func commandsSeed(_ name: String) throws {
        let input = try FuzzInputs.bytes("commands", name)
        let directory = try FuzzInputs.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fuzzer = CommandFuzzer(directory: directory)
        defer { fuzzer.close() }
        #expect(FuzzInputs.violations { input.withUnsafeBytes(fuzzer.run) } == [])
        #expect(fuzzer.server.stats.totalCommands > 0)
    }
}

/// Inputs under Fuzz/, and a way to run a target with its invariants collected.
enum FuzzInputs {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The committed seeds of `target`'s corpus (libFuzzer's own additions are not committed).
    static func seeds(_ target: String) -> [String] {
        let corpus = fuzzDirectory.appendingPathComponent("Corpus/\(target)").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []
        return names.filter { $0.hasPrefix("seed-") }.sorted()
    }

    static func bytes(_ target: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fuzzDirectory.appendingPathComponent("Corpus/\(target)/\(name)")))
    }

    /// The messages of the invariants `body` broke; empty when it broke none.
    static func violations(_ body: () -> Void) -> [String] {
        let collected = Collected()
        FuzzFailures.$recorder.withValue({ collected.append($0) }, operation: body)
        return collected.messages
    }

    static func temporaryDirectory() throws -> String {
        var template = Array("\(NSTemporaryDirectory())/tally-fuzz-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Failure messages gathered by a recorder.
// @unchecked Sendable: the recorder is only called synchronously from the
// thread running `violations`' body, never concurrently.
private final class Collected: @unchecked Sendable {
    private(set) var messages: [String] = []
    func append(_ message: String) { messages.append(message) }
}
