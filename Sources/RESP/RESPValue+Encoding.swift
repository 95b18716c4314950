extension RESPValue {
    /// The value as RESP in `version`, for tests and the client.
    ///
    /// RESP3 types degrade for RESP2 as the server's replies do (see
    /// `ReplyEncoder`), so only a RESP3 encoding parses back to an equal value.
    package func encoded(_ version: ProtocolVersion) -> [UInt8] {
        var encoder = ReplyEncoder(protocolVersion: version)
        encode(into: &encoder)
        return encoder.bytes
    }

    /// Appends the value to `encoder` in its protocol version.
    package func encode(into encoder: inout ReplyEncoder) {
        switch self {
        case .simpleString(let text): encoder.simpleString(text)
        case .error(let text): encoder.error(text)
        case .integer(let value): encoder.integer(value)
        case .bulkString(let bytes): encoder.bulk(bytes)
        case .null: encoder.null()
        case .array(let items):
            encoder.arrayHeader(items.count)
            for item in items { item.encode(into: &encoder) }
        case .map(let pairs):
            encoder.mapHeader(pairs.count)
            for (key, value) in pairs {
                key.encode(into: &encoder)
                value.encode(into: &encoder)
            }
        case .set(let items):
            encoder.setHeader(items.count)
            for item in items { item.encode(into: &encoder) }
        case .double(let value): encoder.double(value)
        case .boolean(let value): encoder.boolean(value)
        case .verbatim(let format, let text): encoder.verbatim(bytes: text, format: format)
        case .bigNumber(let digits): encoder.bigNumber(digits)
        case .push(let items):
            encoder.pushHeader(items.count)
            for item in items { item.encode(into: &encoder) }
        }
    }
}
