@preconcurrency import Glibc
import EventLoop
import Testing

@Suite("EventLoop")
struct EventLoopTests {
    @Test("a handler unregistered earlier in a turn is not called, even when its number is reused")
    func unregisterDuringTurn() throws {
        let loop = try EventLoop()
        let (first, firstPeer) = try makeSocketPair()
        let (second, secondPeer) = try makeSocketPair()
        defer { [firstPeer, secondPeer].forEach(Socket.close) }
        // Both readable before the first turn, so epoll reports both in it.
        try writeAll(firstPeer, [1])
        try writeAll(secondPeer, [2])

        var turn = 1
        var callsInFirstTurn: [Int32] = []
        var reused: (fd: Int32, peer: Int32)?
        var reusedCalledInTurn: Int?
        var closed: Int32 = -1
        // Whichever handler runs first closes the other descriptor and takes
        // its number for a new, readable registration.
        func handler(for own: Int32, other: Int32) -> ClosureHandler {
            ClosureHandler { _, loop in
                failOnError(loop) {
                    if turn == 1 { callsInFirstTurn.append(own) }
                    guard reused == nil else { return }
                    loop.unregister(other)
                    Socket.close(other)
                    closed = other
                    let (fd, peer) = try makeSocketPair()
                    reused = (fd, peer)
                    try writeAll(peer, [3])
                    try loop.register(fd, interest: .read, handler: ClosureHandler { _, loop in
                        reusedCalledInTurn = reusedCalledInTurn ?? turn
                        loop.stop()
                    })
                }
            }
        }
        try loop.register(first, interest: .read, handler: handler(for: first, other: second))
        try loop.register(second, interest: .read, handler: handler(for: second, other: first))

        try runUntilStopped(loop, endOfTurn: { turn += 1 })
        let replacement = try #require(reused)
        defer { [replacement.fd, replacement.peer].forEach(Socket.close) }
        [first, second].filter { $0 != closed }.forEach(Socket.close)

        #expect(callsInFirstTurn.count == 1)
        #expect(replacement.fd == closed, "the new socket reuses the closed number")
        #expect(reusedCalledInTurn == 2)
    }

    @Test("update changes what a descriptor waits for")
    func updateInterest() throws {
        let loop = try EventLoop()
        let (fd, peer) = try makeSocketPair()
        defer { Socket.close(fd); Socket.close(peer) }
        try writeAll(peer, [7])

        var events: [ReadyEvents] = []
        var enabled = false
        try loop.register(fd, interest: [], handler: ClosureHandler { ready, loop in
            events.append(ready)
            if events.count == 3 { loop.stop() }
            failOnError(loop) { try loop.update(fd, interest: .write) }
        })
        // Unchanged interest: no system call, no error.
        try loop.update(fd, interest: [])
        loop.after(milliseconds: 30) {
            // Readable all along, yet not reported while not asked for.
            #expect(events.isEmpty)
            enabled = true
            failOnError(loop) { try loop.update(fd, interest: .read) }
        }

        try runUntilStopped(loop)
        #expect(enabled)
        #expect(events.count == 3)
        #expect(events.first == ReadyEvents(isReadable: true))
        #expect(events.dropFirst().allSatisfy { $0 == ReadyEvents(isWritable: true) })
    }

    @Test("update of a descriptor that is not registered throws ENOENT")
    func updateUnregistered() throws {
        let loop = try EventLoop()
        let error = try #require(throws: SystemError.self) { try loop.update(1000, interest: .read) }
        #expect(error.errno == ENOENT)
    }

    @Test("registering a descriptor twice throws EEXIST")
    func registerTwice() throws {
        let loop = try EventLoop()
        let (fd, peer) = try makeSocketPair()
        defer { loop.unregister(fd); Socket.close(fd); Socket.close(peer) }
        try loop.register(fd, interest: .read, handler: ClosureHandler { _, _ in })
        let error = try #require(throws: SystemError.self) {
            try loop.register(fd, interest: .read, handler: ClosureHandler { _, _ in })
        }
        #expect(error.errno == EEXIST)
        #expect(error.call == "epoll_ctl ADD \(fd)")
    }

    @Test("a peer's hang-up reaches a handler as readable and hung up")
    func hangup() throws {
        let loop = try EventLoop()
        let (fd, peer) = try makeSocketPair()
        defer { Socket.close(fd) }
        Socket.close(peer)
        var seen: ReadyEvents?
        try loop.register(fd, interest: .read, handler: ClosureHandler { events, loop in
            seen = events
            loop.unregister(fd)
            loop.stop()
        })
        try runUntilStopped(loop)
        #expect(seen?.isReadable == true)
        #expect(seen?.isHangup == true)
    }

    @Test("stop ends run after the current turn, endOfTurn included, and the loop runs again")
    func stopAndRerun() throws {
        let loop = try EventLoop()
        var turns = 0
        loop.after(milliseconds: 0) {
            loop.stop()
            #expect(loop.isStopping)
        }
        try runUntilStopped(loop, endOfTurn: { turns += 1 })
        #expect(turns >= 1)
        #expect(!loop.isStopping)

        var ranAgain = false
        loop.after(milliseconds: 0) {
            ranAgain = true
            loop.stop()
        }
        try runUntilStopped(loop)
        #expect(ranAgain)
    }

    @Test("the clocks tick in milliseconds: monotonic never goes back, wall clock is Unix time")
    func clocks() {
        let first = EventLoop.monotonicMilliseconds()
        let second = EventLoop.monotonicMilliseconds()
        #expect(second >= first)
        let unixSeconds = Int64(time(nil))
        let wall = EventLoop.wallClockMilliseconds()
        #expect(abs(wall / 1000 - unixSeconds) <= 1)
    }
}
