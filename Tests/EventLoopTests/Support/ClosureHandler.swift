import EventLoop

/// An event handler made of a closure, for tests.
final class ClosureHandler: EventHandler {
    private let body: (ReadyEvents, EventLoop) -> Void

    init(_ body: @escaping (ReadyEvents, EventLoop) -> Void) {
        self.body = body
    }

    func handle(_ events: ReadyEvents, on loop: EventLoop) {
        body(events, loop)
    }
}
