import RESP
import Store

/// The one table of every command tally-server speaks: name, arity, flags,
/// key positions, documentation and handler. Anything not here answers
/// Redis's own unknown-command error.
package enum CommandTable {
    package static let all: [CommandSpec] = [
        // connection
        CommandSpec("ping", arity: -1, flags: [.fast, .stale], group: "connection", summary: "Returns the server's liveliness response.", handler: ConnectionCommands.ping),
        CommandSpec("echo", arity: 2, flags: [.fast], group: "connection", summary: "Returns the given string.", handler: ConnectionCommands.echo),
        CommandSpec("quit", arity: -1, flags: [.fast, .noQueue, .noAuth, .loading, .stale], group: "connection", summary: "Closes the connection.", handler: ConnectionCommands.quit),
        CommandSpec("select", arity: 2, flags: [.fast, .loading, .stale], group: "connection", summary: "Changes the selected database.", handler: ConnectionCommands.select),
        CommandSpec("hello", arity: -1, flags: [.fast, .noAuth, .loading, .stale], group: "connection", since: "6.0.0", summary: "Handshakes with the Redis server.", handler: ConnectionCommands.hello),
        CommandSpec("auth", arity: -2, flags: [.fast, .noAuth, .loading, .stale], group: "connection", summary: "Authenticates the connection.", handler: AuthenticationCommands.auth),
        CommandSpec("reset", arity: 1, flags: [.fast, .noQueue, .noAuth, .loading, .stale], group: "connection", since: "6.2.0", summary: "Resets the connection.", handler: ConnectionCommands.reset),
        CommandSpec("client", arity: -2, group: "connection", since: "2.4.0", summary: "A container for client connection commands.", subcommands: [
            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server", since: "5.0.0", summary: "Returns helpful text about the different subcommands.", handler: HelpCommand.help),
            CommandSpec("id", arity: 2, flags: [.loading, .stale], group: "connection", since: "5.0.0", summary: "Returns the unique client ID of the connection.", handler: ClientCommands.id),
            CommandSpec("setname", arity: 3, flags: [.loading, .stale], group: "connection", since: "2.6.9", summary: "Sets the connection name.", handler: ClientCommands.setname),
            CommandSpec("getname", arity: 2, flags: [.loading, .stale], group: "connection", since: "2.6.9", summary: "Returns the name of the connection.", handler: ClientCommands.getname),
            CommandSpec("setinfo", arity: 4, flags: [.loading, .stale], group: "connection", since: "7.2.0", summary: "Sets information specific to the client or connection.", handler: ClientCommands.setinfo),
            CommandSpec("info", arity: 2, flags: [.loading, .stale], group: "connection", since: "6.2.0", summary: "Returns information about the connection.", handler: ClientCommands.info),
            CommandSpec("list", arity: -2, flags: [.admin, .loading, .stale], group: "connection", since: "2.4.0", summary: "Lists open connections.", handler: ClientCommands.list),
            CommandSpec("kill", arity: -3, flags: [.admin, .loading, .stale], group: "connection", since: "2.4.0", summary: "Terminates open connections.", handler: ClientCommands.kill),
            CommandSpec("no-evict", arity: 3, flags: [.admin, .loading, .stale], group: "connection", since: "7.0.0", summary: "Sets the client eviction mode of the connection.", handler: ClientCommands.noEvict),
        ]),

        // strings
        CommandSpec("get", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "string", summary: "Returns the string value of a key.", handler: StringCommands.get),
        CommandSpec("set", arity: -3, flags: [.write], keys: (1, 1, 1), group: "string", summary: "Sets the string value of a key, ignoring its type.", handler: StringCommands.set),
        CommandSpec("setnx", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "string", summary: "Set the string value of a key only when the key doesn't exist.", handler: StringCommands.setnx),
        CommandSpec("setex", arity: 4, flags: [.write], keys: (1, 1, 1), group: "string", since: "2.0.0", summary: "Sets the string value and expiration time of a key.", handler: StringCommands.setex),
        CommandSpec("psetex", arity: 4, flags: [.write], keys: (1, 1, 1), group: "string", since: "2.6.0", summary: "Sets both string value and expiration time in milliseconds of a key.", handler: StringCommands.psetex),
        CommandSpec("getset", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "string", summary: "Returns the previous string value of a key after setting it to a new value.", handler: StringCommands.getset),
        CommandSpec("getdel", arity: 2, flags: [.write, .fast], keys: (1, 1, 1), group: "string", since: "6.2.0", summary: "Returns the string value of a key after deleting the key.", handler: StringCommands.getdel),
        CommandSpec("mget", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "string", summary: "Atomically returns the string values of one or more keys.", handler: StringCommands.mget),
        CommandSpec("mset", arity: -3, flags: [.write], keys: (1, -1, 2), group: "string", since: "1.0.1", summary: "Atomically creates or modifies the string values of one or more keys.", handler: StringCommands.mset),
        CommandSpec("msetnx", arity: -3, flags: [.write], keys: (1, -1, 2), group: "string", since: "1.0.1", summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.", handler: StringCommands.msetnx),
        CommandSpec("incr", arity: 2, flags: [.write, .fast], keys: (1, 1, 1), group: "string", summary: "Increments the integer value of a key by one.", handler: StringCommands.incr),
        CommandSpec("incrby", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "string", summary: "Increments the integer value of a key by a number.", handler: StringCommands.incrby),
        CommandSpec("decr", arity: 2, flags: [.write, .fast], keys: (1, 1, 1), group: "string", summary: "Decrements the integer value of a key by one.", handler: StringCommands.decr),
        CommandSpec("decrby", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "string", summary: "Decrements a number from the integer value of a key.", handler: StringCommands.decrby),
        CommandSpec("incrbyfloat", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "string", since: "2.6.0", summary: "Increment the floating point value of a key by a number.", handler: StringCommands.incrbyfloat),
        CommandSpec("strlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "string", since: "2.2.0", summary: "Returns the length of a string value.", handler: StringCommands.strlen),
        CommandSpec("append", arity: 3, flags: [.write], keys: (1, 1, 1), group: "string", since: "2.0.0", summary: "Appends a string to the value of a key.", handler: StringCommands.append),

        // keys
        CommandSpec("del", arity: -2, flags: [.write], keys: (1, -1, 1), group: "generic", summary: "Deletes one or more keys.", handler: KeyCommands.del),
        CommandSpec("unlink", arity: -2, flags: [.write, .fast], keys: (1, -1, 1), group: "generic", since: "4.0.0", summary: "Asynchronously deletes one or more keys.", handler: KeyCommands.del),
        CommandSpec("exists", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "generic", summary: "Determines whether one or more keys exist.", handler: KeyCommands.exists),
        CommandSpec("type", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic", summary: "Determines the type of value stored at a key.", handler: KeyCommands.type),
        CommandSpec("keys", arity: 2, flags: [.readonly], group: "generic", summary: "Returns all key names that match a pattern.", handler: KeyCommands.keys),
        CommandSpec("scan", arity: -2, flags: [.readonly], group: "generic", since: "2.8.0", summary: "Iterates over the key names in the database.", handler: KeyCommands.scan),
        CommandSpec("expire", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic", summary: "Sets the expiration time of a key in seconds.", handler: KeyCommands.expire),
        CommandSpec("pexpire", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic", since: "2.6.0", summary: "Sets the expiration time of a key in milliseconds.", handler: KeyCommands.pexpire),
        CommandSpec("expireat", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic", since: "1.2.0", summary: "Sets the expiration time of a key to a Unix timestamp.", handler: KeyCommands.expireat),
        CommandSpec("pexpireat", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic", since: "2.6.0", summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.", handler: KeyCommands.pexpireat),
        CommandSpec("ttl", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic", summary: "Returns the expiration time in seconds of a key.", handler: KeyCommands.ttl),
        CommandSpec("pttl", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic", since: "2.6.0", summary: "Returns the expiration time in milliseconds of a key.", handler: KeyCommands.pttl),
        CommandSpec("persist", arity: 2, flags: [.write, .fast], keys: (1, 1, 1), group: "generic", since: "2.2.0", summary: "Removes the expiration time of a key.", handler: KeyCommands.persist),

        // hashes
        CommandSpec("hset", arity: -4, flags: [.write, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Creates or modifies the value of a field in a hash.", handler: HashCommands.hset),
        CommandSpec("hmset", arity: -4, flags: [.write, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Sets the values of multiple fields.", handler: HashCommands.hmset),
        CommandSpec("hsetnx", arity: 4, flags: [.write, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Sets the value of a field in a hash only when the field doesn't exist.", handler: HashCommands.hsetnx),
        CommandSpec("hget", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Returns the value of a field in a hash.", handler: HashCommands.hget),
        CommandSpec("hmget", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Returns the values of all fields in a hash.", handler: HashCommands.hmget),
        CommandSpec("hgetall", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Returns all fields and values in a hash.", handler: HashCommands.hgetall),
        CommandSpec("hdel", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", handler: HashCommands.hdel),
        CommandSpec("hlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Returns the number of fields in a hash.", handler: HashCommands.hlen),
        CommandSpec("hexists", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Determines whether a field exists in a hash.", handler: HashCommands.hexists),
        CommandSpec("hkeys", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Returns all fields in a hash.", handler: HashCommands.hkeys),
        CommandSpec("hvals", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Returns all values in a hash.", handler: HashCommands.hvals),
        CommandSpec("hstrlen", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash", since: "3.2.0", summary: "Returns the length of the value of a field.", handler: HashCommands.hstrlen),
        CommandSpec("hincrby", arity: 4, flags: [.write, .fast], keys: (1, 1, 1), group: "hash", since: "2.0.0", summary: "Increments the integer value of a field in a hash by a number.", handler: HashCommands.hincrby),
        CommandSpec("hincrbyfloat", arity: 4, flags: [.write, .fast], keys: (1, 1, 1), group: "hash", since: "2.6.0", summary: "Increments the floating point value of a field by a number.", handler: HashCommands.hincrbyfloat),
        CommandSpec("hrandfield", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "hash", since: "6.2.0", summary: "Returns one or more random fields from a hash.", handler: HashCommands.hrandfield),
        CommandSpec("hscan", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "hash", since: "2.8.0", summary: "Iterates over fields and values of a hash.", handler: HashCommands.hscan),

        // lists
        CommandSpec("lpush", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "list", summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.", handler: ListCommands.lpush),
        CommandSpec("rpush", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "list", summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.", handler: ListCommands.rpush),
        CommandSpec("lpushx", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "list", since: "2.2.0", summary: "Prepends one or more elements to a list only when the list exists.", handler: ListCommands.lpushx),
        CommandSpec("rpushx", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "list", since: "2.2.0", summary: "Appends an element to a list only when the list exists.", handler: ListCommands.rpushx),
        CommandSpec("lpop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "list", summary: "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", handler: ListCommands.lpop),
        CommandSpec("rpop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "list", summary: "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", handler: ListCommands.rpop),
        CommandSpec("lmpop", arity: -4, flags: [.write, .movableKeys], group: "list", since: "7.0.0", summary: "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", handler: ListCommands.lmpop),
        CommandSpec("lmove", arity: 5, flags: [.write], keys: (1, 2, 1), group: "list", since: "6.2.0", summary: "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", handler: ListCommands.lmove),
        CommandSpec("rpoplpush", arity: 3, flags: [.write], keys: (1, 2, 1), group: "list", since: "1.2.0", summary: "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", handler: ListCommands.rpoplpush),
        CommandSpec("llen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "list", summary: "Returns the length of a list.", handler: ListCommands.llen),
        CommandSpec("lrange", arity: 4, flags: [.readonly], keys: (1, 1, 1), group: "list", summary: "Returns a range of elements from a list.", handler: ListCommands.lrange),
        CommandSpec("lindex", arity: 3, flags: [.readonly], keys: (1, 1, 1), group: "list", summary: "Returns an element from a list by its index.", handler: ListCommands.lindex),
        CommandSpec("lpos", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "list", since: "6.0.6", summary: "Returns the index of matching elements in a list.", handler: ListCommands.lpos),
        CommandSpec("lset", arity: 4, flags: [.write], keys: (1, 1, 1), group: "list", summary: "Sets the value of an element in a list by its index.", handler: ListCommands.lset),
        CommandSpec("ltrim", arity: 4, flags: [.write], keys: (1, 1, 1), group: "list", summary: "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", handler: ListCommands.ltrim),
        CommandSpec("lrem", arity: 4, flags: [.write], keys: (1, 1, 1), group: "list", summary: "Removes elements from a list. Deletes the list if the last element was removed.", handler: ListCommands.lrem),
        CommandSpec("linsert", arity: 5, flags: [.write], keys: (1, 1, 1), group: "list", since: "2.2.0", summary: "Inserts an element before or after another element in a list.", handler: ListCommands.linsert),

        // sets
        CommandSpec("sadd", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "set", summary: "Adds one or more members to a set. Creates the key if it doesn't exist.", handler: SetCommands.sadd),
        CommandSpec("srem", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "set", summary: "Removes one or more members from a set. Deletes the set if the last member was removed.", handler: SetCommands.srem),
        CommandSpec("smembers", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "set", summary: "Returns all members of a set.", handler: SetCommands.smembers),
        CommandSpec("sismember", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "set", summary: "Determines whether a member belongs to a set.", handler: SetCommands.sismember),
        CommandSpec("smismember", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "set", since: "6.2.0", summary: "Determines whether multiple members belong to a set.", handler: SetCommands.smismember),
        CommandSpec("scard", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "set", summary: "Returns the number of members in a set.", handler: SetCommands.scard),
        CommandSpec("spop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "set", summary: "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", handler: SetCommands.spop),
        CommandSpec("srandmember", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "set", summary: "Returns one or more random members from a set.", handler: SetCommands.srandmember),
        CommandSpec("smove", arity: 4, flags: [.write, .fast], keys: (1, 2, 1), group: "set", summary: "Moves a member from one set to another.", handler: SetCommands.smove),
        CommandSpec("sinter", arity: -2, flags: [.readonly], keys: (1, -1, 1), group: "set", summary: "Returns the intersect of multiple sets.", handler: SetCommands.sinter),
        CommandSpec("sunion", arity: -2, flags: [.readonly], keys: (1, -1, 1), group: "set", summary: "Returns the union of multiple sets.", handler: SetCommands.sunion),
        CommandSpec("sdiff", arity: -2, flags: [.readonly], keys: (1, -1, 1), group: "set", summary: "Returns the difference of multiple sets.", handler: SetCommands.sdiff),
        CommandSpec("sinterstore", arity: -3, flags: [.write], keys: (1, -1, 1), group: "set", summary: "Stores the intersect of multiple sets in a key.", handler: SetCommands.sinterstore),
        CommandSpec("sunionstore", arity: -3, flags: [.write], keys: (1, -1, 1), group: "set", summary: "Stores the union of multiple sets in a key.", handler: SetCommands.sunionstore),
        CommandSpec("sdiffstore", arity: -3, flags: [.write], keys: (1, -1, 1), group: "set", summary: "Stores the difference of multiple sets in a key.", handler: SetCommands.sdiffstore),
        CommandSpec("sintercard", arity: -3, flags: [.readonly, .movableKeys], group: "set", since: "7.0.0", summary: "Returns the number of members of the intersect of multiple sets.", handler: SetCommands.sintercard),
        CommandSpec("sscan", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "set", since: "2.8.0", summary: "Iterates over members of a set.", handler: SetCommands.sscan),

        // sorted sets
        CommandSpec("zadd", arity: -4, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", handler: SortedSetCommands.zadd),
        CommandSpec("zincrby", arity: 4, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Increments the score of a member in a sorted set.", handler: SortedSetCommands.zincrby),
        CommandSpec("zscore", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Returns the score of a member in a sorted set.", handler: SortedSetCommands.zscore),
        CommandSpec("zmscore", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "6.2.0", summary: "Returns the score of one or more members in a sorted set.", handler: SortedSetCommands.zmscore),
        CommandSpec("zcard", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Returns the number of members in a sorted set.", handler: SortedSetCommands.zcard),
        CommandSpec("zrank", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "2.0.0", summary: "Returns the index of a member in a sorted set ordered by ascending scores.", handler: SortedSetCommands.zrank),
        CommandSpec("zrevrank", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "2.0.0", summary: "Returns the index of a member in a sorted set ordered by descending scores.", handler: SortedSetCommands.zrevrank),
        CommandSpec("zrem", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", handler: SortedSetCommands.zrem),
        CommandSpec("zpopmin", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted-set", since: "5.0.0", summary: "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", handler: SortedSetCommands.zpopmin),
        CommandSpec("zpopmax", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted-set", since: "5.0.0", summary: "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", handler: SortedSetCommands.zpopmax),
        CommandSpec("zmpop", arity: -4, flags: [.write, .movableKeys], group: "sorted-set", since: "7.0.0", summary: "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", handler: SortedSetCommands.zmpop),
        CommandSpec("zremrangebyrank", arity: 4, flags: [.write], keys: (1, 1, 1), group: "sorted-set", since: "2.0.0", summary: "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", handler: SortedSetCommands.zremrangebyrank),
        CommandSpec("zremrangebyscore", arity: 4, flags: [.write], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", handler: SortedSetCommands.zremrangebyscore),
        CommandSpec("zremrangebylex", arity: 4, flags: [.write], keys: (1, 1, 1), group: "sorted-set", since: "2.8.9", summary: "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", handler: SortedSetCommands.zremrangebylex),
        CommandSpec("zcount", arity: 4, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "2.0.0", summary: "Returns the count of members in a sorted set that have scores within a range.", handler: SortedSetCommands.zcount),
        CommandSpec("zlexcount", arity: 4, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted-set", since: "2.8.9", summary: "Returns the number of members in a sorted set within a lexicographical range.", handler: SortedSetCommands.zlexcount),
        CommandSpec("zrandmember", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "6.2.0", summary: "Returns one or more random members from a sorted set.", handler: SortedSetCommands.zrandmember),
        CommandSpec("zscan", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "2.8.0", summary: "Iterates over members and scores of a sorted set.", handler: SortedSetCommands.zscan),
        CommandSpec("zrange", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Returns members in a sorted set within a range of indexes.", handler: SortedSetCommands.zrange),
        CommandSpec("zrevrange", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "1.2.0", summary: "Returns members in a sorted set within a range of indexes in reverse order.", handler: SortedSetCommands.zrevrange),
        CommandSpec("zrangebyscore", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "1.0.5", summary: "Returns members in a sorted set within a range of scores.", handler: SortedSetCommands.zrangebyscore),
        CommandSpec("zrevrangebyscore", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "2.2.0", summary: "Returns members in a sorted set within a range of scores in reverse order.", handler: SortedSetCommands.zrevrangebyscore),
        CommandSpec("zrangebylex", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "2.8.9", summary: "Returns members in a sorted set within a lexicographical range.", handler: SortedSetCommands.zrangebylex),
        CommandSpec("zrevrangebylex", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted-set", since: "2.8.9", summary: "Returns members in a sorted set within a lexicographical range in reverse order.", handler: SortedSetCommands.zrevrangebylex),
        CommandSpec("zrangestore", arity: -5, flags: [.write], keys: (1, 2, 1), group: "sorted-set", since: "6.2.0", summary: "Stores a range of members from sorted set in a key.", handler: SortedSetCommands.zrangestore),
        CommandSpec("zunionstore", arity: -4, flags: [.write, .movableKeys], keys: (1, 1, 1), group: "sorted-set", since: "2.0.0", summary: "Stores the union of multiple sorted sets in a key.", handler: SortedSetCommands.zunionstore),
        CommandSpec("zinterstore", arity: -4, flags: [.write, .movableKeys], keys: (1, 1, 1), group: "sorted-set", since: "2.0.0", summary: "Stores the intersect of multiple sorted sets in a key.", handler: SortedSetCommands.zinterstore),
        CommandSpec("zdiffstore", arity: -4, flags: [.write, .movableKeys], keys: (1, 1, 1), group: "sorted-set", since: "6.2.0", summary: "Stores the difference of multiple sorted sets in a key.", handler: SortedSetCommands.zdiffstore),
        CommandSpec("zunion", arity: -3, flags: [.readonly, .movableKeys], group: "sorted-set", since: "6.2.0", summary: "Returns the union of multiple sorted sets.", handler: SortedSetCommands.zunion),
        CommandSpec("zinter", arity: -3, flags: [.readonly, .movableKeys], group: "sorted-set", since: "6.2.0", summary: "Returns the intersect of multiple sorted sets.", handler: SortedSetCommands.zinter),
        CommandSpec("zdiff", arity: -3, flags: [.readonly, .movableKeys], group: "sorted-set", since: "6.2.0", summary: "Returns the difference between multiple sorted sets.", handler: SortedSetCommands.zdiff),
        CommandSpec("zintercard", arity: -3, flags: [.readonly, .movableKeys], group: "sorted-set", since: "7.0.0", summary: "Returns the number of members of the intersect of multiple sorted sets.", handler: SortedSetCommands.zintercard),

        CommandSpec("rename", arity: 3, flags: [.write], keys: (1, 2, 1), group: "generic", summary: "Renames a key and overwrites the destination.", handler: KeyCommands.rename),
        CommandSpec("renamenx", arity: 3, flags: [.write, .fast], keys: (1, 2, 1), group: "generic", summary: "Renames a key only when the target key name doesn't exist.", handler: KeyCommands.renamenx),
        CommandSpec("copy", arity: -3, flags: [.write], keys: (1, 2, 1), group: "generic", since: "6.2.0", summary: "Copies the value of a key to a new key.", handler: KeyCommands.copy),
        CommandSpec("move", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic", summary: "Moves a key to another database.", handler: KeyCommands.move),
        CommandSpec("randomkey", arity: 1, flags: [.readonly], group: "generic", summary: "Returns a random key name from the database.", handler: KeyCommands.randomkey),
        CommandSpec("touch", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "generic", since: "3.2.1", summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.", handler: KeyCommands.touch),
        CommandSpec("expiretime", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic", since: "7.0.0", summary: "Returns the expiration time of a key as a Unix timestamp.", handler: KeyCommands.expiretime),
        CommandSpec("pexpiretime", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic", since: "7.0.0", summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.", handler: KeyCommands.pexpiretime),
        CommandSpec("object", arity: -2, group: "generic", since: "2.2.3", summary: "A container for object introspection commands.", subcommands: [
            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server", since: "5.0.0", summary: "Returns helpful text about the different subcommands.", handler: HelpCommand.help),
            CommandSpec("encoding", arity: 3, flags: [.readonly], keys: (2, 2, 1), group: "generic", since: "2.2.3", summary: "Returns the internal encoding of a Redis object.", handler: KeyCommands.objectEncoding),
        ]),
        CommandSpec("getex", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "string", since: "6.2.0", summary: "Returns the string value of a key after setting its expiration time.", handler: StringCommands.getex),
        CommandSpec("getrange", arity: 4, flags: [.readonly], keys: (1, 1, 1), group: "string", since: "2.4.0", summary: "Returns a substring of the string stored at a key.", handler: StringCommands.getrange),
        CommandSpec("substr", arity: 4, flags: [.readonly], keys: (1, 1, 1), group: "string", summary: "Returns a substring from a string value.", handler: StringCommands.getrange),
        CommandSpec("setrange", arity: 4, flags: [.write], keys: (1, 1, 1), group: "string", since: "2.2.0", summary: "Overwrites a part of a string value with another by an offset.", handler: StringCommands.setrange),

        // transactions
        CommandSpec("multi", arity: 1, flags: [.fast, .noQueue, .loading, .stale], group: "transactions", since: "1.2.0", summary: "Starts a transaction.", handler: TransactionCommands.multi),
        CommandSpec("exec", arity: 1, flags: [.noQueue, .loading, .stale], group: "transactions", since: "1.2.0", summary: "Executes all commands in a transaction.", handler: TransactionCommands.exec),
        CommandSpec("watch", arity: -2, flags: [.fast, .noQueue, .noMulti, .loading, .stale], keys: (1, -1, 1), group: "transactions", since: "2.2.0", summary: "Monitors changes to keys to determine the execution of a transaction.", handler: TransactionCommands.watch),
        CommandSpec("unwatch", arity: 1, flags: [.fast, .loading, .stale], group: "transactions", since: "2.2.0", summary: "Forgets about watched keys of a transaction.", handler: TransactionCommands.unwatch),
        CommandSpec("discard", arity: 1, flags: [.fast, .noQueue, .loading, .stale], group: "transactions", since: "2.0.0", summary: "Discards a transaction.", handler: TransactionCommands.discard),

        // server
        CommandSpec("info", arity: -1, flags: [.loading, .stale], group: "server", summary: "Returns information and statistics about the server.", handler: ServerCommands.info),
        CommandSpec("dbsize", arity: 1, flags: [.readonly, .fast], group: "server", summary: "Returns the number of keys in the database.", handler: ServerCommands.dbsize),
        CommandSpec("flushdb", arity: -1, flags: [.write], group: "server", summary: "Removes all keys from the current database.", handler: ServerCommands.flushdb),
        CommandSpec("flushall", arity: -1, flags: [.write], group: "server", summary: "Removes all keys from all databases.", handler: ServerCommands.flushall),
        CommandSpec("time", arity: 1, flags: [.fast, .loading, .stale], group: "server", since: "2.6.0", summary: "Returns the server time.", handler: ServerCommands.time),
        CommandSpec("save", arity: 1, flags: [.admin, .noMulti], group: "server", summary: "Synchronously saves the database(s) to disk.", handler: PersistenceCommands.save),
        CommandSpec("bgsave", arity: -1, flags: [.admin], group: "server", summary: "Asynchronously saves the database(s) to disk.", handler: PersistenceCommands.bgsave),
        CommandSpec("lastsave", arity: 1, flags: [.fast, .loading, .stale], group: "server", summary: "Returns the Unix timestamp of the last successful save to disk.", handler: PersistenceCommands.lastsave),
        CommandSpec("shutdown", arity: -1, flags: [.admin, .noMulti, .loading, .stale], group: "server", summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.", handler: PersistenceCommands.shutdown),
        CommandSpec("wait", arity: 3, group: "generic", since: "3.0.0", summary: "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.", handler: PersistenceCommands.wait),
        CommandSpec("monitor", arity: 1, flags: [.admin, .loading, .stale], group: "server", since: "1.0.0", summary: "Listens for all requests received by the server in real-time.", handler: MonitorCommands.monitor),
        CommandSpec("slowlog", arity: -2, group: "server", since: "2.2.12", summary: "A container for slow log commands.", subcommands: [
            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server", since: "5.0.0", summary: "Returns helpful text about the different subcommands.", handler: HelpCommand.help),
            CommandSpec("get", arity: -2, flags: [.admin, .loading, .stale], group: "server", since: "2.2.12", summary: "Returns the slow log's entries.", handler: SlowlogCommands.get),
            CommandSpec("len", arity: 2, flags: [.admin, .loading, .stale], group: "server", since: "2.2.12", summary: "Returns the number of entries in the slow log.", handler: SlowlogCommands.len),
            CommandSpec("reset", arity: 2, flags: [.admin, .loading, .stale], group: "server", since: "2.2.12", summary: "Clears all entries from the slow log.", handler: SlowlogCommands.reset),
        ]),
        CommandSpec("config", arity: -2, group: "server", since: "2.0.0", summary: "A container for server configuration commands.", subcommands: [
            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server", since: "5.0.0", summary: "Returns helpful text about the different subcommands.", handler: HelpCommand.help),
            CommandSpec("get", arity: -3, flags: [.admin, .loading, .stale], group: "server", since: "2.0.0", summary: "Returns the effective values of configuration parameters.", handler: ServerCommands.configGet),
            CommandSpec("set", arity: -4, flags: [.admin, .loading, .stale], group: "server", since: "2.0.0", summary: "Sets configuration parameters in-flight.", handler: ServerCommands.configSet),
            CommandSpec("resetstat", arity: 2, flags: [.admin, .loading, .stale], group: "server", since: "2.0.0", summary: "Resets the server's statistics.", handler: ServerCommands.configResetstat),
        ]),
        CommandSpec("command", arity: -1, flags: [.loading, .stale], group: "server", since: "2.8.13", summary: "Returns detailed information about all commands.", subcommands: [
            CommandSpec("help", arity: 2, flags: [.loading, .stale], group: "server", since: "5.0.0", summary: "Returns helpful text about the different subcommands.", handler: HelpCommand.help),
            CommandSpec("count", arity: 2, flags: [.loading, .stale], group: "server", since: "2.8.13", summary: "Returns a count of commands.", handler: IntrospectionCommands.count),
            CommandSpec("docs", arity: -2, flags: [.loading, .stale], group: "server", since: "7.0.0", summary: "Returns documentary information about one, multiple or all commands.", handler: IntrospectionCommands.docs),
            CommandSpec("info", arity: -2, flags: [.loading, .stale], group: "server", since: "2.8.13", summary: "Returns information about one, multiple or all commands.", handler: IntrospectionCommands.info),
            CommandSpec("list", arity: -2, flags: [.loading, .stale], group: "server", since: "7.0.0", summary: "Returns a list of command names.", handler: IntrospectionCommands.list),
        ], handler: IntrospectionCommands.command),
    ]

    private static let byName: [CommandName: CommandSpec] = {
        var table: [CommandName: CommandSpec] = [:]
        for spec in all { table[CommandName(spec.name)] = spec }
        return table
    }()

    /// The top-level command named by `bytes`, in any case.
    package static func lookup(_ bytes: ArraySlice<UInt8>) -> CommandSpec? {
        byName[CommandName(bytes)]
    }

    /// Finds the command (or subcommand) `arguments` names and checks its
    /// arity, answering Redis's errors for unknown names and wrong counts.
    package static func resolve(_ arguments: Arguments) -> Result<CommandSpec, RedisError> {
        guard let spec = lookup(arguments[0]) else {
            let rest = arguments.count > 1 ? (1..<arguments.count).map { Array(arguments[$0]) } : []
            return .failure(.unknownCommand(name: Array(arguments[0]), arguments: rest))
        }
        guard spec.accepts(argumentCount: arguments.count) else { return .failure(.wrongArity(command: spec.fullName)) }
        guard !spec.subcommands.isEmpty, arguments.count >= 2 else { return .success(spec) }
        guard let sub = spec.subcommand(named: arguments[1]) else {
            // COMMAND alone is a command of its own; CLIENT and CONFIG need a subcommand.
            return .failure(.unknownSubcommand(command: spec.name, subcommand: Array(arguments[1])))
        }
        guard sub.accepts(argumentCount: arguments.count) else { return .failure(.wrongArity(command: sub.fullName)) }
        return .success(sub)
    }
}
