@testable import RESP

/// How a test hands a byte stream to a decoder, as bytes would arrive from a socket.
enum Feed: CaseIterable, CustomStringConvertible, Sendable {
    /// Everything in one read.
    case whole
    /// One byte per read: every boundary inside every token is crossed.
    case byteByByte
    /// Reads of seven bytes, which fall at uneven places in headers and bodies.
    case sevens

    var chunkSize: Int? {
        switch self {
        case .whole: nil
        case .byteByByte: 1
        case .sevens: 7
        }
    }

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .sevens: "7-byte reads"
        }
    }

    /// `input` cut into the reads this feed makes.
    func chunks(_ input: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let size = chunkSize else { return [input[...]] }
        return stride(from: 0, to: input.count, by: size).map { input[$0..<min($0 + size, input.count)] }
    }
}

/// What a connection would make of a request stream.
struct ParsedRequests: Equatable {
    /// Every consumed command's arguments, including commands with none.
    var commands: [[[UInt8]]] = []
    /// Bytes left unconsumed at the end (an incomplete command).
    var leftover = 0

    /// The commands as UTF-8 text, for readable expectations.
    var strings: [[String]] {
        commands.map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }
}

/// Runs a `RequestParser` over `input` the way a connection does: buffer each
/// read, parse while whole commands are there, drop what was consumed.
func parseRequests(
    _ input: [UInt8],
    feed: Feed,
    limits: RequestLimits = RequestLimits()
) throws -> ParsedRequests {
    var parser = RequestParser(limits: limits)
    var arguments = Arguments()
    var buffer: [UInt8] = []
    var result = ParsedRequests()
    for chunk in feed.chunks(input) {
        buffer.append(contentsOf: chunk)
        while true {
            let consumed = try buffer.withUnsafeBytes { bytes in
                try parser.parse(bytes, into: &arguments)
            }
            guard let consumed else { break }
            result.commands.append((0..<arguments.count).map { Array(arguments[$0]) })
            buffer.removeFirst(consumed)
        }
    }
    result.leftover = buffer.count
    return result
}

/// `parseRequests` on a text stream.
func parseRequests(_ text: String, feed: Feed, limits: RequestLimits = RequestLimits()) throws -> ParsedRequests {
    try parseRequests(Array(text.utf8), feed: feed, limits: limits)
}

/// Runs a `ReplyParser` over `input` fed as `feed` reads; returns the values and the bytes left over.
func parseReplies(
    _ input: [UInt8],
    feed: Feed,
    parser: ReplyParser = ReplyParser()
) throws -> (values: [RESPValue], leftover: Int) {
    var parser = parser
    var buffer: [UInt8] = []
    var values: [RESPValue] = []
    for chunk in feed.chunks(input) {
        buffer.append(contentsOf: chunk)
        while true {
            let parsed = try buffer.withUnsafeBytes { bytes in try parser.parse(bytes) }
            guard let (value, consumed) = parsed else { break }
            values.append(value)
            buffer.removeFirst(consumed)
        }
    }
    return (values, buffer.count)
}

/// The UTF-8 of `text`, for byte expectations written as strings.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
