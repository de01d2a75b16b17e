#!/usr/bin/env bash
# Building and validating container maps: dmap.map on maps of 100, 1,000 and 10,000 containers, in one run.
#
#   scripts/bench/map-build.sh [SIZES...]
#
# Runs scripts/bench/map-build.lua, which builds each map table once in Lua, then times dmap.map (parsing every
# input form, extends, names, validation including cycle detection) as the best of RUNS runs per size, measured
# with os.clock (CPU time), and prints one line per size with the time per container relative to the smallest
# size (1.00x means linear growth):
#   map of   1000 containers:     12.3 ms to build and validate (12.3 us per container, 1.05x the time per ...)
# The engine is not needed. Environment: RUNS (default 5), DMAP_LUA (the dmap-lua binary; default
# .build/release/dmap-lua, built if missing).
set -euo pipefail
if [[ -n ${DMAP_LUA:-} && $DMAP_LUA != /* ]]; then DMAP_LUA=$PWD/$DMAP_LUA; fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source-path=SCRIPTDIR source=lib.sh
source scripts/bench/lib.sh

RUNS=${RUNS:-5}
[[ $RUNS =~ ^[0-9]+$ ]] && ((RUNS >= 1)) || fail "RUNS must be a number >= 1 (got '$RUNS')"
bin=${DMAP_LUA:-$PWD/.build/release/dmap-lua}
if [[ -z ${DMAP_LUA:-} && ! -x $bin ]]; then
    bench_swift_path
    log "swift build -c release --product dmap-lua"
    swift build -c release --product dmap-lua >&2
fi
[[ -x $bin ]] || fail "no dmap-lua binary at $bin"
"$bin" scripts/bench/map-build.lua "$@" "runs=$RUNS"
