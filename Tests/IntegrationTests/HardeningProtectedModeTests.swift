import Foundation
import RESP
import Testing

/// Protected mode, seen from a client that is really off loopback: the server
/// runs in one network namespace, the client connects from another over a
/// veth link (10.214.0.0/24, inside the test's own namespaces only).
@Suite("Hardening: protected mode", .serialized)
struct HardeningProtectedModeTests {
    static let denied = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

    @Test("no password, default protected mode: a non-loopback client gets Redis's DENIED text and is closed; loopback is served")
    func deniedOffLoopback() throws {
        let network = try HardeningNetwork()
        try withTemporaryDirectory { directory in
            let tally = try HardeningServer(arguments: ["--bind", "0.0.0.0", "--port", "0", "--db", directory + "/t.db"],
                                            namespace: network.server)
            defer { tally.stop() }
            let outsider = try HardeningSocket(host: HardeningNetwork.serverAddress, port: tally.port, namespace: network.client)
            // Sent before the server's answer arrives or after: either way nothing of it may run.
            _ = try outsider.send(encodeCommand("SET", "intruder", "1"))
            let answer = try outsider.readUntilClose(timeout: 5)
            #expect(String(decoding: answer, as: UTF8.self) == Self.denied, "got \(Bytes.escaped(answer.prefix(200)))")

            // Loopback inside the server's namespace is served, and nothing the outsider sent ran.
            let insider = try HardeningSocket(host: "127.0.0.1", port: tally.port, namespace: network.server)
            #expect(try insider.call("PING") == .simpleString("PONG"))
            #expect(try insider.call("EXISTS", "intruder") == .integer(0))
            let info = try insider.call("INFO", "stats")
            #expect(info.stringValue?.contains("rejected_connections:1\r\n") == true, "\(info)")
        }
    }

    @Test("the DENIED text is byte for byte redis-server's, from the same non-loopback client")
    func deniedSameAsRedis() throws {
        let network = try HardeningNetwork()
        try withTemporaryDirectory { directory in
            let redis = try HardeningRedis(directory: directory, arguments: ["--protected-mode", "yes"], bind: "0.0.0.0",
                                           fixedPort: 6379, namespace: network.server)
            let outsider = try HardeningSocket(host: HardeningNetwork.serverAddress, port: redis.port, namespace: network.client)
            _ = try outsider.send(encodeCommand("PING"))
            let answer = try outsider.readUntilClose(timeout: 5)
            #expect(String(decoding: answer, as: UTF8.self) == Self.denied,
                    "redis-server's text differs from the one tally-server is held to: \(Bytes.escaped(answer))")
        }
    }

    @Test("--protected-mode no lets a non-loopback client in")
    func protectedModeOff() throws {
        let network = try HardeningNetwork()
        try withTemporaryDirectory { directory in
            let tally = try HardeningServer(arguments: ["--bind", HardeningNetwork.serverAddress, "--port", "0", "--db", directory + "/t.db",
                                                        "--protected-mode", "no"], namespace: network.server)
            defer { tally.stop() }
            let outsider = try HardeningSocket(host: HardeningNetwork.serverAddress, port: tally.port, namespace: network.client)
            #expect(try outsider.call("PING") == .simpleString("PONG"))
            #expect(try outsider.call("INCR", "hits") == .integer(1))
            guard case .array(let items) = try outsider.call("CONFIG", "GET", "protected-mode") else {
                Issue.record("CONFIG GET protected-mode is not an array")
                return
            }
            #expect(items == [.bulkString("protected-mode"), .bulkString("no")])
        }
    }

    @Test("TALLY_PROTECTED_MODE=no and CONFIG SET protected-mode no from loopback open the door too")
    func protectedModeOffOtherWays() throws {
        let network = try HardeningNetwork()
        try withTemporaryDirectory { directory in
            let byEnvironment = try HardeningServer(arguments: ["--bind", "0.0.0.0", "--port", "0", "--db", directory + "/a.db"],
                                                    environment: ["TALLY_PROTECTED_MODE": "no"], namespace: network.server)
            defer { byEnvironment.stop() }
            let first = try HardeningSocket(host: HardeningNetwork.serverAddress, port: byEnvironment.port, namespace: network.client)
            #expect(try first.call("PING") == .simpleString("PONG"))

            let bySet = try HardeningServer(arguments: ["--bind", "0.0.0.0", "--port", "0", "--db", directory + "/b.db"],
                                            namespace: network.server)
            defer { bySet.stop() }
            let before = try HardeningSocket(host: HardeningNetwork.serverAddress, port: bySet.port, namespace: network.client)
            #expect(String(decoding: try before.readUntilClose(timeout: 5), as: UTF8.self) == Self.denied)
            let admin = try HardeningSocket(host: "127.0.0.1", port: bySet.port, namespace: network.server)
            #expect(try admin.call("CONFIG", "SET", "protected-mode", "no") == .simpleString("OK"))
            let after = try HardeningSocket(host: HardeningNetwork.serverAddress, port: bySet.port, namespace: network.client)
            #expect(try after.call("PING") == .simpleString("PONG"))
        }
    }

    @Test("with a password, protected mode does not apply: the outsider gets NOAUTH, then AUTH lets it in")
    func passwordInsteadOfProtectedMode() throws {
        let network = try HardeningNetwork()
        try withTemporaryDirectory { directory in
            let tally = try HardeningServer(arguments: ["--bind", "0.0.0.0", "--port", "0", "--db", directory + "/t.db",
                                                        "--requirepass", "s3cret"], namespace: network.server)
            defer { tally.stop() }
            let outsider = try HardeningSocket(host: HardeningNetwork.serverAddress, port: tally.port, namespace: network.client)
            #expect(try outsider.call("PING") == .error("NOAUTH Authentication required."))
            #expect(try outsider.call("AUTH", "s3cret") == .simpleString("OK"))
            #expect(try outsider.call("PING") == .simpleString("PONG"))
        }
    }
}
