#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// INCRBYFLOAT's arithmetic: Redis computes in a C `long double` and prints
/// it with `%.17Lf`, trailing zeros dropped (`ld2string`, LD_STR_HUMAN).
package enum RedisFloat {
    #if arch(x86_64) || arch(i386)
    package typealias LongDouble = Float80
    #else
    package typealias LongDouble = Double
    #endif

    /// Parses like Redis's `string2ld`: `strtold` over the whole text, no
    /// leading space, no NaN, no overflow to infinity from a finite text.
    package static func parse(_ bytes: UnsafeRawBufferPointer) -> LongDouble? {
        // MAX_LONG_DOUBLE_CHARS is 5 KiB in Redis.
        guard bytes.count > 0, bytes.count < 5 * 1024 else { return nil }
        var buffer = [CChar](repeating: 0, count: bytes.count + 1)
        for index in 0..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
        if isspace(Int32(buffer[0])) != 0 { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> LongDouble? in
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            #if arch(x86_64) || arch(i386)
            let value = strtold(pointer.baseAddress!, &end)
            #else
            let value = strtod(pointer.baseAddress!, &end)
            #endif
            // The whole text must be the number: a NUL inside it ends strtold early.
            guard let end, end == pointer.baseAddress! + bytes.count else { return nil }
            if errno == ERANGE && (value.isInfinite || value == 0) { return nil }
            if value.isNaN { return nil }
            return value
        }
    }

    /// Formats as `%.17Lf` with trailing zeros (and a bare `.`) removed, and
    /// `-0` written as `0`.
    package static func format(_ value: LongDouble) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 5 * 1024)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress, pointer.count, "%.17Lf", $0) }
        }
        var length = Int(min(max(written, 0), Int32(buffer.count - 1)))
        var bytes = buffer[0..<length].map { UInt8(bitPattern: $0) }
        if bytes.contains(UInt8(ascii: ".")) {
            while length > 0 && bytes[length - 1] == UInt8(ascii: "0") { length -= 1 }
            if length > 0 && bytes[length - 1] == UInt8(ascii: ".") { length -= 1 }
            bytes.removeLast(bytes.count - length)
        }
        if bytes == [UInt8(ascii: "-"), UInt8(ascii: "0")] { bytes = [UInt8(ascii: "0")] }
        return bytes
    }
}
