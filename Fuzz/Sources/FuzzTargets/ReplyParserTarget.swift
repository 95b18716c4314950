import RESP

/// Fuzzes `ReplyParser` with the bytes a server could send on one connection.
///
/// Properties checked:
/// - whole input, and the same bytes arriving one at a time, give the same
///   values and the same error;
/// - each value consumes at least one byte and no more than it was given;
/// - each value encoded as RESP3 parses back to itself (up to what the
///   encoder deliberately changes: CR/LF in line types become spaces) and
///   consumes exactly the encoding; its RESP2 encoding parses too.
public func fuzzReplyParser(_ data: UnsafeRawBufferPointer) {
    let whole = ReplyStream.parseWhole(data)
    let incremental = ReplyStream.parseIncrementally(data)
    fuzzCheck(whole == incremental, "whole \(whole) != byte by byte \(incremental)")

    for value in whole.values {
        let expected = value.withLineBreaksAsSpaces
        guard let expected else { continue }
        for version in [ProtocolVersion.resp3, .resp2] {
            let encoded = value.encoded(version)
            let result = encoded.withUnsafeBytes { bytes in
                var parser = ReplyParser()
                return Result { () throws(ReplyParseError) -> (RESPValue, Int)? in try parser.parse(bytes) }
            }
            guard case .success(let parsed?) = result else {
                fuzzCheck(false, "\(version) encoding of \(value) did not parse: \(result)")
                return
            }
            fuzzCheck(parsed.1 == encoded.count, "\(version) encoding of \(value): consumed \(parsed.1) of \(encoded.count)")
            if version == .resp3 {
                fuzzCheck(parsed.0 == expected, "RESP3 encoding of \(value) parsed as \(parsed.0)")
            }
        }
    }
}

/// What a client makes of a reply stream: the values, and how it ended.
struct ReplyStream: Equatable, CustomStringConvertible {
    var values: [RESPValue] = []
    var error: ReplyParseError?

    var description: String { "\(values) then \(error.map { "\($0)" } ?? "end")" }

    static func parseWhole(_ data: UnsafeRawBufferPointer) -> ReplyStream {
        var parser = ReplyParser()
        var stream = ReplyStream()
        var offset = 0
        while offset < data.count {
            do {
                guard let (value, consumed) = try parser.parse(UnsafeRawBufferPointer(rebasing: data[offset...])) else { break }
                fuzzCheck(consumed > 0 && consumed <= data.count - offset, "consumed \(consumed) of \(data.count - offset)")
                stream.values.append(value)
                offset += consumed
            } catch {
                stream.error = error
                break
            }
        }
        return stream
    }

    static func parseIncrementally(_ data: UnsafeRawBufferPointer) -> ReplyStream {
        var parser = ReplyParser()
        var stream = ReplyStream()
        var offset = 0
        var end = 0
        while end < data.count {
            end += 1
            while offset < end {
                do {
                    guard let (value, consumed) = try parser.parse(UnsafeRawBufferPointer(rebasing: data[offset..<end])) else {
                        break
                    }
                    fuzzCheck(consumed > 0 && consumed <= end - offset, "consumed \(consumed) of \(end - offset)")
                    stream.values.append(value)
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

extension RESPValue {
    /// The value a RESP3 encoding of this one parses back to: CR and LF in
    /// simple strings, errors and big numbers become spaces, as `ReplyEncoder`
    /// writes them. Nil when the round trip is not defined: a verbatim
    /// format that is not three bytes of UTF-8 cannot be re-encoded as one.
    var withLineBreaksAsSpaces: RESPValue? {
        func spaced(_ text: String) -> String {
            String(decoding: text.utf8.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
        }
        func all(_ items: [RESPValue]) -> [RESPValue]? {
            var result: [RESPValue] = []
            for item in items {
                guard let converted = item.withLineBreaksAsSpaces else { return nil }
                result.append(converted)
            }
            return result
        }
        switch self {
        case .simpleString(let text): return .simpleString(spaced(text))
        case .error(let text): return .error(spaced(text))
        case .bigNumber(let text): return .bigNumber(spaced(text))
        case .verbatim(let format, _): return format.utf8.count == 3 ? self : nil
        case .array(let items): return all(items).map { .array($0) }
        case .set(let items): return all(items).map { .set($0) }
        case .push(let items): return all(items).map { .push($0) }
        case .map(let pairs):
            guard let keys = all(pairs.map(\.0)), let values = all(pairs.map(\.1)) else { return nil }
            return .map(Array(zip(keys, values)))
        case .integer, .bulkString, .null, .double, .boolean: return self
        }
    }
}
