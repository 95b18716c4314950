#!/bin/bash
# Test hosts without Docker, laid out as docker compose would lay them out:
# a "cache" host and a "web" host on one private link, each resolving the
# service names through its own /etc/hosts (`ip netns exec` bind-mounts
# /etc/netns/NS/hosts over /etc/hosts for the programs it runs).
#
#   netns-topology.sh setup ID      namespaces ID-cache (10.213.0.1, "redis")
#                                   and ID-web (10.213.0.2, "web"), joined by a veth pair
#   netns-topology.sh solo ID       one namespace ID-solo, loopback only, "redis" = 127.0.0.1
#   netns-topology.sh teardown ID   kill what still runs in ID-*, delete the namespaces
#                                   and their /etc/netns entries (safe to repeat)
#   netns-topology.sh sweep         teardown for IDs tally-PID-* whose PID is gone
#
# setup and solo print NAME=VALUE lines (CACHE_NS, WEB_NS, CACHE_ADDR,
# WEB_ADDR, SOLO_NS). IDs are [a-z0-9-], at most 40 characters; the tests use
# tally-<test pid>-<n>, unique per run. Needs root; exits 77 without it.
# Addresses exist only inside these namespaces: nothing is added to the host's.
set -euo pipefail

readonly CACHE_ADDR=10.213.0.1
readonly WEB_ADDR=10.213.0.2
readonly PREFIX_LENGTH=24

die() { echo "netns-topology.sh: $*" >&2; exit 1; }

require_root() {
    if [[ $EUID -ne 0 ]]; then
        echo "netns-topology.sh: needs root (ip netns add, /etc/netns); run the tests as root" >&2
        exit 77
    fi
    command -v ip >/dev/null || die "ip not found: install the Debian package iproute2"
}

check_id() {
    [[ ${1:-} =~ ^[a-z0-9-]{1,40}$ ]] || die "invalid ID '${1:-}': expected [a-z0-9-]{1,40}"
}

namespace_exists() { [[ -e /run/netns/$1 ]]; }

# hosts file for namespace $1 with the remaining arguments as "ADDRESS NAMES" lines.
write_hosts() {
    local ns=$1
    shift
    mkdir -p "/etc/netns/$ns"
    {
        echo "127.0.0.1 localhost"
        echo "::1 localhost ip6-localhost ip6-loopback"
        printf '%s\n' "$@"
    } >"/etc/netns/$ns/hosts"
}

add_namespace() {
    ip netns add "$1"
    ip -n "$1" link set lo up
}

remove_namespace() {
    local ns=$1 pids deadline
    if namespace_exists "$ns"; then
        pids=$(ip netns pids "$ns" || true)
        if [[ -n $pids ]]; then
            # shellcheck disable=SC2086 # one pid per word
            kill -KILL $pids 2>/dev/null || true
            deadline=$((SECONDS + 10))
            while [[ -n $(ip netns pids "$ns" || true) ]] && ((SECONDS < deadline)); do
                sleep 0.05
            done
        fi
        ip netns delete "$ns" || true
    fi
    rm -rf "/etc/netns/${ns:?}"
}

teardown() {
    local id=$1
    for ns in "$id-web" "$id-cache" "$id-solo"; do
        remove_namespace "$ns"
    done
}

setup() {
    local id=$1 web="$1-web" cache="$1-cache"
    namespace_exists "$web" && die "namespace $web already exists"
    namespace_exists "$cache" && die "namespace $cache already exists"
    trap 'teardown "$id"' ERR
    add_namespace "$cache"
    add_namespace "$web"
    # Both ends are created inside their namespaces: no device ever appears on the host.
    ip link add eth0 netns "$web" type veth peer name eth0 netns "$cache"
    ip -n "$cache" address add "$CACHE_ADDR/$PREFIX_LENGTH" dev eth0
    ip -n "$web" address add "$WEB_ADDR/$PREFIX_LENGTH" dev eth0
    ip -n "$cache" link set eth0 up
    ip -n "$web" link set eth0 up
    write_hosts "$cache" "$CACHE_ADDR redis" "$WEB_ADDR web"
    write_hosts "$web" "$CACHE_ADDR redis" "$WEB_ADDR web"
    trap - ERR
    echo "CACHE_NS=$cache"
    echo "WEB_NS=$web"
    echo "CACHE_ADDR=$CACHE_ADDR"
    echo "WEB_ADDR=$WEB_ADDR"
}

solo() {
    local id=$1 ns="$1-solo"
    namespace_exists "$ns" && die "namespace $ns already exists"
    trap 'teardown "$id"' ERR
    add_namespace "$ns"
    write_hosts "$ns" "127.0.0.1 redis web"
    trap - ERR
    echo "SOLO_NS=$ns"
}

sweep() {
    local ns pid
    for path in /run/netns/tally-*; do
        [[ -e $path ]] || continue
        ns=${path##*/}
        [[ $ns =~ ^tally-([0-9]+)-[0-9]+-(web|cache|solo)$ ]] || continue
        pid=${BASH_REMATCH[1]}
        if ! kill -0 "$pid" 2>/dev/null; then
            remove_namespace "$ns"
        fi
    done
}

case ${1:-} in
setup) require_root; check_id "${2:-}"; setup "$2" ;;
solo) require_root; check_id "${2:-}"; solo "$2" ;;
teardown) require_root; check_id "${2:-}"; teardown "$2" ;;
sweep) require_root; sweep ;;
*)
    echo "usage: ${0##*/} setup ID | solo ID | teardown ID | sweep" >&2
    exit 2
    ;;
esac
