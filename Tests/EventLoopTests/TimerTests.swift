import EventLoop
import Testing

@Suite("Timers")
struct TimerTests {
    @Test("one-shot timers fire in deadline order, not scheduling order, and cancelled ones never")
    func order() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        loop.after(milliseconds: 30) { fired.append("30") }
        loop.after(milliseconds: 10) { fired.append("10") }
        let cancelled = loop.after(milliseconds: 15) { fired.append("15") }
        loop.after(milliseconds: 20) { fired.append("20a") }
        loop.after(milliseconds: 20) { fired.append("20b") }
        loop.after(milliseconds: 0) { fired.append("0") }
        loop.after(milliseconds: 40) { loop.stop() }
        loop.cancel(cancelled)

        try runUntilStopped(loop)
        #expect(fired == ["0", "10", "20a", "20b", "30"])
    }

    @Test("a timer does not fire before its delay")
    func notEarly() throws {
        let loop = try EventLoop()
        let start = EventLoop.monotonicMilliseconds()
        var elapsed: Int64 = -1
        loop.after(milliseconds: 50) {
            elapsed = EventLoop.monotonicMilliseconds() - start
            loop.stop()
        }
        try runUntilStopped(loop)
        #expect(elapsed >= 50)
    }

    @Test("a repeating timer keeps its schedule, never early, until it cancels itself")
    func repeating() throws {
        let loop = try EventLoop()
        let start = EventLoop.monotonicMilliseconds()
        var ticks: [Int64] = []
        var timer: TimerID?
        timer = loop.every(milliseconds: 5) {
            ticks.append(EventLoop.monotonicMilliseconds())
            if ticks.count == 4, let timer { loop.cancel(timer) }
        }
        loop.after(milliseconds: 80) { loop.stop() }

        try runUntilStopped(loop)
        #expect(ticks.count == 4)
        // Fixed rate: the k-th run is due at start + k × 5 ms; a late run
        // shortens the next gap rather than shifting the schedule.
        for (index, tick) in ticks.enumerated() {
            #expect(tick - start >= Int64(5 * (index + 1)), "tick \(index + 1) at \(tick - start) ms")
        }
    }

    @Test("a timer cancelled by an earlier timer of the same turn does not run")
    func cancelledWithinTurn() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        var second: TimerID?
        // Both are due when the turn collects timers: the 0 ms timer sorts first.
        loop.after(milliseconds: 0) {
            fired.append("first")
            if let second { loop.cancel(second) }
        }
        second = loop.after(milliseconds: 0) { fired.append("second") }
        loop.after(milliseconds: 20) { loop.stop() }

        try runUntilStopped(loop)
        #expect(fired == ["first"])
    }

    @Test("a timer scheduled at 0 ms from a timer runs in a later turn, so turns still end")
    func zeroDelayChain() throws {
        let loop = try EventLoop()
        var turn = 0
        var turnsSeen: [Int] = []
        func chain() {
            turnsSeen.append(turn)
            if turnsSeen.count == 50 {
                loop.stop()
            } else {
                loop.after(milliseconds: 0, chain)
            }
        }
        loop.after(milliseconds: 0, chain)

        try runUntilStopped(loop, endOfTurn: { turn += 1 })
        #expect(turnsSeen.count == 50)
        #expect(Set(turnsSeen).count == 50, "one link per turn")
    }

    @Test("cancelling many timers leaves the rest firing in order")
    func manyCancelled() throws {
        let loop = try EventLoop()
        var fired: [Int] = []
        var ids: [TimerID] = []
        for index in 0..<500 {
            ids.append(loop.after(milliseconds: 5 + index % 25) { fired.append(index) })
        }
        // Keep every tenth; the rest are cancelled, which compacts the queue.
        for (index, id) in ids.enumerated() where index % 10 != 0 {
            loop.cancel(id)
        }
        loop.cancel(ids[0])
        loop.cancel(ids[0])
        loop.after(milliseconds: 60) { loop.stop() }

        try runUntilStopped(loop)
        let expected = (0..<500).filter { $0 % 10 == 0 && $0 != 0 }
            .sorted { (5 + $0 % 25, $0) < (5 + $1 % 25, $1) }
        #expect(Set(fired) == Set(expected))
        // Same-deadline timers keep creation order; deadlines ascend.
        let deadlines = fired.map { 5 + $0 % 25 }
        #expect(deadlines == deadlines.sorted())
    }
}
