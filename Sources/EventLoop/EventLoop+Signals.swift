@preconcurrency import Glibc
import CSystem

extension EventLoop {
    /// Delivers `signals` to `handler` on the loop's thread through a signalfd.
    ///
    /// The signals are blocked (so their default action, such as terminating,
    /// no longer happens) for the calling thread and the threads it starts
    /// afterwards: call it from the main thread before starting any other,
    /// or a process-directed signal may land on a thread that does not block
    /// it. Each call adds another signalfd; the descriptor closes with the loop.
    package func onSignals(_ signals: [Int32], _ handler: @escaping (Int32) -> Void) throws(SystemError) {
        assertOnLoopThread()
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals {
            sigaddset(&set, signal)
        }
        // pthread_sigmask returns the error number instead of setting errno.
        let rc = pthread_sigmask(SIG_BLOCK, &set, nil)
        guard rc == 0 else { throw SystemError(call: "pthread_sigmask", errno: rc) }
        let flags = Int32(SFD_NONBLOCK) | Int32(SFD_CLOEXEC)
        let fd = Int32(try syscallNeverBlocking("signalfd", { Int(signalfd(-1, &set, flags)) }))
        let source = SignalHandler(fd: fd, handler: handler)
        try register(fd, interest: .read, handler: source)
    }

    /// Ignores SIGPIPE for the whole process, for writes that do not pass
    /// MSG_NOSIGNAL (a library's, or stdout to a closed pipe).
    package static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}

/// Reads a signalfd and calls the handler once per delivered signal.
private final class SignalHandler: EventHandler {
    private let fd: Int32
    private let handler: (Int32) -> Void

    init(fd: Int32, handler: @escaping (Int32) -> Void) {
        self.fd = fd
        self.handler = handler
    }

    deinit {
        Socket.close(fd)
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        while true {
            let result = try? syscall("read signalfd", {
                withUnsafeMutableBytes(of: &info) { Glibc.read(fd, $0.baseAddress, size) }
            })
            // nil: drained (EAGAIN); an error cannot happen on a valid signalfd.
            guard let count = result ?? nil, count == size else { return }
            handler(Int32(info.ssi_signo))
        }
    }
}
