/*
 * Drive a Redis-compatible server with hiredis and print one line per result.
 *
 * Usage: hiredis_check PORT
 *
 * Build: gcc -Wall -Werror -o hiredis_check hiredis_check.c -lhiredis
 * (Debian: libhiredis-dev, gcc). ClientMatrixTests compiles it, runs it
 * against tally-server and against a real redis-server, compares the output
 * line by line and checks key lines against fixed values. hiredis (0.14 on
 * Debian 12) speaks RESP2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hiredis/hiredis.h>

/* A reply as one line: +status, -error, :integer, "string" (escaped), (nil), [a, b]. */
static void show(const redisReply *reply) {
    size_t i;
    if (reply == NULL) {
        printf("<no reply>");
        return;
    }
    switch (reply->type) {
    case REDIS_REPLY_STATUS:
        printf("+%s", reply->str);
        break;
    case REDIS_REPLY_ERROR:
        printf("-%s", reply->str);
        break;
    case REDIS_REPLY_INTEGER:
        printf(":%lld", reply->integer);
        break;
    case REDIS_REPLY_NIL:
        printf("(nil)");
        break;
    case REDIS_REPLY_STRING:
        putchar('"');
        for (i = 0; i < reply->len; i++) {
            unsigned char c = (unsigned char)reply->str[i];
            if (c == '"' || c == '\\') printf("\\%c", c);
            else if (c >= 0x20 && c < 0x7f) putchar(c);
            else printf("\\x%02x", c);
        }
        printf("\" (%zu bytes)", reply->len);
        break;
    case REDIS_REPLY_ARRAY:
        putchar('[');
        for (i = 0; i < reply->elements; i++) {
            if (i > 0) printf(", ");
            show(reply->element[i]);
        }
        putchar(']');
        break;
    default:
        printf("<type %d>", reply->type);
    }
}

/* Prints "label reply" and frees the reply; exits when the connection failed. */
static void print_reply(redisContext *c, const char *label, redisReply *reply) {
    if (reply == NULL) {
        printf("%s <connection error: %s>\n", label, c->errstr);
        exit(1);
    }
    printf("%s ", label);
    show(reply);
    putchar('\n');
    freeReplyObject(reply);
}

int main(int argc, char **argv) {
    struct timeval timeout = {10, 0};
    redisContext *c;
    redisReply *reply;
    int i, replies = 0;
    long long last = 0;
    static const char binary[] = {'a', '\0', 'b', '\r', '\n', (char)0xff};

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    c = redisConnectWithTimeout("127.0.0.1", atoi(argv[1]), timeout);
    if (c == NULL || c->err) {
        fprintf(stderr, "connect: %s\n", c ? c->errstr : "cannot allocate a context");
        return 1;
    }
    redisSetTimeout(c, timeout);

    print_reply(c, "flushall", redisCommand(c, "FLUSHALL"));
    print_reply(c, "ping", redisCommand(c, "PING"));
    print_reply(c, "incr", redisCommand(c, "INCR hits"));
    print_reply(c, "incr", redisCommand(c, "INCR hits"));
    print_reply(c, "incr", redisCommand(c, "INCR hits"));
    print_reply(c, "get", redisCommand(c, "GET hits"));
    print_reply(c, "set", redisCommand(c, "SET %s %s", "name", "tally"));
    print_reply(c, "get", redisCommand(c, "GET %s", "name"));
    print_reply(c, "get-missing", redisCommand(c, "GET missing"));
    print_reply(c, "set-binary", redisCommand(c, "SET bin %b", binary, sizeof binary));
    print_reply(c, "get-binary", redisCommand(c, "GET bin"));
    print_reply(c, "set-empty", redisCommand(c, "SET empty %b", "", (size_t)0));
    print_reply(c, "get-empty", redisCommand(c, "GET empty"));
    print_reply(c, "incr-error", redisCommand(c, "INCR name"));
    print_reply(c, "incrbyfloat", redisCommand(c, "INCRBYFLOAT f 0.1"));
    print_reply(c, "mset", redisCommand(c, "MSET a 1 b 2"));
    print_reply(c, "mget", redisCommand(c, "MGET a missing b"));
    print_reply(c, "hset", redisCommand(c, "HSET pages /about 1 / 2"));
    print_reply(c, "hincrby", redisCommand(c, "HINCRBY pages /about 5"));
    print_reply(c, "hget", redisCommand(c, "HGET pages /about"));
    print_reply(c, "wrongtype", redisCommand(c, "GET pages"));
    print_reply(c, "unknown", redisCommand(c, "NOSUCHCOMMAND list x"));

    /* A pipeline: 1000 INCRs and a GET written at once, then the replies read in order. */
    for (i = 0; i < 1000; i++) redisAppendCommand(c, "INCR piped");
    redisAppendCommand(c, "GET piped");
    for (i = 0; i < 1000; i++) {
        if (redisGetReply(c, (void **)&reply) != REDIS_OK) {
            printf("pipeline <connection error: %s>\n", c->errstr);
            return 1;
        }
        if (reply->type == REDIS_REPLY_INTEGER && reply->integer == last + 1) {
            last = reply->integer;
            replies++;
        }
        freeReplyObject(reply);
    }
    printf("pipeline %d replies in order, last :%lld\n", replies, last);
    if (redisGetReply(c, (void **)&reply) != REDIS_OK) reply = NULL;
    print_reply(c, "pipeline-get", reply);

    /* A transaction, pipelined as clients send it. */
    redisAppendCommand(c, "MULTI");
    redisAppendCommand(c, "INCR hits");
    redisAppendCommand(c, "GET hits");
    redisAppendCommand(c, "INCR name");
    redisAppendCommand(c, "EXEC");
    for (i = 0; i < 5; i++) {
        char label[32];
        snprintf(label, sizeof label, "multi-%d", i);
        if (redisGetReply(c, (void **)&reply) != REDIS_OK) reply = NULL;
        print_reply(c, label, reply);
    }
    print_reply(c, "exists", redisCommand(c, "EXISTS hits name missing"));
    print_reply(c, "del", redisCommand(c, "DEL hits missing"));
    print_reply(c, "dbsize", redisCommand(c, "DBSIZE"));
    redisFree(c);
    return 0;
}
