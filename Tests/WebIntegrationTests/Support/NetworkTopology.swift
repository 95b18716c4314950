import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Network namespaces made by `scripts/netns-topology.sh` for one test, torn down
/// when released (and swept on the next run if this process dies first).
final class NetworkTopology: Sendable {
    let id: String
    /// NAME=VALUE lines the script printed (CACHE_NS, WEB_NS, CACHE_ADDR, WEB_ADDR, SOLO_NS).
    let values: [String: String]

    private static let counter = Mutex(0)

    enum Layout: String {
        /// Two hosts, `cache` and `web`, on one link.
        case twoHosts = "setup"
        /// One loopback-only host where `redis` is 127.0.0.1.
        case solo
    }

    init(_ layout: Layout) throws {
        guard isRoot else {
            throw HarnessError("""
                this test needs root: it creates network namespaces (ip netns add) and /etc/netns entries; \
                run `swift test` as root (CI does)
                """)
        }
        _ = try Paths.systemTool("ip", debianPackage: "iproute2")
        let number = Self.counter.withLock { count in
            count += 1
            return count
        }
        id = "tally-\(getpid())-\(number)"
        _ = try Self.script(["sweep"])
        let output = try Self.script([layout.rawValue, id])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.values = values
    }

    func value(_ name: String) throws -> String {
        guard let value = values[name] else { throw HarnessError("netns-topology.sh printed no \(name)") }
        return value
    }

    var cache: Host { get throws { .namespace(try value("CACHE_NS")) } }
    var web: Host { get throws { .namespace(try value("WEB_NS")) } }
    var solo: Host { get throws { .namespace(try value("SOLO_NS")) } }

    /// Removes the namespaces now (idempotent; `deinit` does it too).
    func tearDown() throws {
        _ = try Self.script(["teardown", id])
    }

    deinit { _ = try? Self.script(["teardown", id]) }

    private static func script(_ arguments: [String]) throws -> String {
        let output = try runProgram("/bin/bash", [Paths.inPackage("scripts/netns-topology.sh")] + arguments, timeout: 60)
        guard output.succeeded else {
            throw HarnessError("scripts/netns-topology.sh \(arguments.joined(separator: " ")) failed (\(output.termination)): \(output.stderr)")
        }
        return output.stdout
    }
}
