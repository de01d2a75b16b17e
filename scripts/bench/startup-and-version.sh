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

# shellcheck source-path=SCRIPTDIR source=lib.sh
source scripts/bench/lib.sh

bench_runs 30 3
# The engine: a unix socket that answers, since curl talks to it directly.
bench_engine
# Tools: hyperfine (installed from Debian if missing), lua5.4, and jq or python3 for the ratios.
bench_tools hyperfine lua5.4
# The binary: the release build, built (incrementally) unless DMAP_LUA names one.
bench_dmap_lua always

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bench() { # NAME OURS THEIRS
    local name=$1 ours=$2 theirs=$3
    printf '\n== %s ==\n' "$name"
    hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/$name.json" \
        --command-name "dmap-lua ($name)" "$ours" \
        --command-name "reference ($name)" "$theirs"
}

log "dmap-lua: $bin"
log "engine:   $host"
bench version "'$bin' -e 'dmap.client():version()'" "curl -s --unix-socket '$sock' http://localhost/v1.41/version"
bench startup "'$bin' -e ''" "lua5.4 -e ''"

echo
printf 'ratio version: %sx\n' "$(bench_mean_ratio "$tmp/version.json" 0 1)"
printf 'ratio startup: %sx\n' "$(bench_mean_ratio "$tmp/startup.json" 0 1)"
