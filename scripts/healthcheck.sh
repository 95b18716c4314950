#!/bin/bash
# Container healthcheck for the Tally image, which has neither curl nor
# redis-cli: bash's /dev/tcp speaks just enough HTTP and RESP.
#
#   healthcheck.sh web    [PORT]   GET /healthz answers 200   (PORT: $PORT, else 5000)
#   healthcheck.sh server [PORT]   PING answers +PONG          (PORT: $TALLY_PORT, else 6379)
#
# HEALTHCHECK_HOST (127.0.0.1) picks the address. Exit 0 when healthy, 1 when
# not, 2 on a usage error. Installed in the image as /usr/local/bin/tally-healthcheck.
set -uo pipefail

host=${HEALTHCHECK_HOST:-127.0.0.1}
case ${1:-} in
web)
    port=${2:-${PORT:-5000}}
    request=$'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    expected='HTTP/1.1 200 '
    ;;
server)
    port=${2:-${TALLY_PORT:-6379}}
    request=$'PING\r\n'
    expected='+PONG'
    ;;
*)
    echo "usage: ${0##*/} web|server [PORT]" >&2
    exit 2
    ;;
esac

if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
    echo "unhealthy: cannot connect to $host:$port" >&2
    exit 1
fi
printf '%s' "$request" >&3
if ! IFS= read -r -t 2 reply <&3; then
    echo "unhealthy: no reply from $host:$port within 2 s" >&2
    exit 1
fi
exec 3<&-
if [[ $reply != "$expected"* ]]; then
    echo "unhealthy: $host:$port answered '${reply%$'\r'}'" >&2
    exit 1
fi
