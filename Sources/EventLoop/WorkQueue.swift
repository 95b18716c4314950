@preconcurrency import Glibc
import CSystem
import Synchronization

/// Work handed to the loop from other threads: a `Mutex`-protected queue
/// and an eventfd that wakes the loop when the queue becomes non-empty.
final class WorkQueue: Sendable {
    typealias Work = @Sendable () -> Void

    /// The eventfd the loop watches for readability.
    let fd: Int32
    private let pending = Mutex<[Work]>([])

    init() throws(SystemError) {
        let flags = Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)
        fd = Int32(try syscallNeverBlocking("eventfd", { Int(eventfd(0, flags)) }))
    }

    deinit {
        Socket.close(fd)
    }

    /// Queues `work` and wakes the loop. Callable from any thread.
    func enqueue(_ work: @escaping Work) {
        let wasEmpty = pending.withLock { queue in
            queue.append(work)
            return queue.count == 1
        }
        // Only the first job wakes the loop: it takes the whole queue, and any
        // job queued after it has taken the queue finds it empty and wakes it again.
        if wasEmpty { wake() }
    }

    /// Takes every queued job, swapping `batch` (empty, reused for its
    /// capacity) in for the queue. Called on the loop's thread.
    func takeAll(swappingWith batch: inout [Work]) {
        var count: UInt64 = 0
        // Drained before the swap: a wake that lands after it belongs to work
        // queued after the swap and makes the loop look again next turn.
        _ = withUnsafeMutableBytes(of: &count) { Glibc.read(fd, $0.baseAddress, $0.count) }
        pending.withLock { queue in swap(&queue, &batch) }
    }

    private func wake() {
        var one: UInt64 = 1
        while withUnsafeBytes(of: &one, { Glibc.write(fd, $0.baseAddress, $0.count) }) < 0, errno == EINTR {}
        // EAGAIN would mean the counter is near 2^64: the loop is already awake.
    }
}

/// The loop's handler for its own eventfd: runs the jobs other threads queued.
final class WorkQueueHandler: EventHandler {
    private let queue: WorkQueue
    private var batch: [WorkQueue.Work] = []

    init(queue: WorkQueue) {
        self.queue = queue
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        queue.takeAll(swappingWith: &batch)
        for work in batch {
            work()
        }
        batch.removeAll(keepingCapacity: true)
    }
}

extension EventLoop {
    /// Runs `work` on the loop's thread in its next turn. The one method
    /// callable from any thread: use it to hand results back to the loop, e.g.
    /// an address resolved on a background thread. Jobs run in the order
    /// queued; jobs queued while the loop is not running wait for `run`.
    package func execute(_ work: @escaping @Sendable () -> Void) {
        workQueue.enqueue(work)
    }
}
