import EventLoop
import Testing

/// Runs `loop` until something stops it, failing the test (and stopping the
/// loop) if that takes longer than `timeoutMilliseconds`.
func runUntilStopped(_ loop: EventLoop, timeoutMilliseconds: Int = 5000,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    var timedOut = false
    let deadline = loop.after(milliseconds: timeoutMilliseconds) {
        timedOut = true
        loop.stop()
    }
    try loop.run(endOfTurn: {})
    loop.cancel(deadline)
    #expect(!timedOut, "loop still running after \(timeoutMilliseconds) ms", sourceLocation: sourceLocation)
}

/// Runs `body` inside a handler or timer, recording a thrown error as a test
/// issue and stopping the loop instead of crashing it.
func failOnError(_ loop: EventLoop, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
    } catch {
        Issue.record(error, sourceLocation: sourceLocation)
        loop.stop()
    }
}

/// Calls `body` on the loop once `condition` holds, checking every few
/// milliseconds (the readiness signal; `runUntilStopped` bounds the wait).
func when(_ condition: @escaping () -> Bool, on loop: EventLoop, _ body: @escaping () -> Void) {
    var timer: TimerID?
    timer = loop.every(milliseconds: 5) {
        guard condition(), let id = timer else { return }
        loop.cancel(id)
        timer = nil
        body()
    }
}
