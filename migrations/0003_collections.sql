-- Lists, sets and sorted sets: one row per element under the key's row in
-- `keyspace` (type 'list', 'set' or 'zset'), as hashes keep their fields.
-- Elements follow the existing rules, so `sqlite3` shows them readably:
-- list values as INTEGER when a canonical int64, else BLOB (the string
-- rule); set and sorted-set members as TEXT when valid UTF-8, else BLOB
-- (the key rule), scores as REAL.
--
-- `id` is the SSCAN/ZSCAN cursor, for the same reason as keyspace.id.

-- A list's order is `position`: LPUSH takes one below the lowest, RPUSH one
-- above the highest, LINSERT shifts the tail up by one. Positions are only
-- an order, not the index; the `lists` view numbers them from 0.
CREATE TABLE list_items (
    id       INTEGER PRIMARY KEY,
    key_id   INTEGER NOT NULL,
    position INTEGER NOT NULL,
    value    ANY NOT NULL
) STRICT;
-- Not UNIQUE: LINSERT's shift (`position = position + 1`) would trip a
-- unique check row by row in the middle of the update.
CREATE INDEX list_items_order ON list_items (key_id, position);

CREATE TABLE set_members (
    id     INTEGER PRIMARY KEY,
    key_id INTEGER NOT NULL,
    member ANY NOT NULL CHECK (typeof(member) IN ('text', 'blob')),
    UNIQUE (key_id, member)
) STRICT;

-- Sorted by score, then member bytes as Redis compares them (memcmp): the
-- CAST makes TEXT and BLOB members compare as bytes, and the expression
-- index serves ranges, ranks and pops in that order.
CREATE TABLE zset_members (
    id     INTEGER PRIMARY KEY,
    key_id INTEGER NOT NULL,
    member ANY NOT NULL CHECK (typeof(member) IN ('text', 'blob')),
    score  REAL NOT NULL,
    UNIQUE (key_id, member)
) STRICT;
CREATE INDEX zset_members_order ON zset_members (key_id, score, CAST(member AS BLOB));

-- Elements go with their key, whoever deletes it or changes its type (the
-- sweep, DEL, SET over a list, or a sqlite3 shell): triggers hold for every
-- writer, foreign keys only for connections that turned them on.
CREATE TRIGGER keyspace_delete_list_items AFTER DELETE ON keyspace
WHEN old.type = 'list'
BEGIN
    DELETE FROM list_items WHERE key_id = old.id;
END;

CREATE TRIGGER keyspace_retype_list_items AFTER UPDATE OF type ON keyspace
WHEN old.type = 'list' AND new.type <> 'list'
BEGIN
    DELETE FROM list_items WHERE key_id = old.id;
END;

CREATE TRIGGER keyspace_delete_set_members AFTER DELETE ON keyspace
WHEN old.type = 'set'
BEGIN
    DELETE FROM set_members WHERE key_id = old.id;
END;

CREATE TRIGGER keyspace_retype_set_members AFTER UPDATE OF type ON keyspace
WHEN old.type = 'set' AND new.type <> 'set'
BEGIN
    DELETE FROM set_members WHERE key_id = old.id;
END;

CREATE TRIGGER keyspace_delete_zset_members AFTER DELETE ON keyspace
WHEN old.type = 'zset'
BEGIN
    DELETE FROM zset_members WHERE key_id = old.id;
END;

CREATE TRIGGER keyspace_retype_zset_members AFTER UPDATE OF type ON keyspace
WHEN old.type = 'zset' AND new.type <> 'zset'
BEGIN
    DELETE FROM zset_members WHERE key_id = old.id;
END;

-- Live lists, sets and sorted sets of database 0, for people:
--   sqlite3 data/tally.db "select * from lists where key='recent'"
CREATE VIEW lists (key, idx, value) AS
    SELECT k.key, row_number() OVER (PARTITION BY k.id ORDER BY i.position) - 1, i.value
    FROM keyspace AS k JOIN list_items AS i ON i.key_id = k.id
    WHERE k.db = 0
      AND k.type = 'list'
      AND (k.expires_at IS NULL
           OR k.expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

CREATE VIEW sets (key, member) AS
    SELECT k.key, m.member
    FROM keyspace AS k JOIN set_members AS m ON m.key_id = k.id
    WHERE k.db = 0
      AND k.type = 'set'
      AND (k.expires_at IS NULL
           OR k.expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

CREATE VIEW zsets (key, member, score) AS
    SELECT k.key, m.member, m.score
    FROM keyspace AS k JOIN zset_members AS m ON m.key_id = k.id
    WHERE k.db = 0
      AND k.type = 'zset'
      AND (k.expires_at IS NULL
           OR k.expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
