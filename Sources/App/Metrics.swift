#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// tally-web's counters and histograms, rendered in Prometheus's text
/// format on `GET /metrics`. Loop-thread only.
package final class Metrics {
    /// Latency buckets in seconds, from half a millisecond to 2.5 s.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var sum = 0.0
        var total = 0

        mutating func observe(_ seconds: Double) {
            for (index, bound) in Metrics.buckets.enumerated() where seconds <= bound { counts[index] += 1 }
            sum += seconds
            total += 1
        }
    }

    /// Requests by route and status; `route` is a known path or "other", so
    /// a scanner cannot blow up the label set.
    private(set) var requests: [String: [Int: Int]] = [:]
    private(set) var requestLatency = Histogram()
    private(set) var cacheLatency = Histogram()
    private(set) var cacheErrors = 0

    package init() {}

    func recordRequest(route: String, status: Int, seconds: Double) {
        requests[route, default: [:]][status, default: 0] += 1
        requestLatency.observe(seconds)
    }

    func recordCacheReply(seconds: Double, failed: Bool) {
        cacheLatency.observe(seconds)
        if failed { cacheErrors += 1 }
    }

    /// The exposition text (version 0.0.4).
    func render(reconnects: Int, connected: Bool) -> String {
        var out = ""
        out += "# HELP tally_web_requests_total HTTP requests answered, by route and status.\n"
        out += "# TYPE tally_web_requests_total counter\n"
        for route in requests.keys.sorted() {
            for status in requests[route]!.keys.sorted() {
                out += "tally_web_requests_total{route=\"\(route)\",status=\"\(status)\"} \(requests[route]![status]!)\n"
            }
        }
        out += histogram("tally_web_request_duration_seconds", "Time from a request's arrival to its response.", requestLatency)
        out += histogram("tally_web_cache_roundtrip_seconds", "Time from sending a cache command to its reply.", cacheLatency)
        out += "# HELP tally_web_cache_errors_total Cache commands that failed (unavailable, timeout, error reply).\n"
        out += "# TYPE tally_web_cache_errors_total counter\ntally_web_cache_errors_total \(cacheErrors)\n"
        out += "# HELP tally_web_cache_reconnects_total Cache connections lost or refused, each followed by a retry.\n"
        out += "# TYPE tally_web_cache_reconnects_total counter\ntally_web_cache_reconnects_total \(reconnects)\n"
        out += "# HELP tally_web_cache_connected Whether a connection to the cache is up.\n"
        out += "# TYPE tally_web_cache_connected gauge\ntally_web_cache_connected \(connected ? 1 : 0)\n"
        return out
    }

    private func histogram(_ name: String, _ help: String, _ histogram: Histogram) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (index, bound) in Metrics.buckets.enumerated() {
            out += "\(name)_bucket{le=\"\(Metrics.format(bound))\"} \(histogram.counts[index])\n"
        }
        out += "\(name)_bucket{le=\"+Inf\"} \(histogram.total)\n"
        out += "\(name)_sum \(Metrics.format(histogram.sum))\n\(name)_count \(histogram.total)\n"
        return out
    }

    static func format(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
        return String(cString: buffer)
    }

    /// Seconds since a monotonic start in microseconds.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }
}
