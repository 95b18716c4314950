import RESP
import Store

/// Everything one command's handler needs: the server, the calling client,
/// its arguments and the command's clock.
package struct CommandContext {
    package let server: Server
    package let client: Client
    package let arguments: Arguments
    package let spec: CommandSpec
    /// Unix ms, read once per command as Redis does, so a command sees one time.
    package let now: Int64

    package var keyspace: Keyspace { server.keyspace }
    package var db: Int { client.db }
    package var count: Int { arguments.count }

    /// Calls `body` with argument `index`'s bytes (a key or value).
    package func with<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arguments.withBytes(index, body)
    }

    /// Argument `index` as Redis's `string2ll` reads it.
    package func integer(_ index: Int) throws(RedisError) -> Int64 {
        guard let value = arguments.withBytes(index, { RedisInteger.parse($0) }) else { throw .notInteger }
        return value
    }

    /// True when argument `index` is `option`, in any case (`option` is lowercase).
    /// Argument `index` as an integer within `range`, with Redis's
    /// `getRangeLongFromObjectOrReply` errors (or `message` for both cases).
    package func integer(_ index: Int, in range: ClosedRange<Int64>, message: String? = nil) throws(RedisError) -> Int64 {
        guard let value = arguments.withBytes(index, { RedisInteger.parse($0) }) else {
            throw message.map { RedisError.custom("ERR \($0)") } ?? .notInteger
        }
        guard range.contains(value) else {
            throw .custom("ERR " + (message ?? "value is out of range, value must between \(range.lowerBound) and \(range.upperBound)"))
        }
        return value
    }

    package func isOption(_ index: Int, _ option: StaticString) -> Bool {
        arguments.equalsIgnoringASCIICase(index, option)
    }

    package func string(_ index: Int) -> String { arguments.string(index) }

    package func bytes(_ index: Int) -> [UInt8] { Array(arguments[index]) }
}
