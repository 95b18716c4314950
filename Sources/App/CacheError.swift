/// Why a cache command got no usable reply.
package enum CacheError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No connection to the cache is up (it is down, or still connecting).
    case unavailable(String)
    /// The cache did not answer within the reply timeout.
    case timeout
    /// The cache answered with an error reply.
    case server(String)

    package var description: String {
        switch self {
        case .unavailable(let reason): return "cache unavailable: \(reason)"
        case .timeout: return "cache did not answer in time"
        case .server(let message): return "cache error: \(message)"
        }
    }
}
