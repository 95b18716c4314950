import EventLoop
import Foundation
import RESP
import Store
@testable import RESPServer
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A server over its own temporary database (listening on an ephemeral port
/// it never serves) and one client, for running single commands through the
/// real table and handlers without sockets. Each write is committed at once.
final class ServerHarness {
    private let directory: String
    let server: Server
    let client: Client

    init() throws {
        var template = Array("\(NSTemporaryDirectory())/tally-server-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.databasePath = directory + "/tally.db"
        configuration.fsync = .no
        server = try Server(configuration: configuration)
        guard let address = server.address else { throw POSIXError(.EADDRNOTAVAIL) }
        client = Client(id: 1, fd: -1, peer: address, local: address, now: EventLoop.wallClockMilliseconds(),
                        limits: configuration.limits)
    }

    deinit {
        server.keyspace.rollback()
        server.keyspace.database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one command as the server's turn would and returns its reply bytes.
    @discardableResult
    func send(_ strings: [String]) -> String {
        let start = client.reply.bytes.count
        switch CommandTable.resolve(Arguments(strings)) {
        case .success(let spec): server.execute(spec, arguments: Arguments(strings), for: client)
        case .failure(let error): client.reply.error(error.wireText)
        }
        if server.keyspace.inTransaction { try? server.keyspace.commit() }
        return String(decoding: client.reply.bytes[start...], as: UTF8.self)
    }
}
