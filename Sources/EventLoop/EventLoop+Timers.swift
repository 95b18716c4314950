/// Identifies a timer for `EventLoop.cancel`.
package struct TimerID: Hashable, Sendable {
    let rawValue: TimerQueue.ID
}

extension EventLoop {
    /// Runs `body` on the loop's thread every `milliseconds` (first after one
    /// interval) until cancelled. A late run does not cause catch-up runs.
    @discardableResult
    package func every(milliseconds: Int, _ body: @escaping () -> Void) -> TimerID {
        assertOnLoopThread()
        precondition(milliseconds > 0, "repeating timer of \(milliseconds) ms")
        let interval = Int64(milliseconds)
        let id = timers.schedule(at: Self.monotonicMilliseconds() + interval, repeatingEvery: interval, body)
        return TimerID(rawValue: id)
    }

    /// Runs `body` once on the loop's thread after `milliseconds` (0: at the
    /// end of the current or next turn).
    @discardableResult
    package func after(milliseconds: Int, _ body: @escaping () -> Void) -> TimerID {
        assertOnLoopThread()
        precondition(milliseconds >= 0, "timer of \(milliseconds) ms")
        let id = timers.schedule(at: Self.monotonicMilliseconds() + Int64(milliseconds), repeatingEvery: nil, body)
        return TimerID(rawValue: id)
    }

    /// Stops a timer; a timer that already ran (one-shot) or was cancelled is ignored.
    /// A timer cancelled by an earlier timer in the same turn does not run.
    package func cancel(_ timer: TimerID) {
        assertOnLoopThread()
        timers.cancel(timer.rawValue)
    }

    /// Runs, in deadline order, the timers that were due when the step began.
    func runDueTimers() {
        guard !timers.isEmpty else { return }
        let now = Self.monotonicMilliseconds()
        timers.collectDue(now: now, into: &dueTimers)
        for id in dueTimers {
            if let body = timers.take(id, now: now) { body() }
        }
        dueTimers.removeAll(keepingCapacity: true)
    }
}
