/// Bounds on what one client request may make the server buffer.
package struct RequestLimits: Sendable {
    /// Longest inline line, or multibulk header line, buffered while waiting
    /// for its line end; Redis's `PROTO_INLINE_MAX_SIZE`.
    package var maxInlineLength: Int
    /// Largest bulk argument; Redis's `proto-max-bulk-len`.
    package var maxBulkLength: Int
    /// Most arguments in one multibulk request.
    package var maxElements: Int
    /// While a client has not authenticated, Redis accepts only small
    /// requests: at most 10 elements and bulks of at most 16 KiB.
    package var unauthenticated = false
    package static let unauthenticatedMaxElements = 10
    package static let unauthenticatedMaxBulkLength = 16 * 1024

    package init(
        maxInlineLength: Int = 64 * 1024,
        maxBulkLength: Int = 512 * 1024 * 1024,
        maxElements: Int = 1_048_576
    ) {
        self.maxInlineLength = maxInlineLength
        self.maxBulkLength = maxBulkLength
        self.maxElements = maxElements
    }
}
