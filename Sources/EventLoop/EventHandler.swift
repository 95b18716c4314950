/// An object the loop calls when its descriptor is ready.
///
/// The loop keeps a strong reference to a registered handler until
/// `unregister`, so a connection object can own itself while it is open.
/// A handler must deal with `isHangup`/`isError` (usually by closing): epoll
/// is level-triggered and reports them on every turn until the descriptor is
/// unregistered, whatever the interest.
package protocol EventHandler: AnyObject {
    /// Called on the loop's thread with what is ready on the descriptor.
    func handle(_ events: ReadyEvents, on loop: EventLoop)
}
