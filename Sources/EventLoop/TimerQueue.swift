/// The loop's timers, ordered by deadline (then by creation) in a binary
/// min-heap.
///
/// Cancelling only forgets the timer; its heap entry is dropped when it comes
/// to the top, and the heap is rebuilt when such entries outnumber live
/// timers, so cancelling many short-lived timers (request timeouts) stays cheap.
struct TimerQueue {
    typealias ID = UInt64

    private struct Timer {
        var deadline: Int64
        /// Milliseconds between runs; nil for a one-shot timer.
        let interval: Int64?
        let body: () -> Void
    }

    private struct Entry {
        let deadline: Int64
        let id: ID

        func precedes(_ other: Entry) -> Bool {
            (deadline, id) < (other.deadline, other.id)
        }
    }

    private var heap: [Entry] = []
    private var timers: [ID: Timer] = [:]
    private var nextID: ID = 1

    var isEmpty: Bool {
        timers.isEmpty
    }

    /// Adds a timer first due at `deadline` (monotonic milliseconds).
    mutating func schedule(at deadline: Int64, repeatingEvery interval: Int64?, _ body: @escaping () -> Void) -> ID {
        let id = nextID
        nextID += 1
        timers[id] = Timer(deadline: deadline, interval: interval, body: body)
        push(Entry(deadline: deadline, id: id))
        return id
    }

    /// Forgets a timer; unknown or finished ids are ignored.
    mutating func cancel(_ id: ID) {
        guard timers.removeValue(forKey: id) != nil else { return }
        if heap.count > 64, heap.count > 2 * timers.count {
            rebuild()
        }
    }

    /// The earliest live deadline, if any.
    mutating func nextDeadline() -> Int64? {
        while let top = heap.first, !isLive(top) {
            popTop()
        }
        return heap.first?.deadline
    }

    /// Appends to `due`, earliest first, the timers due at `now`. Only timers
    /// that exist now are taken, so a timer body that schedules a timer due at
    /// once cannot keep the turn from ending.
    mutating func collectDue(now: Int64, into due: inout [ID]) {
        while let top = heap.first, top.deadline <= now {
            popTop()
            if isLive(top) { due.append(top.id) }
        }
    }

    /// The body of a collected timer, or nil if it was cancelled meanwhile. A
    /// one-shot timer is forgotten; a repeating one is scheduled again one
    /// interval on (from `now` if it has fallen behind, so missed runs are
    /// skipped rather than replayed in a burst).
    mutating func take(_ id: ID, now: Int64) -> (() -> Void)? {
        guard var timer = timers[id] else { return nil }
        guard let interval = timer.interval else {
            timers[id] = nil
            return timer.body
        }
        let next = timer.deadline + interval
        timer.deadline = next > now ? next : now + interval
        timers[id] = timer
        push(Entry(deadline: timer.deadline, id: id))
        return timer.body
    }

    private func isLive(_ entry: Entry) -> Bool {
        timers[entry.id]?.deadline == entry.deadline
    }

    private mutating func rebuild() {
        heap = timers.map { Entry(deadline: $0.value.deadline, id: $0.key) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) {
            siftDown(from: index)
        }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
