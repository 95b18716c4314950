/// The RESP version a connection speaks, chosen with `HELLO`.
package enum ProtocolVersion: Int, Sendable {
    case resp2 = 2
    case resp3 = 3
}
