/// Appends RESP replies to a byte buffer in the connection's protocol.
///
/// RESP3-only types fall back the way Redis's `addReply*` functions do for a
/// RESP2 client: maps become flat arrays, doubles bulk strings, booleans 1/0.
package struct ReplyEncoder: Sendable {
    package var bytes: [UInt8] = []
    package var protocolVersion: ProtocolVersion

    package init(protocolVersion: ProtocolVersion = .resp2) {
        self.protocolVersion = protocolVersion
    }

    /// Empties the buffer but keeps its capacity, after the bytes were written out.
    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends bytes that are already RESP.
    package mutating func append(raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    /// `+s`; a CR or LF in `s` becomes a space so it cannot end the line early.
    package mutating func simpleString(_ s: String) {
        bytes.append(UInt8(ascii: "+"))
        appendLine(s)
    }

    /// `-message`, where `message` starts with its code (`ERR `, `WRONGTYPE `…).
    ///
    /// Like Redis's `addReplyErrorFormat`, CR and LF become spaces: "Make sure
    /// there are no newlines in the string, otherwise invalid protocol is emitted."
    package mutating func error(_ message: String) {
        bytes.append(UInt8(ascii: "-"))
        appendLine(message)
    }

    /// `-message` from raw bytes, for errors that quote a client's bytes exactly.
    package mutating func error(bytes message: [UInt8]) {
        bytes.append(UInt8(ascii: "-"))
        let start = bytes.count
        bytes.append(contentsOf: message)
        for index in start..<bytes.count where bytes[index] == ASCII.cr || bytes[index] == ASCII.lf {
            bytes[index] = ASCII.space
        }
        appendCRLF()
    }

    /// `:v`
    package mutating func integer(_ v: Int64) {
        appendHeader(UInt8(ascii: ":"), v)
    }

    /// `$len` and the bytes.
    package mutating func bulk<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        appendHeader(ASCII.dollar, Int64(bytes.count))
        self.bytes.append(contentsOf: bytes)
        appendCRLF()
    }

    /// `$len` and the UTF-8 of `s`.
    package mutating func bulk(_ s: String) {
        bulk(s.utf8)
    }

    /// `$len` and the bytes.
    package mutating func bulk(_ bytes: UnsafeRawBufferPointer) {
        appendHeader(ASCII.dollar, Int64(bytes.count))
        self.bytes.append(contentsOf: bytes)
        appendCRLF()
    }

    /// A missing value: RESP2 `$-1`, RESP3 `_`.
    package mutating func null() {
        appendNull(ASCII.dollar)
    }

    /// A missing aggregate: RESP2 `*-1`, RESP3 `_`.
    package mutating func nullArray() {
        appendNull(ASCII.asterisk)
    }

    /// `*count`; the elements follow.
    package mutating func arrayHeader(_ count: Int) {
        appendHeader(ASCII.asterisk, Int64(count))
    }

    /// RESP3 `%count`, RESP2 `*2count`; `count` key-value pairs follow.
    package mutating func mapHeader(_ count: Int) {
        if protocolVersion == .resp3 {
            appendHeader(UInt8(ascii: "%"), Int64(count))
        } else {
            appendHeader(ASCII.asterisk, Int64(count) * 2)
        }
    }

    /// RESP3 `~count`, RESP2 `*count`.
    package mutating func setHeader(_ count: Int) {
        appendHeader(protocolVersion == .resp3 ? UInt8(ascii: "~") : ASCII.asterisk, Int64(count))
    }

    /// RESP3 `>count`, RESP2 `*count` (how pub/sub messages reach a RESP2 client).
    package mutating func pushHeader(_ count: Int) {
        appendHeader(protocolVersion == .resp3 ? UInt8(ascii: ">") : ASCII.asterisk, Int64(count))
    }

    /// RESP3 `,v`, RESP2 a bulk string, with Redis 7.0's `%.17g` digits (`1.1000000000000001`).
    package mutating func double(_ v: Double) {
        if protocolVersion == .resp3 {
            bytes.append(UInt8(ascii: ","))
            DoubleFormatter.withG17(v) { bytes.append(contentsOf: $0) }
            appendCRLF()
            return
        }
        DoubleFormatter.withG17(v) { text in
            appendHeader(ASCII.dollar, Int64(text.count))
            bytes.append(contentsOf: text)
        }
        appendCRLF()
    }

    /// RESP3 `#t`/`#f`, RESP2 `:1`/`:0`.
    package mutating func boolean(_ v: Bool) {
        if protocolVersion == .resp3 {
            bytes.append(contentsOf: v ? [UInt8(ascii: "#"), UInt8(ascii: "t")] : [UInt8(ascii: "#"), UInt8(ascii: "f")])
            appendCRLF()
        } else {
            integer(v ? 1 : 0)
        }
    }

    /// RESP3 `=len` with `format:text` (format is three bytes, e.g. `txt`), RESP2 a bulk of `text`.
    package mutating func verbatim(_ text: String, format: String = "txt") {
        verbatim(bytes: text.utf8, format: format)
    }

    /// RESP3 `=len` with `format:text`, RESP2 a bulk of `text`.
    package mutating func verbatim<C: Collection>(bytes text: C, format: String = "txt") where C.Element == UInt8 {
        guard protocolVersion == .resp3 else {
            bulk(text)
            return
        }
        let formatBytes = format.utf8
        appendHeader(UInt8(ascii: "="), Int64(formatBytes.count + 1 + text.count))
        bytes.append(contentsOf: formatBytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: text)
        appendCRLF()
    }

    /// RESP3 `(digits`, RESP2 a bulk of the digits.
    package mutating func bigNumber(_ digits: String) {
        if protocolVersion == .resp3 {
            bytes.append(UInt8(ascii: "("))
            appendLine(digits)
        } else {
            bulk(digits)
        }
    }

    @inline(__always)
    private mutating func appendCRLF() {
        bytes.append(ASCII.cr)
        bytes.append(ASCII.lf)
    }

    /// `prefix`, the decimal `value`, CRLF: every length, count and integer line.
    @inline(__always)
    private mutating func appendHeader(_ prefix: UInt8, _ value: Int64) {
        bytes.append(prefix)
        DecimalInteger.append(value, to: &bytes)
        appendCRLF()
    }

    private mutating func appendNull(_ resp2Prefix: UInt8) {
        if protocolVersion == .resp3 {
            bytes.append(UInt8(ascii: "_"))
        } else {
            bytes.append(resp2Prefix)
            bytes.append(ASCII.minus)
            bytes.append(UInt8(ascii: "1"))
        }
        appendCRLF()
    }

    /// `text` with CR and LF turned into spaces, then CRLF.
    private mutating func appendLine(_ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        for index in start..<bytes.count where bytes[index] == ASCII.cr || bytes[index] == ASCII.lf {
            bytes[index] = ASCII.space
        }
        appendCRLF()
    }
}
