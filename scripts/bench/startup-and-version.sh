#!/usr/bin/env bash
# Startup time and one engine call: dmap-lua against the plainest tools that do the same.
#
#   DOCKER_HOST=unix:///path/to/docker.sock scripts/bench/startup-and-version.sh
#
# (a) version: `dmap-lua -e 'dmap.client():version()'` vs `curl --unix-socket SOCK .../v1.41/version`
# (b) startup: `dmap-lua -e ''` vs `lua5.4 -e ''`
# Each pair runs in one hyperfine invocation (warmup, then RUNS runs each, no intermediate shell);
# the last two lines are the ratios of the means, ours over theirs:
#   ratio version: 1.23x
#   ratio startup: 2.10x
# Environment: DOCKER_HOST (a unix:// socket, required), RUNS (default 30, at least 30),
# WARMUP (default 3), DMAP_LUA (a dmap-lua binary to measure instead of building the release one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

fail() { printf 'startup-and-version.sh: %s\n' "$*" >&2; exit 1; }

RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}
if ! [[ $RUNS =~ ^[0-9]+$ ]] || ((RUNS < 30)); then fail "RUNS must be a number >= 30 (got '$RUNS')"; fi
[[ $WARMUP =~ ^[0-9]+$ ]] || fail "WARMUP must be a number (got '$WARMUP')"

# The engine: a unix socket that answers, since curl talks to it directly.
host=${DOCKER_HOST:-}
[[ $host == unix://* ]] || fail "DOCKER_HOST must be a unix:// socket (got '${host:-unset}')"
sock=${host#unix://}
[[ -S $sock ]] || fail "no socket at $sock (from DOCKER_HOST=$host)"

# Tools: hyperfine (installed from Debian if missing), curl, lua5.4, and jq or python3 for the ratios.
if ! command -v hyperfine >/dev/null; then
    command -v apt-get >/dev/null || fail "hyperfine is missing and apt-get is not available"
    printf '[bench] installing hyperfine\n' >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends hyperfine </dev/null >&2 ||
        fail "could not install hyperfine (try apt-get update first)"
fi
for tool in curl lua5.4; do
    command -v "$tool" >/dev/null || fail "$tool is missing (Debian: apt-get install $tool)"
done
command -v jq >/dev/null || command -v python3 >/dev/null || fail "jq or python3 is needed to compute the ratios"
curl -fsS --max-time 5 --unix-socket "$sock" http://localhost/_ping >/dev/null ||
    fail "the engine at $host does not answer /_ping"

# The binary: the release build, built (incrementally) unless DMAP_LUA names one.
if [[ -n ${DMAP_LUA:-} ]]; then
    bin=$DMAP_LUA
else
    if ! command -v swift >/dev/null && [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH=/opt/swift/usr/bin:$PATH
    fi
    printf '[bench] swift build -c release --product dmap-lua\n' >&2
    swift build -c release --product dmap-lua >&2
    bin=$(swift build -c release --show-bin-path)/dmap-lua
fi
[[ -x $bin ]] || fail "no dmap-lua binary at $bin"
"$bin" -e 'dmap.client():version()' || fail "$bin cannot call the engine at $host"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ratio JSON -- mean of the first command over the mean of the second, to two decimals.
ratio() {
    local r
    if command -v python3 >/dev/null; then
        r=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print(r[0]["mean"] / r[1]["mean"])' "$1")
    else
        r=$(jq '.results[0].mean / .results[1].mean' "$1")
    fi
    LC_ALL=C printf '%.2f' "$r"
}

bench() { # NAME OURS THEIRS
    local name=$1 ours=$2 theirs=$3
    printf '\n== %s ==\n' "$name"
    hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/$name.json" \
        --command-name "dmap-lua ($name)" "$ours" \
        --command-name "reference ($name)" "$theirs"
}

printf '[bench] dmap-lua: %s\n[bench] engine:   %s\n' "$bin" "$host" >&2
bench version "'$bin' -e 'dmap.client():version()'" "curl -s --unix-socket '$sock' http://localhost/v1.41/version"
bench startup "'$bin' -e ''" "lua5.4 -e ''"

echo
printf 'ratio version: %sx\n' "$(ratio "$tmp/version.json")"
printf 'ratio startup: %sx\n' "$(ratio "$tmp/startup.json")"
