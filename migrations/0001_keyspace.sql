-- Tally's keyspace: one row per key, readable with the sqlite3 shell.
--
-- `key` is TEXT when the key is valid UTF-8 and BLOB otherwise; `value` is
-- INTEGER when it is the canonical decimal form of a 64-bit integer and BLOB
-- otherwise. STRICT with ANY keeps each value exactly as bound (a non-strict
-- ANY column would have NUMERIC affinity and turn the text '01' into 1).
--
-- `id` is the SCAN cursor: rows keep their id when overwritten, so a cursor
-- walk in id order returns every key present for the whole iteration.
CREATE TABLE keyspace (
    id         INTEGER PRIMARY KEY,
    db         INTEGER NOT NULL CHECK (db >= 0),
    key        ANY NOT NULL CHECK (typeof(key) IN ('text', 'blob')),
    type       TEXT NOT NULL DEFAULT 'string',
    value      ANY,
    expires_at INTEGER,            -- Unix time in milliseconds; NULL: no expiry
    UNIQUE (db, key)
) STRICT;

-- The sweep and the expiry counts read only keys that have a deadline.
CREATE INDEX keyspace_expiry ON keyspace (expires_at) WHERE expires_at IS NOT NULL;

-- Live integer counters of database 0, for people and scripts:
--   sqlite3 data/tally.db "select value from counters where key='hits'"
CREATE VIEW counters (key, value, expires_at) AS
    SELECT key, value, expires_at
    FROM keyspace
    WHERE db = 0
      AND type = 'string'
      AND typeof(value) = 'integer'
      AND (expires_at IS NULL
           OR expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

-- Every live key of every database, expiry shown as UTC time.
CREATE VIEW keys_readable (db, key, type, value, expires_at_utc) AS
    SELECT db, key, type, value,
           CASE WHEN expires_at IS NULL THEN NULL
                ELSE strftime('%Y-%m-%d %H:%M:%f', expires_at / 1000.0, 'unixepoch') END
    FROM keyspace
    WHERE expires_at IS NULL
       OR expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);

-- Marks the file as Tally's ('TALY'), so another application's database is refused.
PRAGMA application_id = 1413565529;
