-- The number of elements of each hash, list, set and sorted set, kept in its
-- keyspace row so that HLEN, LLEN, SCARD, ZCARD, the length LPUSH answers
-- and the index arithmetic of LRANGE, LINDEX and ZRANGE read one row rather
-- than count every element (which made a 50,000-element list's LPUSH cost
-- milliseconds). NULL for strings.
--
-- Triggers keep it, so it holds for every writer, a sqlite3 shell included:
--   sqlite3 data/tally.db "select key, type, length from keyspace where type <> 'string'"
ALTER TABLE keyspace ADD COLUMN length INTEGER;

UPDATE keyspace SET length = (SELECT count(*) FROM hash_fields WHERE key_id = keyspace.id) WHERE type = 'hash';
UPDATE keyspace SET length = (SELECT count(*) FROM list_items WHERE key_id = keyspace.id) WHERE type = 'list';
UPDATE keyspace SET length = (SELECT count(*) FROM set_members WHERE key_id = keyspace.id) WHERE type = 'set';
UPDATE keyspace SET length = (SELECT count(*) FROM zset_members WHERE key_id = keyspace.id) WHERE type = 'zset';

-- The type condition leaves alone a row whose type changed (SET over a
-- list): its elements are being deleted by the retype trigger of 0003.
CREATE TRIGGER hash_fields_length_insert AFTER INSERT ON hash_fields
BEGIN
    UPDATE keyspace SET length = coalesce(length, 0) + 1 WHERE id = new.key_id AND type = 'hash';
END;

CREATE TRIGGER hash_fields_length_delete AFTER DELETE ON hash_fields
BEGIN
    UPDATE keyspace SET length = length - 1 WHERE id = old.key_id AND type = 'hash';
END;

CREATE TRIGGER list_items_length_insert AFTER INSERT ON list_items
BEGIN
    UPDATE keyspace SET length = coalesce(length, 0) + 1 WHERE id = new.key_id AND type = 'list';
END;

CREATE TRIGGER list_items_length_delete AFTER DELETE ON list_items
BEGIN
    UPDATE keyspace SET length = length - 1 WHERE id = old.key_id AND type = 'list';
END;

CREATE TRIGGER set_members_length_insert AFTER INSERT ON set_members
BEGIN
    UPDATE keyspace SET length = coalesce(length, 0) + 1 WHERE id = new.key_id AND type = 'set';
END;

CREATE TRIGGER set_members_length_delete AFTER DELETE ON set_members
BEGIN
    UPDATE keyspace SET length = length - 1 WHERE id = old.key_id AND type = 'set';
END;

CREATE TRIGGER zset_members_length_insert AFTER INSERT ON zset_members
BEGIN
    UPDATE keyspace SET length = coalesce(length, 0) + 1 WHERE id = new.key_id AND type = 'zset';
END;

CREATE TRIGGER zset_members_length_delete AFTER DELETE ON zset_members
BEGIN
    UPDATE keyspace SET length = length - 1 WHERE id = old.key_id AND type = 'zset';
END;
