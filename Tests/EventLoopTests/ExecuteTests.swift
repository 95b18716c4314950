import Foundation
import EventLoop
import Testing

/// State touched only on the loop's thread, captured by `@Sendable` jobs.
/// `@unchecked Sendable` is sound because `execute` runs every job there.
private final class LoopOnly<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }
}

@Suite("execute")
struct ExecuteTests {
    @Test("work queued from another thread wakes a blocked loop and runs on the loop's thread")
    func wakesLoop() throws {
        let loop = try EventLoop()
        let loopThread = pthread_self()
        let ranOnLoopThread = LoopOnly<Bool?>(nil)
        loop.after(milliseconds: 0) {
            // The loop is running and has nothing else to wake it for 5 s.
            Thread.detachNewThread {
                loop.execute {
                    ranOnLoopThread.value = pthread_equal(pthread_self(), loopThread) != 0
                    loop.stop()
                }
            }
        }

        let start = EventLoop.monotonicMilliseconds()
        try runUntilStopped(loop)
        #expect(ranOnLoopThread.value == true)
        #expect(EventLoop.monotonicMilliseconds() - start < 4000)
    }

    @Test("jobs from several threads all run, each thread's in the order queued")
    func manyThreads() throws {
        let threads = 4
        let jobsPerThread = 500
        let loop = try EventLoop()
        let received = LoopOnly<[[Int]]>(Array(repeating: [], count: threads))
        let total = LoopOnly(0)
        loop.after(milliseconds: 0) {
            for thread in 0..<threads {
                Thread.detachNewThread {
                    for job in 0..<jobsPerThread {
                        loop.execute {
                            received.value[thread].append(job)
                            total.value += 1
                            if total.value == threads * jobsPerThread { loop.stop() }
                        }
                    }
                }
            }
        }

        try runUntilStopped(loop, timeoutMilliseconds: 10_000)
        #expect(total.value == threads * jobsPerThread)
        for jobs in received.value {
            #expect(jobs == Array(0..<jobsPerThread))
        }
    }

    @Test("work queued before run waits for run")
    func queuedBeforeRun() throws {
        let loop = try EventLoop()
        let ran = LoopOnly(false)
        loop.execute {
            ran.value = true
            loop.stop()
        }
        #expect(!ran.value)
        try runUntilStopped(loop)
        #expect(ran.value)
    }
}
