/// A string value as stored: counters as INTEGER, everything else as bytes.
package enum StoredValue: Equatable, Sendable {
    case integer(Int64)
    case bytes([UInt8])

    /// The exact bytes a client `SET` (canonical integers print back identically).
    package var bytes: [UInt8] {
        switch self {
        case .integer(let value): return Array(String(value).utf8)
        case .bytes(let bytes): return bytes
        }
    }
}

/// A stored value read in place from a statement's current row: the bytes
/// are valid only during the call it is passed to. Long replies (LRANGE)
/// are written from it without copying each element.
package enum BorrowedValue {
    case integer(Int64)
    case bytes(UnsafeRawBufferPointer)
}

/// What a key holds, as Redis's `TYPE` names it.
package enum KeyType: String, Sendable {
    case string
    case hash
    case list
    case set
    case zset
}

/// A live key's row.
package struct Entry: Sendable {
    package var id: Int64
    package var type: KeyType
    package var value: StoredValue?
    package var expiresAt: Int64?
}

/// One database's counts, for INFO's Keyspace section.
package struct KeyspaceSummary: Sendable, Equatable {
    package var db: Int
    package var keys: Int
    package var expires: Int
    package var averageTTL: Int64
}
