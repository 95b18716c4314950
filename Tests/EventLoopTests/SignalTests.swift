@preconcurrency import Glibc
import EventLoop
import Testing

@Suite("Signals")
struct SignalTests {
    /// The signals are sent to this thread (`raise`, `pthread_kill`), which
    /// blocked them: a process-wide `kill` could land on one of the test
    /// runner's other threads, which do not block them, and end the run.
    @Test("blocked signals arrive as loop events with their numbers")
    func signalfd() throws {
        let loop = try EventLoop()
        var received: [Int32] = []
        try loop.onSignals([SIGUSR1, SIGUSR2]) { signal in
            received.append(signal)
            if received.count == 2 { loop.stop() }
        }
        loop.after(milliseconds: 0) {
            #expect(raise(SIGUSR1) == 0)
            #expect(pthread_kill(pthread_self(), SIGUSR2) == 0)
        }

        try runUntilStopped(loop)
        #expect(Set(received) == [SIGUSR1, SIGUSR2])
        #expect(received.count == 2)
    }

    @Test("ignoreSIGPIPE makes a plain write to a closed pipe fail with EPIPE instead of killing")
    func ignoresSIGPIPE() throws {
        EventLoop.ignoreSIGPIPE()
        // Restored so that the MSG_NOSIGNAL test, which may run in parallel,
        // proves send needs no process-wide setting.
        defer { signal(SIGPIPE, SIG_DFL) }
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        Socket.close(fds[0])
        defer { Socket.close(fds[1]) }
        var byte: UInt8 = 1
        #expect(write(fds[1], &byte, 1) == -1)
        #expect(errno == EPIPE)
    }
}
