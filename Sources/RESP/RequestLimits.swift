/// Bounds on what one client request may make the server buffer.
package struct RequestLimits: Sendable {
    /// Longest inline line, or multibulk header line, buffered while waiting
    /// for its line end; Redis's `PROTO_INLINE_MAX_SIZE`.
    package var maxInlineLength: Int
    /// Largest bulk argument; Redis's `proto-max-bulk-len`.
    package var maxBulkLength: Int
    /// Most arguments in one multibulk request.
    package var maxElements: Int

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
