/// Byte values the RESP grammar is made of.
enum ASCII {
    static let nul: UInt8 = 0
    static let tab: UInt8 = 9
    static let lf: UInt8 = 10
    static let vtab: UInt8 = 11
    static let formFeed: UInt8 = 12
    static let cr: UInt8 = 13
    static let space: UInt8 = 32
    static let doubleQuote: UInt8 = UInt8(ascii: "\"")
    static let singleQuote: UInt8 = UInt8(ascii: "'")
    static let backslash: UInt8 = UInt8(ascii: "\\")
    static let minus: UInt8 = UInt8(ascii: "-")
    static let plus: UInt8 = UInt8(ascii: "+")
    static let zero: UInt8 = UInt8(ascii: "0")
    static let nine: UInt8 = UInt8(ascii: "9")
    static let dollar: UInt8 = UInt8(ascii: "$")
    static let asterisk: UInt8 = UInt8(ascii: "*")

    /// C's `isspace` in the "C" locale, which `sdssplitargs` uses between arguments.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == space || (byte >= tab && byte <= cr)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= zero && byte <= nine
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case zero...nine: byte - zero
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
