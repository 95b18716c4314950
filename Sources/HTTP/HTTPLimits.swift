/// What a peer may send before it is refused, and with which status.
package struct HTTPLimits: Sendable {
    /// Request line (method, target, version): longer → 414.
    package var maxRequestLine = 8 * 1024
    /// All header lines together → 431, and the number of fields → 431.
    package var maxHeaderBytes = 32 * 1024
    package var maxHeaderCount = 100
    /// `Content-Length` above this → 413, refused before the body is read.
    package var maxBodyBytes = 1024 * 1024

    package init() {}
}
