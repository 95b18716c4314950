import Testing
@testable import Store

/// The rule that decides TEXT versus BLOB keys: well-formed UTF-8 only.
@Suite struct UTF8ValidationTests {
    private static func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { isValidUTF8($0) } }

    static let validSequences: [[UInt8]] = [
        [],
        Array("hits".utf8),
        [0x00],
        [0x7F],
        [0xC2, 0x80],                   // U+0080, the first two-byte scalar
        [0xC3, 0xA9],                   // é
        [0xDF, 0xBF],                   // U+07FF
        [0xE0, 0xA0, 0x80],             // U+0800, the first three-byte scalar
        [0xE2, 0x82, 0xAC],             // €
        [0xED, 0x9F, 0xBF],             // U+D7FF, just below the surrogates
        [0xEE, 0x80, 0x80],             // U+E000, just above them
        [0xEF, 0xBF, 0xBF],             // U+FFFF
        [0xEF, 0xBB, 0xBF],             // BOM
        [0xF0, 0x90, 0x80, 0x80],       // U+10000, the first four-byte scalar
        [0xF0, 0x9F, 0x98, 0x80],       // 😀
        [0xF4, 0x8F, 0xBF, 0xBF],       // U+10FFFF, the last scalar
        Array("naïve café 😀 €".utf8),
    ]

    static let invalidSequences: [[UInt8]] = [
        [0x80],                         // a lone continuation byte
        [0xBF],
        [0x61, 0x80, 0x62],
        [0xC0, 0x80],                   // overlong NUL
        [0xC1, 0xBF],                   // overlong U+007F
        [0xE0, 0x80, 0x80],             // overlong NUL in three bytes
        [0xE0, 0x9F, 0xBF],             // overlong U+07FF
        [0xF0, 0x80, 0x80, 0x80],       // overlong NUL in four bytes
        [0xF0, 0x8F, 0xBF, 0xBF],       // overlong U+FFFF
        [0xED, 0xA0, 0x80],             // U+D800, a high surrogate
        [0xED, 0xBF, 0xBF],             // U+DFFF, a low surrogate
        [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80], // a CESU-8 surrogate pair
        [0xF4, 0x90, 0x80, 0x80],       // U+110000
        [0xF5, 0x80, 0x80, 0x80],
        [0xF7, 0xBF, 0xBF, 0xBF],
        [0xF8, 0x88, 0x80, 0x80, 0x80], // five-byte form
        [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80],
        [0xFE], [0xFF],
        [0xC3],                         // truncated two-byte
        [0x61, 0xC3],
        [0xE2, 0x82],                   // truncated three-byte
        [0xE2],
        [0xF0, 0x9F, 0x98],             // truncated four-byte
        [0xF0, 0x9F],
        [0xF0],
        [0xC3, 0x41],                   // continuation replaced by ASCII
        [0xE2, 0x41, 0xAC],
        [0xE2, 0x82, 0x41],
        [0xF0, 0x9F, 0x41, 0x80],
        [0xF0, 0x9F, 0x98, 0x41],
        [0xE2, 0x82, 0xC3, 0xA9],       // a new lead byte where a continuation belongs
    ]

    @Test(arguments: validSequences)
    func acceptsWellFormedUTF8(bytes: [UInt8]) {
        #expect(Self.valid(bytes))
        #expect(String(validating: bytes, as: UTF8.self) != nil)
    }

    @Test(arguments: invalidSequences)
    func refusesMalformedUTF8(bytes: [UInt8]) {
        #expect(!Self.valid(bytes))
        #expect(String(validating: bytes, as: UTF8.self) == nil)
    }

    @Test func agreesWithTheStandardLibraryOnEveryTwoByteInput() {
        var disagreements: [[UInt8]] = []
        for first in 0...255 {
            for second in 0...255 {
                let bytes = [UInt8(first), UInt8(second)]
                if Self.valid(bytes) != (String(validating: bytes, as: UTF8.self) != nil) { disagreements.append(bytes) }
            }
        }
        #expect(disagreements.isEmpty)
    }

    @Test func agreesWithTheStandardLibraryOnThreeAndFourByteLeads() {
        // Every lead from 0xE0 through 0xFF with every second byte and two fixed tails.
        var disagreements: [[UInt8]] = []
        for lead in 0xE0...0xFF {
            for second in 0...255 {
                for tail: [UInt8] in [[0x80], [0xBF, 0x80], [0x41, 0x80], [0x80, 0xBF]] {
                    let bytes = [UInt8(lead), UInt8(second)] + tail
                    if Self.valid(bytes) != (String(validating: bytes, as: UTF8.self) != nil) { disagreements.append(bytes) }
                }
            }
        }
        #expect(disagreements.isEmpty)
    }
}
