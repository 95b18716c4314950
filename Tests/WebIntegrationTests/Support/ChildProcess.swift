import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// How a child process ended.
enum Termination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}

/// A spawned program whose output is collected; waited for with deadlines, stopped by pid.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is configured before `run()` and afterwards only
    // read (pid, status) once `exited` was signalled under `exitLock`; the collectors lock themselves.
    private let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    private let exitLock = NSLock()
    private var termination: Termination?
    let stdout: OutputCollector
    let stderr: OutputCollector
    let commandLine: String

    /// Starts `executable` (an absolute path); standard input is empty.
    init(_ executable: String, _ arguments: [String], workingDirectory: String? = nil, environment: [String: String]? = nil) throws {
        commandLine = ([executable] + arguments).joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let semaphore = exited
        process.terminationHandler = { _ in semaphore.signal() }
        do {
            try process.run()
        } catch {
            throw HarnessError("could not start \(commandLine): \(error)")
        }
        stdout = OutputCollector(out)
        stderr = OutputCollector(err)
    }

    var pid: Int32 { process.processIdentifier }

    /// How the process ended, waiting at most `timeout` seconds; nil while it still runs.
    func waitForExit(timeout: Double) -> Termination? {
        exitLock.lock()
        defer { exitLock.unlock() }
        if let termination { return termination }
        guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        let status = process.terminationStatus
        termination = process.terminationReason == .exit ? .exited(status) : .signalled(status)
        return termination
    }

    var isRunning: Bool { waitForExit(timeout: 0) == nil }

    func signal(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// SIGTERM to it and to the processes it started, then SIGKILL to those left after `grace` seconds.
    ///
    /// The descendants matter: Flask's reloader and gunicorn's workers inherit the
    /// descriptor Foundation watches to learn that the child exited, so the child's
    /// exit is not seen while one of them lives on.
    @discardableResult
    func stop(grace: Double = 10) -> Termination {
        guard isRunning else { return waitForExit(timeout: 0)! }
        let tree = [pid] + descendants(of: pid)
        for member in tree { _ = Glibc.kill(member, SIGTERM) }
        if let ended = waitForExit(timeout: grace) { return ended }
        for member in tree { _ = Glibc.kill(member, SIGKILL) }
        return waitForExit(timeout: 30) ?? .signalled(SIGKILL)
    }

    /// Everything it printed, for failure messages.
    var output: String { "stdout: \(stdout.text)\nstderr: \(stderr.text)" }

    deinit {
        if waitForExit(timeout: 0) == nil {
            for member in [pid] + descendants(of: pid) { _ = Glibc.kill(member, SIGKILL) }
            _ = waitForExit(timeout: 30)
        }
    }
}

/// The pids below `root` in the process tree, read from /proc/*/stat.
func descendants(of root: Int32) -> [Int32] {
    var children: [Int32: [Int32]] = [:]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = Int32(entry),
              let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        // After "pid (comm) ": the state, then the parent's pid.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let parent = Int32(fields[1]) else { continue }
        children[parent, default: []].append(pid)
    }
    var found: [Int32] = []
    var queue = children[root] ?? []
    while let next = queue.popLast() {
        found.append(next)
        queue += children[next] ?? []
    }
    return found
}

/// Drains one pipe on a thread of its own, so the child never blocks on a
/// full pipe, and lets tests wait for what it printed.
final class OutputCollector: @unchecked Sendable {
    // @unchecked: `bytes` and `finished` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var bytes: [UInt8] = []
    private var finished = false
    private let pipe: Pipe

    init(_ pipe: Pipe) {
        self.pipe = pipe
        let fd = pipe.fileHandleForReading.fileDescriptor
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                condition.lock()
                if count > 0 { bytes.append(contentsOf: chunk[0..<count]) } else { finished = true }
                condition.broadcast()
                condition.unlock()
                if count <= 0 { return }
            }
        }
        thread.start()
    }

    var data: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        return bytes
    }

    var text: String { String(decoding: data, as: UTF8.self) }

    /// Waits until `predicate` finds something in the output (or the pipe
    /// closes, or `deadline` passes) and returns what it found.
    func wait<T>(until deadline: Date, for predicate: ([UInt8]) -> T?) -> T? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let found = predicate(bytes) { return found }
            if finished { return nil }
            if !condition.wait(until: deadline) { return predicate(bytes) }
        }
    }

    /// Waits for the writer to close the pipe; false when `deadline` passed first.
    @discardableResult
    func waitForEnd(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            if !condition.wait(until: deadline) { return finished }
        }
        return true
    }
}

/// The result of running a program to completion.
struct ProgramOutput {
    var termination: Termination
    var stdout: String
    var stderr: String

    var succeeded: Bool { termination == .exited(0) }
}

/// Runs a program to its end (killed after `timeout` seconds) and returns what it printed.
func runProgram(_ executable: String, _ arguments: [String], workingDirectory: String? = nil,
                environment: [String: String]? = nil, timeout: Double = 60) throws -> ProgramOutput {
    let child = try ChildProcess(executable, arguments, workingDirectory: workingDirectory, environment: environment)
    guard let termination = child.waitForExit(timeout: timeout) else {
        child.stop(grace: 1)
        throw HarnessError("\(child.commandLine) did not finish within \(timeout) s; \(child.output)")
    }
    let end = Date().addingTimeInterval(10)
    child.stdout.waitForEnd(until: end)
    child.stderr.waitForEnd(until: end)
    return ProgramOutput(termination: termination, stdout: child.stdout.text, stderr: child.stderr.text)
}
