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

/// A spawned program with its standard output and error collected, waited
/// for with deadlines and stopped by pid.
///
/// Spawned with `posix_spawn` and a cleared signal mask and default signal
/// dispositions: a test runner's threads may block SIGTERM, and a child that
/// inherited that mask (as Foundation's `Process` lets it) would never see
/// the signal a test sends it.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init; `termination`
    // locks itself, and only the reaper thread writes it.
    let pid: pid_t
    let stdout: OutputCollector
    let stderr: OutputCollector
    let commandLine: String
    /// Set once by the reaper thread, which holds this and not `self`, so an
    /// abandoned ChildProcess still reaches `deinit` and kills its process.
    private let termination = Locked<Termination?>(nil)

    /// Starts `executable` (an absolute path) with `arguments`; standard input is `input`, or empty.
    init(
        _ executable: String,
        _ arguments: [String],
        workingDirectory: String? = nil,
        environment: [String: String]? = nil,
        input: [UInt8]? = nil
    ) throws {
        commandLine = ([executable] + arguments).joined(separator: " ")
        // One spawn at a time: between pipe() and FD_CLOEXEC another spawn
        // could inherit our pipe ends, and our reader would wait for its exit.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        let inPipe = try Self.pipe(), outPipe = try Self.pipe(), errPipe = try Self.pipe()
        // Glibc's module does not export posix_spawn_file_actions_addchdir_np: coreutils' env changes directory, then execs.
        let program = workingDirectory == nil ? executable : "/usr/bin/env"
        let programArguments = workingDirectory.map { ["-C", $0, executable] + arguments } ?? arguments

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([program] + programArguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var spawned = pid_t()
        let result = posix_spawn(&spawned, program, &actions, &attributes, argv, envp)
        close(inPipe.read)
        close(outPipe.write)
        close(errPipe.write)
        guard result == 0 else {
            close(inPipe.write)
            close(outPipe.read)
            close(errPipe.read)
            throw HarnessError("could not start \(commandLine): \(String(cString: strerror(result)))")
        }
        pid = spawned
        let child = spawned
        stdout = OutputCollector(fileDescriptor: outPipe.read)
        stderr = OutputCollector(fileDescriptor: errPipe.read)

        // A writer thread, so a child that prints before reading its input cannot deadlock us.
        let inputFD = inPipe.write
        let bytes = input ?? []
        Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { break }
                offset += written
            }
            close(inputFD)
        }.start()

        // The reaper: the only caller of waitpid for this pid.
        // It waits without reaping first, so that `signal` (under the same lock) never hits a reused pid.
        Thread { [termination] in
            var info = siginfo_t()
            while waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
            termination.withLock { ended in
                var status: Int32 = 0
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                ended = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
            }
        }.start()
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw HarnessError("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// How the process ended, waiting at most `timeout` seconds; nil while it still runs.
    func waitForExit(timeout: Double) -> Termination? {
        _ = termination.wait(until: Date().addingTimeInterval(timeout)) { $0 != nil }
        return termination.withLock { $0 }
    }

    var isRunning: Bool { waitForExit(timeout: 0) == nil }

    /// Sends `signal` unless the process was already reaped (its pid could be reused).
    func signal(_ signal: Int32) {
        termination.withLock { ended in
            if ended == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited after `grace` seconds.
    @discardableResult
    func stop(grace: Double = 10) -> Termination {
        signal(SIGTERM)
        if let ended = waitForExit(timeout: grace) { return ended }
        signal(SIGKILL)
        return waitForExit(timeout: 30) ?? .signalled(SIGKILL)
    }

    /// SIGKILL and wait: the process gets no chance to clean up.
    @discardableResult
    func kill() -> Termination {
        signal(SIGKILL)
        return waitForExit(timeout: 30) ?? .signalled(SIGKILL)
    }

    deinit {
        if isRunning {
            signal(SIGKILL)
            _ = waitForExit(timeout: 30)
        }
    }
}

/// Serializes pipe creation and spawning (see `ChildProcess.init`).
private let spawnLock = NSLock()

/// The result of running a program to completion.
struct ProgramOutput {
    var termination: Termination
    var stdout: String
    var stderr: String
    var stdoutBytes: [UInt8]
}

/// Runs a program to its end (killing it after `timeout` seconds) and returns what it printed.
func runProgram(
    _ executable: String,
    _ arguments: [String],
    workingDirectory: String? = nil,
    environment: [String: String]? = nil,
    input: [UInt8]? = nil,
    timeout: Double = 60
) throws -> ProgramOutput {
    let child = try ChildProcess(executable, arguments, workingDirectory: workingDirectory, environment: environment, input: input)
    guard let termination = child.waitForExit(timeout: timeout) else {
        child.kill()
        throw HarnessError("\(child.commandLine) did not finish within \(timeout) s; stdout: \(child.stdout.text) stderr: \(child.stderr.text)")
    }
    let end = Date().addingTimeInterval(10)
    child.stdout.waitForEnd(until: end)
    child.stderr.waitForEnd(until: end)
    return ProgramOutput(termination: termination, stdout: child.stdout.text, stderr: child.stderr.text, stdoutBytes: child.stdout.data)
}
