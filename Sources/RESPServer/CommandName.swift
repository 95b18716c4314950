/// A command name folded to lowercase and packed into 24 bytes, so that
/// looking a command up allocates nothing. Longer names never match.
struct CommandName: Hashable, Sendable {
    private var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0
    private var length: UInt8 = 0

    static let capacity = 24

    init<C: Collection<UInt8>>(_ bytes: C) {
        guard bytes.count <= CommandName.capacity else {
            length = UInt8.max
            return
        }
        length = UInt8(bytes.count)
        var index = 0
        for byte in bytes {
            let lower = (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
            let shifted = UInt64(lower) << UInt64((index % 8) * 8)
            switch index / 8 {
            case 0: a |= shifted
            case 1: b |= shifted
            default: c |= shifted
            }
            index += 1
        }
    }

    init(_ name: String) { self.init(Array(name.utf8)) }

    var isTooLong: Bool { length == UInt8.max }
}
