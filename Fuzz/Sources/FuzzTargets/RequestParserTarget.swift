import RESP

/// Fuzzes `RequestParser` with the bytes a client could send on one connection.
///
/// Properties checked:
/// - whole input, and the same bytes arriving one at a time (the parser
///   resuming as documented), give the same commands and the same error;
/// - every parsed command is at least one byte and within the input;
/// - each command's arguments, re-sent as a multibulk, parse back to
///   themselves and consume exactly that multibulk;
/// - with small limits (and as an unauthenticated client) nothing traps.
public func fuzzRequestParser(_ data: UnsafeRawBufferPointer) {
    let whole = RequestStream.parseWhole(data, limits: RequestLimits())
    let incremental = RequestStream.parseIncrementally(data, limits: RequestLimits())
    fuzzCheck(whole == incremental, "whole \(whole) != byte by byte \(incremental)")

    var roundTrip = RequestParser()
    var reparsed = Arguments()
    for command in whole.commands where !command.isEmpty {
        let encoded = encodeCommand((0..<command.count).map { Array(command[$0]) })
        let consumed = encoded.withUnsafeBytes { bytes in
            Result { () throws(ProtocolError) -> Int? in try roundTrip.parse(bytes, into: &reparsed) }
        }
        fuzzCheck(consumed == .success(encoded.count), "re-encoded \(command) consumed \(consumed) of \(encoded.count)")
        fuzzCheck(reparsed == command, "re-encoded \(command) parsed as \(reparsed)")
    }

    // Limits small enough for a short input to reach every "too big" path.
    var small = RequestLimits(maxInlineLength: 48, maxBulkLength: 64, maxElements: 12)
    small.unauthenticated = data.count % 2 == 1
    _ = RequestStream.parseWhole(data, limits: small)
    _ = RequestStream.parseIncrementally(data, limits: small)
}

/// What a connection makes of a byte stream: the commands, and how it ended.
struct RequestStream: Equatable, CustomStringConvertible {
    var commands: [Arguments] = []
    /// The protocol error that ended the stream, nil when it ended incomplete or exactly.
    var error: ProtocolError?

    var description: String { "\(commands) then \(error.map { "\($0)" } ?? "end")" }

    /// Parses commands from the start until the input is used up, incomplete or malformed.
    static func parseWhole(_ data: UnsafeRawBufferPointer, limits: RequestLimits) -> RequestStream {
        var parser = RequestParser(limits: limits)
        var stream = RequestStream()
        var arguments = Arguments()
        var offset = 0
        while offset < data.count {
            do {
                guard let consumed = try parser.parse(UnsafeRawBufferPointer(rebasing: data[offset...]), into: &arguments) else {
                    break
                }
                fuzzCheck(consumed > 0 && consumed <= data.count - offset, "consumed \(consumed) of \(data.count - offset)")
                stream.commands.append(arguments)
                offset += consumed
            } catch {
                stream.error = error
                break
            }
        }
        return stream
    }

    /// Parses as a connection receiving one byte per read: after nil the
    /// same unconsumed bytes are passed again with one more appended.
    static func parseIncrementally(_ data: UnsafeRawBufferPointer, limits: RequestLimits) -> RequestStream {
        var parser = RequestParser(limits: limits)
        var stream = RequestStream()
        var arguments = Arguments()
        var offset = 0
        var end = 0
        while end < data.count {
            end += 1
            while offset < end {
                do {
                    guard let consumed = try parser.parse(UnsafeRawBufferPointer(rebasing: data[offset..<end]), into: &arguments) else {
                        break
                    }
                    fuzzCheck(consumed > 0 && consumed <= end - offset, "consumed \(consumed) of \(end - offset)")
                    stream.commands.append(arguments)
                    offset += consumed
                } catch {
                    stream.error = error
                    return stream
                }
            }
        }
        return stream
    }
}
