@preconcurrency import Glibc
import CSystem

/// A single-threaded, level-triggered epoll reactor, like Redis's `ae`.
///
/// One turn: wait for readiness (no longer than the nearest timer), call the
/// handler of every ready descriptor, run the due timers, then `endOfTurn`.
/// Everything except `execute` is called on the loop's thread: the thread
/// that created the loop, and from `run` on, the thread running it.
///
/// `@unchecked Sendable` so that other threads can hold the loop to call
/// `execute`, which only touches `WorkQueue` (a `Mutex` and an eventfd). All
/// other state is confined to the loop's thread by the rule above, which
/// debug builds check on every call.
package final class EventLoop: @unchecked Sendable {
    /// A registered descriptor. `token` tells this registration apart from an
    /// earlier one of the same descriptor number in the same turn.
    private struct Registration {
        let handler: EventHandler
        var interest: Interest
        let token: UInt32
    }

    /// Enough for a busy server's turn; grows while turns fill it.
    private static let initialEventCapacity = 64
    private static let maximumEventCapacity = 4096

    private let epollFD: Int32
    /// Indexed by descriptor: descriptors are small and dense.
    private var registrations: [Registration?] = []
    private var nextToken: UInt32 = 1
    private var events: UnsafeMutableBufferPointer<epoll_event>
    private var stopping = false
    private var running = false
    private var owner: pthread_t
    var timers = TimerQueue()
    var dueTimers: [TimerQueue.ID] = []
    let workQueue: WorkQueue

    package init() throws(SystemError) {
        epollFD = Int32(try syscallNeverBlocking("epoll_create1", { Int(epoll_create1(Int32(EPOLL_CLOEXEC))) }))
        events = .allocate(capacity: Self.initialEventCapacity)
        owner = pthread_self()
        do {
            workQueue = try WorkQueue()
        } catch {
            Socket.close(epollFD)
            events.deallocate()
            throw error
        }
        try register(workQueue.fd, interest: .read, handler: WorkQueueHandler(queue: workQueue))
    }

    deinit {
        Socket.close(epollFD)
        events.deallocate()
    }

    /// Starts calling `handler` when `fd` is ready for `interest`. The loop
    /// holds the handler until `unregister`.
    package func register(_ fd: Int32, interest: Interest, handler: EventHandler) throws(SystemError) {
        assertOnLoopThread()
        precondition(fd >= 0, "register of descriptor \(fd)")
        let token = nextToken
        // 0 is skipped so that no live registration has the token of zeroed memory.
        nextToken = nextToken &+ 1 == 0 ? 1 : nextToken &+ 1
        var event = Self.event(fd: fd, token: token, interest: interest)
        _ = try syscallNeverBlocking("epoll_ctl ADD \(fd)", { Int(epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)) })
        let index = Int(fd)
        if index >= registrations.count {
            registrations.append(contentsOf: repeatElement(nil, count: index + 1 - registrations.count))
        }
        registrations[index] = Registration(handler: handler, interest: interest, token: token)
    }

    /// Changes what `fd` waits for; no system call when it is unchanged, so a
    /// connection may call this after every write.
    package func update(_ fd: Int32, interest: Interest) throws(SystemError) {
        assertOnLoopThread()
        guard Int(fd) < registrations.count, fd >= 0, var registration = registrations[Int(fd)] else {
            throw SystemError(call: "epoll_ctl MOD \(fd)", errno: ENOENT)
        }
        guard registration.interest != interest else { return }
        var event = Self.event(fd: fd, token: registration.token, interest: interest)
        _ = try syscallNeverBlocking("epoll_ctl MOD \(fd)", { Int(epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)) })
        registration.interest = interest
        registrations[Int(fd)] = registration
    }

    /// Stops watching `fd` and releases its handler; the handler is not called
    /// again, not even for events already gathered this turn. Does not close `fd`.
    package func unregister(_ fd: Int32) {
        assertOnLoopThread()
        guard fd >= 0, Int(fd) < registrations.count, registrations[Int(fd)] != nil else { return }
        // Fails only if fd was closed first, which already removed it from epoll.
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        registrations[Int(fd)] = nil
    }

    /// Runs turns until `stop()`. `endOfTurn` runs once after each turn's
    /// handlers and timers: the place to act on everything that turn gathered.
    package func run(endOfTurn: () -> Void) throws(SystemError) {
        precondition(!running, "EventLoop.run called from inside run")
        owner = pthread_self()
        running = true
        // A stopped loop can be run again.
        defer {
            running = false
            stopping = false
        }
        repeat {
            try dispatchReadyDescriptors()
            runDueTimers()
            endOfTurn()
        } while !stopping
    }

    /// Ends `run` once the current turn is over. Call it on the loop's thread;
    /// other threads use `execute { loop.stop() }`.
    package func stop() {
        assertOnLoopThread()
        stopping = true
    }

    /// True from `stop()` until `run` returns.
    package var isStopping: Bool {
        stopping
    }

    /// Waits for readiness and calls each ready descriptor's handler.
    private func dispatchReadyDescriptors() throws(SystemError) {
        let timeout = waitTimeout()
        let ready: Int
        let rc = epoll_wait(epollFD, events.baseAddress, Int32(events.count), timeout)
        if rc >= 0 {
            ready = Int(rc)
        } else if errno == EINTR {
            // Not retried: the turn goes on so timers due meanwhile still run.
            ready = 0
        } else {
            throw SystemError(call: "epoll_wait", errno: errno)
        }

        for index in 0..<ready {
            let event = events[index]
            let fd = Int32(truncatingIfNeeded: event.data.u64)
            let token = UInt32(truncatingIfNeeded: event.data.u64 >> 32)
            // The descriptor may have been unregistered (and its number reused)
            // by a handler earlier in this turn.
            guard Int(fd) < registrations.count, let registration = registrations[Int(fd)],
                  registration.token == token else { continue }
            // Interest may have changed earlier in this turn; report only what
            // is still asked for, plus errors and hang-ups.
            let asked = registration.interest.epollFlags | csystem_epollerr() | csystem_epollhup() | csystem_epollrdhup()
            registration.handler.handle(ReadyEvents(epollFlags: event.events & asked), on: self)
        }

        if ready == events.count, events.count < Self.maximumEventCapacity {
            let capacity = events.count * 2
            events.deallocate()
            events = .allocate(capacity: capacity)
        }
    }

    /// Milliseconds epoll may wait: 0 when stopping, until the nearest timer,
    /// or forever (-1) when there is none.
    private func waitTimeout() -> Int32 {
        if stopping { return 0 }
        guard let deadline = timers.nextDeadline() else { return -1 }
        return Int32(clamping: max(0, deadline - Self.monotonicMilliseconds()))
    }

    private static func event(fd: Int32, token: UInt32, interest: Interest) -> epoll_event {
        var event = epoll_event()
        event.events = interest.epollFlags
        event.data.u64 = UInt64(token) << 32 | UInt64(UInt32(bitPattern: fd))
        return event
    }

    /// Traps in debug builds when called off the loop's thread.
    func assertOnLoopThread(_ function: StaticString = #function) {
        assert(pthread_equal(owner, pthread_self()) != 0, "EventLoop.\(function) called off the loop's thread")
    }
}
