import Foundation

/// Runs blocking harness work (waiting for a process, a port, a curl) on a thread of
/// its own, so the tests never hold Swift's cooperative threads: with 2 cores there
/// are only 2, shared with every other test target in `swift test`.
/// `body` records no issues itself (swift-testing's context is task-local); the
/// awaiting test checks what it returns.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

extension TallyServer {
    static func start(database: String, bind: String = "127.0.0.1", port: Int = 0, arguments: [String] = [],
                      on host: Host = .local) async throws -> TallyServer {
        try await offThread { try TallyServer(database: database, bind: bind, port: port, arguments: arguments, on: host) }
    }

    func stopped() async -> Termination {
        (try? await offThread { self.stop() }) ?? .signalled(-1)
    }
}

extension TallyWeb {
    static func start(environment: [String: String], on host: Host = .local) async throws -> TallyWeb {
        try await offThread { try TallyWeb(environment: environment, on: host) }
    }

    static func start(cachePort: Int, waitForCache: Bool = true) async throws -> TallyWeb {
        try await offThread { try TallyWeb(cachePort: cachePort, waitForCache: waitForCache) }
    }

    func ready(url readyzURL: String, on host: Host = .local) async throws {
        try await offThread { try self.waitUntilReady(url: readyzURL, on: host) }
    }

    func stopped() async -> Termination {
        (try? await offThread { self.stop() }) ?? .signalled(-1)
    }
}

extension RedisServer {
    static func start(bind: String = "127.0.0.1", port: Int? = nil, directory: String,
                      on host: Host = .local) async throws -> RedisServer {
        try await offThread { try RedisServer(bind: bind, port: port, directory: directory, on: host) }
    }
}

extension FlaskApp {
    static func start(_ server: Server, on host: Host) async throws -> FlaskApp {
        try await offThread { try FlaskApp(server, on: host) }
    }
}

extension NetworkTopology {
    static func make(_ layout: Layout) async throws -> NetworkTopology {
        try await offThread { try NetworkTopology(layout) }
    }
}

extension Host {
    func execute(_ executable: String, _ arguments: [String], timeout: Double = 30) async throws -> ProgramOutput {
        try await offThread { try self.run(executable, arguments, timeout: timeout) }
    }
}

/// `runProgram` without holding a cooperative thread.
func execute(_ executable: String, _ arguments: [String], workingDirectory: String? = nil,
             environment: [String: String]? = nil, timeout: Double = 60) async throws -> ProgramOutput {
    try await offThread {
        try runProgram(executable, arguments, workingDirectory: workingDirectory, environment: environment, timeout: timeout)
    }
}

extension Curl {
    static func fetch(_ url: String, on host: Host = .local) async throws -> Result {
        try await offThread { try get(url, on: host) }
    }

    static func awaitStatus(_ status: Int, at url: String, on host: Host = .local, timeout: Double = 30) async throws -> Result? {
        try await offThread { try waitFor(status: status, at: url, on: host, timeout: timeout) }
    }

    static func fetchAll(_ url: String, count: Int, parallel: Int, into directory: String) async throws -> (statuses: [Int], bodies: [String]) {
        try await offThread { try parallelGet(url, count: count, parallel: parallel, in: directory) }
    }
}

extension HTTPTestConnection {
    /// Opens a connection, sends `request` and reads `count` responses, off the cooperative pool.
    static func exchange(port: Int, _ request: [UInt8], responses count: Int = 1,
                         timeout: Double = 10) async throws -> [HTTPTestResponse] {
        try await offThread {
            let connection = try HTTPTestConnection(port: port)
            try connection.send(request)
            return try (0..<count).map { _ in try connection.readResponse(timeout: timeout) }
        }
    }

    static func exchange(port: Int, _ request: String, responses count: Int = 1) async throws -> [HTTPTestResponse] {
        try await exchange(port: port, Array(request.utf8), responses: count)
    }
}

extension HTTPTestConnection {
    static func open(port: Int) async throws -> HTTPTestConnection {
        try await offThread { try HTTPTestConnection(port: port) }
    }

    /// Sends `request` and reads `count` responses.
    func exchange(_ request: String, responses count: Int = 1) async throws -> [HTTPTestResponse] {
        try await offThread {
            try self.send(request)
            return try (0..<count).map { _ in try self.readResponse() }
        }
    }

    /// Sends `request` and reads one response.
    func request(_ request: String) async throws -> HTTPTestResponse {
        try await exchange(request)[0]
    }

    func closed(within timeout: Double) async throws -> Bool {
        try await offThread { try self.waitForClose(timeout: timeout) }
    }
}
