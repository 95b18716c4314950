import EventLoop
import RESP
import Store

/// A key a client WATCHes: database and exact key bytes.
struct WatchedKey: Hashable {
    var db: Int
    var key: [UInt8]
}

/// WATCH bookkeeping, as Redis's multi.c: a write to a watched key by any
/// client, a FLUSHDB/FLUSHALL of its database, or the key expiring after
/// WATCH makes the watcher's EXEC answer null.
///
/// Writes made outside the server (with `sqlite3`) are not seen by WATCH.
extension Server {
    func watch(_ key: WatchedKey, for client: Client, isLive: Bool) {
        guard client.watched[key] == nil else { return }
        client.watched[key] = isLive
        watchers[key, default: []].append(client)
        installWatchHooks()
    }

    func unwatchAll(_ client: Client) {
        for key in client.watched.keys {
            watchers[key]?.removeAll { $0 === client }
            if watchers[key]?.isEmpty == true { watchers[key] = nil }
        }
        client.watched.removeAll()
        client.watchDirty = false
        installWatchHooks()
    }

    /// Hooks the keyspace only while someone watches, so unwatched writes
    /// pay nothing.
    private func installWatchHooks() {
        if watchers.isEmpty {
            keyspace.onKeyModified = nil
            keyspace.onFlush = nil
            return
        }
        guard keyspace.onKeyModified == nil else { return }
        keyspace.onKeyModified = { [unowned self] db, key in
            guard let clients = watchers[WatchedKey(db: db, key: Array(key))] else { return }
            for client in clients { client.watchDirty = true }
        }
        keyspace.onFlush = { [unowned self] db in
            // As Redis's touchAllWatchedKeysInDb: only keys that exist when
            // their database is emptied fail their watchers' EXEC.
            let now = EventLoop.wallClockMilliseconds()
            for (key, clients) in watchers where db == nil || key.db == db {
                let exists = key.key.withUnsafeBytes { bytes in
                    (try? keyspace.lookup(db: key.db, key: bytes, now: now)) != nil
                }
                if exists { for client in clients { client.watchDirty = true } }
            }
        }
    }

    /// True when EXEC must abort: a watched key changed or expired since WATCH.
    func watchedKeysChanged(for client: Client, now: Int64) throws(RedisError) -> Bool {
        if client.watchDirty { return true }
        for (key, wasLive) in client.watched where wasLive {
            let live = try key.key.withUnsafeBytes { bytes in
                Result { () throws(RedisError) in try keyspace.lookup(db: key.db, key: bytes, now: now) != nil }
            }.get()
            if !live { return true }
        }
        return false
    }
}
