import Foundation

/// A value shared between threads, read and written under a lock.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched inside `condition.lock()`/`unlock()`.
    private let condition = NSCondition()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&value)
    }

    /// Waits until `predicate` holds or `deadline` passes; whether it holds.
    func wait(until deadline: Date, for predicate: (Value) -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !predicate(value) {
            if !condition.wait(until: deadline) { return predicate(value) }
        }
        return true
    }
}

/// Threads started together, each running `body(index)`, joined with a deadline.
final class ThreadGroup: Sendable {
    private let count: Int
    private let errors = Locked<[String]>([])
    private let finished = Locked(0)

    init(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) {
        self.count = count
        for index in 0..<count {
            Thread { [errors, finished] in
                do {
                    try body(index)
                } catch {
                    errors.withLock { $0.append("thread \(index): \(error)") }
                }
                finished.withLock { $0 += 1 }
            }.start()
        }
    }

    /// Waits for every thread (at most `timeout` seconds); the errors they threw.
    func join(timeout: Double = 120) -> [String] {
        if !finished.wait(until: Date().addingTimeInterval(timeout), for: { $0 == count }) {
            errors.withLock { $0.append("threads still running after \(timeout) s") }
        }
        return errors.withLock { $0 }
    }
}

/// Runs `body(0..<count)` on `count` threads at once and waits for all of them.
func onThreads(_ count: Int, timeout: Double = 120, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    ThreadGroup(count, body).join(timeout: timeout)
}
