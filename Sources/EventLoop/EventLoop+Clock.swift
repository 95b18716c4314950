@preconcurrency import Glibc

extension EventLoop {
    /// Milliseconds of `CLOCK_MONOTONIC`: for timers and durations, immune to
    /// wall-clock changes.
    package static func monotonicMilliseconds() -> Int64 {
        milliseconds(of: CLOCK_MONOTONIC)
    }

    /// Unix time in milliseconds (`CLOCK_REALTIME`): for key expiry, which
    /// Redis stores as absolute Unix milliseconds.
    package static func wallClockMilliseconds() -> Int64 {
        milliseconds(of: CLOCK_REALTIME)
    }

    private static func milliseconds(of clock: clockid_t) -> Int64 {
        var now = timespec()
        // Cannot fail for these clocks and a valid pointer.
        clock_gettime(clock, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
