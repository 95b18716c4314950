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
        guard bytes.count < 5 * 1024 else { return nil }
        #if arch(x86_64) || arch(i386)
        return wholeNumber(bytes) { strtold($0, $1) }
        #else
        return wholeNumber(bytes) { strtod($0, $1) }
        #endif
    }

    /// Parses like Redis's `string2d` (sorted-set scores and weights): the
    /// same rules as `parse`, in a `double`, with no length limit.
    package static func parseDouble(_ bytes: UnsafeRawBufferPointer) -> Double? {
        wholeNumber(bytes) { strtod($0, $1) }
    }

    /// Calls `body` with a NUL-terminated copy of `bytes`, the C string
    /// Redis's parsers see (so a NUL inside the argument ends it there).
    package static func withCString<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<CChar>) -> R) -> R {
        var buffer = [CChar](repeating: 0, count: bytes.count + 1)
        for index in 0..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
        return buffer.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// `convert` (strtod or strtold) over the whole of `bytes`: nil when it is
    /// empty, starts with a space, has anything after the number (a NUL
    /// inside ends the number early), overflows or underflows, or is NaN.
    private static func wholeNumber<F: BinaryFloatingPoint>(
        _ bytes: UnsafeRawBufferPointer,
        _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> F
    ) -> F? {
        guard let first = bytes.first, isspace(Int32(first)) == 0 else { return nil }
        return withCString(bytes) { text -> F? in
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = convert(text, &end)
            guard let end, end == UnsafeMutablePointer(mutating: text) + bytes.count else { return nil }
            if errno == ERANGE && (value.isInfinite || value == 0) { return nil }
            return value.isNaN ? nil : value
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
