@preconcurrency import Glibc

/// The one place that turns a raw system call result into Swift: EINTR is
/// retried, EAGAIN/EWOULDBLOCK becomes `nil` ("would block"), anything else throws.
///
/// `call` is an autoclosure so the error's name is only built on failure.
@inline(__always)
func syscall(
    _ call: @autoclosure () -> String,
    _ body: () -> Int
) throws(SystemError) -> Int? {
    while true {
        let result = body()
        if result >= 0 { return result }
        let code = errno
        switch code {
        case EINTR: continue
        case EAGAIN, EWOULDBLOCK: return nil
        default: throw SystemError(call: call(), errno: code)
        }
    }
}

/// `syscall` for calls that cannot block (socket, bind, epoll_ctl…): a
/// would-block answer is impossible, so it is reported as an error too.
@inline(__always)
func syscallNeverBlocking(
    _ call: @autoclosure () -> String,
    _ body: () -> Int
) throws(SystemError) -> Int {
    guard let result = try syscall(call(), body) else {
        throw SystemError(call: call(), errno: EAGAIN)
    }
    return result
}
