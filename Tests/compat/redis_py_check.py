#!/usr/bin/env python3
"""Drive a Redis-compatible server with redis-py and print one line per result.

Usage: redis_py_check.py PORT [default|2|3]

`default` leaves the protocol to redis-py (its current releases negotiate
RESP3 with HELLO 3); `2` and `3` force one. IntegrationTests runs this
against tally-server and against a real redis-server and compares the
output line by line, and checks the key lines against fixed values.
"""
import sys

import redis


def shown(value):
    """An exception as its class and text, anything else as repr()."""
    if isinstance(value, Exception):
        return f"{type(value).__name__}({value})"
    return repr(value)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    port = int(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) == 3 else "default"
    options = {} if mode == "default" else {"protocol": int(mode)}
    r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10, **options)

    connection = r.connection_pool.get_connection()
    print("protocol", connection.protocol)
    handshake = connection.handshake_metadata or {}
    print("hello-proto", handshake.get(b"proto", handshake.get("proto")))
    r.connection_pool.release(connection)

    print("flushall", r.flushall())
    print("incr", r.incr("hits"), r.incr("hits"), r.incr("hits"))
    print("get", shown(r.get("hits")))
    print("set", r.set("name", "tally"), shown(r.get("name")))
    print("get-missing", shown(r.get("missing")))
    print("set-nx", shown(r.set("name", "x", nx=True)), shown(r.get("name")))
    print("set-get", shown(r.set("name", "y", get=True)), shown(r.get("name")))
    print("setex", r.execute_command("SETEX", "temp", 100, "v"), r.ttl("temp"), r.pttl("missing"))
    print("mset", r.mset({"a": 1, "b": 2}), shown(r.mget("a", "b", "missing")))
    print("incrby", r.incrby("a", 10), r.decr("a"), r.decrby("a", 5))
    print("incrbyfloat", shown(r.incrbyfloat("f", 0.1)), shown(r.incrbyfloat("f", "1e3")))
    print("append", r.append("name", "!"), r.strlen("name"), shown(r.getdel("name")))
    print("exists", r.exists("a", "b", "missing"))
    print("keys", shown(sorted(r.keys("*"))))
    print("scan", shown(sorted(r.scan_iter(match="*", count=2))))
    print("delete", r.delete("a", "missing"), r.unlink("f"))
    print("type", shown(r.type("b")), shown(r.type("missing")))
    print("expire", r.expire("b", 100), r.ttl("b"), r.persist("b"), r.ttl("b"), r.ttl("missing"))
    print("ping", r.ping(), shown(r.echo("hi")))
    print("dbsize", r.dbsize())
    print("client-name", r.client_setname("py"), shown(r.client_getname()))
    print("info-version", r.info("server")["redis_version"])
    print("config", shown(r.config_get("databases")))
    try:
        r.set("s", "abc")
        r.incr("s")
    except redis.ResponseError as error:
        print("incr-error", shown(error))

    with r.pipeline(transaction=True) as pipe:
        pipe.set("t", 1).incr("t").get("t").incr("s").incrby("t", 5)
        print("pipeline-tx", [shown(x) for x in pipe.execute(raise_on_error=False)])
    with r.pipeline(transaction=False) as pipe:
        pipe.incr("hits").get("hits").incr("s").set("p", "q").get("p")
        print("pipeline-plain", [shown(x) for x in pipe.execute(raise_on_error=False)])
    with r.pipeline(transaction=True) as pipe:
        pipe.set("u", 1)
        pipe.execute_command("NOSUCHCOMMAND", "x")
        try:
            pipe.execute()
            print("pipeline-abort", "no error")
        except redis.ResponseError as error:
            print("pipeline-abort", shown(error))
    print("after-abort", shown(r.get("u")))
    print("final", shown(r.get("hits")), r.dbsize())

    # Lists, sets and sorted sets as redis-py parses them (in RESP3 a set
    # reply is a Python set and a score a float read from a double).
    print("list", r.rpush("L", "a", "b", 1), r.lpush("L", "z"), shown(r.lrange("L", 0, -1)),
          shown(r.lpop("L", 2)), r.llen("L"), shown(r.lpos("L", "1")))
    print("set", r.sadd("S", 3, 1, 2, "x"), shown(sorted(r.smembers("S"))), r.sismember("S", "x"),
          shown(r.smismember("S", ["1", "9"])), r.scard("S"))
    print("set-ops", r.sadd("S2", 1, 9), shown(sorted(r.sinter("S", "S2"))), shown(sorted(r.sunion("S", "S2"))),
          r.sdiffstore("D", ["S", "S2"]), shown(sorted(r.smembers("D"))))
    print("zset", r.zadd("Z", {"a": 1, "b": 2.5, "c": -1}), shown(r.zrange("Z", 0, -1, withscores=True)),
          shown(r.zscore("Z", "b")), r.zrank("Z", "a"), shown(r.zmscore("Z", ["a", "nope"])))
    print("zset-more", shown(r.zincrby("Z", 0.5, "a")), shown(r.zrangebyscore("Z", "(0", "+inf")),
          shown(r.zpopmin("Z")), shown(r.zrevrange("Z", 0, 0, withscores=True)), r.zcard("Z"))
    print("zset-union", r.zunionstore("U", {"Z": 2, "S2": 1}), shown(r.zrange("U", 0, -1, withscores=True)))
    print("collections-gone", r.delete("L", "S", "S2", "D", "Z", "U"), r.dbsize())
    r.close()


if __name__ == "__main__":
    main()
