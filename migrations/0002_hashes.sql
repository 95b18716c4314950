-- Hashes: one row per field, under the key's row in `keyspace` (type 'hash').
-- `field` follows the key rule (TEXT when valid UTF-8, else BLOB) and `value`
-- the value rule (INTEGER when a canonical int64, else BLOB), so
--   sqlite3 data/tally.db "select * from hashes where key='pages'"
-- shows per-page counters as numbers.
--
-- `id` is the HSCAN cursor, for the same reason as keyspace.id.
CREATE TABLE hash_fields (
    id     INTEGER PRIMARY KEY,
    key_id INTEGER NOT NULL,
    field  ANY NOT NULL CHECK (typeof(field) IN ('text', 'blob')),
    value  ANY NOT NULL,
    UNIQUE (key_id, field)
) STRICT;

-- Triggers, not foreign keys: they hold for every writer, including a
-- sqlite3 shell that never turned `PRAGMA foreign_keys` on.
CREATE TRIGGER keyspace_delete_hash_fields AFTER DELETE ON keyspace
WHEN old.type = 'hash'
BEGIN
    DELETE FROM hash_fields WHERE key_id = old.id;
END;

CREATE TRIGGER keyspace_retype_hash_fields AFTER UPDATE OF type ON keyspace
WHEN old.type = 'hash' AND new.type <> 'hash'
BEGIN
    DELETE FROM hash_fields WHERE key_id = old.id;
END;

-- Live hashes of database 0, one row per field.
CREATE VIEW hashes (key, field, value) AS
    SELECT k.key, f.field, f.value
    FROM keyspace AS k JOIN hash_fields AS f ON f.key_id = k.id
    WHERE k.db = 0
      AND k.type = 'hash'
      AND (k.expires_at IS NULL
           OR k.expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
