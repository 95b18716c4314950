#!/usr/bin/env python3
"""Drive a Redis-compatible server with redis-py's asyncio client and print one line per result.

Usage: redis_py_async_check.py PORT 2|3

The second argument is the protocol redis-py is told to speak (RESP2, or
RESP3 negotiated with HELLO 3). IntegrationTests (ClientMatrixTests) runs
this against tally-server and against a real redis-server, compares the
output line by line, and checks the key lines against fixed values.
"""
import asyncio
import sys

import redis.asyncio as redis
from redis.exceptions import ResponseError, WatchError


def shown(value):
    """An exception as its class and text, anything else as repr()."""
    if isinstance(value, Exception):
        return f"{type(value).__name__}({value})"
    return repr(value)


async def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("2", "3"):
        sys.exit(__doc__)
    port = int(sys.argv[1])
    protocol = int(sys.argv[2])
    r = redis.Redis(host="127.0.0.1", port=port, protocol=protocol, socket_timeout=10, max_connections=128)
    other = redis.Redis(host="127.0.0.1", port=port, protocol=protocol, socket_timeout=10)

    info = await r.client_info()
    print("resp", info.get("resp"))
    print("flushall", await r.flushall())
    print("incr", await r.incr("hits"), await r.incr("hits"), await r.incrby("hits", 10))
    print("get", shown(await r.get("hits")))
    print("set", await r.set("name", "tally"), shown(await r.get("name")))
    print("get-missing", shown(await r.get("missing")))
    print("set-nx", shown(await r.set("name", "x", nx=True)), shown(await r.set("name", "y", xx=True, get=True)))
    print("mset", await r.mset({"a": "1", "b": "2"}), shown(await r.mget("a", "missing", "b")))
    print("incrbyfloat", shown(await r.incrbyfloat("f", "0.1")))
    print("hash", await r.hset("pages", mapping={"/": 1, "/about": 2}), await r.hincrby("pages", "/about", 5),
          shown(sorted((await r.hgetall("pages")).items())))
    try:
        await r.incr("name")
    except ResponseError as error:
        print("incr-error", shown(error))

    # Many tasks at once over the pool (up to 100 connections): every INCR gets its own number.
    counts = await asyncio.gather(*(r.incr("concurrent") for _ in range(100)))
    print("gather", len(counts), sorted(counts) == list(range(1, 101)), shown(await r.get("concurrent")))

    # A pipeline in a transaction (MULTI/EXEC), one command failing inside it.
    async with r.pipeline(transaction=True) as pipe:
        pipe.set("t", 1).incr("t").get("t").incr("name").incrby("t", 5)
        print("pipeline-tx", [shown(x) for x in await pipe.execute(raise_on_error=False)])
    # A plain pipeline.
    async with r.pipeline(transaction=False) as pipe:
        pipe.incr("hits").get("hits").set("p", "q").get("p")
        print("pipeline-plain", [shown(x) for x in await pipe.execute()])

    # WATCH through the transaction helper: another client's write makes the
    # first attempt fail with WatchError, and the helper retries.
    attempts = 0

    async def add_ten(pipe):
        nonlocal attempts
        attempts += 1
        value = int(await pipe.get("watched") or 0)
        if attempts == 1:
            await other.incr("watched")
        pipe.multi()
        pipe.set("watched", value + 10)

    result = await r.transaction(add_ten, "watched")
    print("transaction", shown(result), attempts, shown(await r.get("watched")))

    # WATCH by hand: the watched key changes, EXEC answers null, redis-py raises WatchError.
    async with r.pipeline() as pipe:
        await pipe.watch("w")
        await other.set("w", "changed")
        pipe.multi()
        pipe.set("w", "mine")
        try:
            await pipe.execute()
            print("watch-error", "none")
        except WatchError as error:
            print("watch-error", type(error).__name__)
    print("after-watch", shown(await r.get("w")))

    print("final", shown(await r.get("hits")), await r.dbsize())
    await other.aclose()
    await r.aclose()


if __name__ == "__main__":
    asyncio.run(main())
