/// A client request as a multibulk of bulk strings, the form every Redis client sends.
package func encodeCommand(_ args: [[UInt8]]) -> [UInt8] {
    var encoder = ReplyEncoder()
    encoder.arrayHeader(args.count)
    for argument in args { encoder.bulk(argument) }
    return encoder.bytes
}

/// A client request as a multibulk of the UTF-8 of `args`.
package func encodeCommand(_ args: String...) -> [UInt8] {
    encodeCommand(args)
}

/// A client request as a multibulk of the UTF-8 of `args`.
package func encodeCommand(_ args: [String]) -> [UInt8] {
    var encoder = ReplyEncoder()
    encoder.arrayHeader(args.count)
    for argument in args { encoder.bulk(argument) }
    return encoder.bytes
}
