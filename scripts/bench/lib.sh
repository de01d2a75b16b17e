# shellcheck shell=bash
# What the bench scripts share: sourced by them from the repository root (after their `cd`), never run.
# The functions report through `fail` and `log`, and set the globals named in their comments for the script to use.

# fail MESSAGE... -- print "SCRIPT: MESSAGE" to stderr and exit 1 (SCRIPT is the bench script's file name).
fail() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# log MESSAGE... -- print "[bench] MESSAGE" to stderr.
log() { printf '[bench] %s\n' "$*" >&2; }

# bench_runs MIN_RUNS DEFAULT_WARMUP -- default RUNS to MIN_RUNS and WARMUP to DEFAULT_WARMUP, and check them:
# RUNS a number of at least MIN_RUNS, WARMUP a number.
bench_runs() {
    RUNS=${RUNS:-$1}
    WARMUP=${WARMUP:-$2}
    if ! [[ $RUNS =~ ^[0-9]+$ ]] || ((RUNS < $1)); then fail "RUNS must be a number >= $1 (got '$RUNS')"; fi
    [[ $WARMUP =~ ^[0-9]+$ ]] || fail "WARMUP must be a number (got '$WARMUP')"
}

# bench_engine -- check that DOCKER_HOST is a unix:// socket where an engine answers /_ping (asked with curl, which
# must be there). Sets `host` (DOCKER_HOST) and `sock` (the socket's path).
bench_engine() {
    host=${DOCKER_HOST:-}
    [[ $host == unix://* ]] || fail "DOCKER_HOST must be a unix:// socket (got '${host:-unset}')"
    sock=${host#unix://}
    [[ -S $sock ]] || fail "no socket at $sock (from DOCKER_HOST=$host)"
    command -v curl >/dev/null || fail "curl is missing (Debian: apt-get install curl)"
    curl -fsS --max-time 5 --unix-socket "$sock" http://localhost/_ping >/dev/null ||
        fail "the engine at $host does not answer /_ping"
}

# bench_apt_install PACKAGE -- install a Debian package (for a tool found missing), or fail.
bench_apt_install() {
    command -v apt-get >/dev/null || fail "$1 is missing and apt-get is not available"
    log "installing $1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$1" </dev/null >&2 ||
        fail "could not install $1 (try apt-get update first)"
}

# bench_tools TOOL... -- make sure of each TOOL: hyperfine and `time` (GNU time, /usr/bin/time, for
# bench_peak_rss_mb) are installed from Debian if missing, any other must be on PATH; and always of jq or python3
# (for bench_mean_ratio).
bench_tools() {
    local tool
    for tool; do
        case $tool in
        hyperfine) command -v hyperfine >/dev/null || bench_apt_install hyperfine ;;
        time) [[ -x /usr/bin/time ]] || bench_apt_install time ;;
        *) command -v "$tool" >/dev/null || fail "$tool is missing (Debian: apt-get install $tool)" ;;
        esac
    done
    command -v jq >/dev/null || command -v python3 >/dev/null || fail "jq or python3 is needed to compute the ratio"
}

# bench_swift_path -- put /opt/swift/usr/bin on PATH if swift is not on it already and is there.
bench_swift_path() {
    if ! command -v swift >/dev/null && [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH=/opt/swift/usr/bin:$PATH
    fi
}

# bench_dmap_lua always|if-missing -- find the dmap-lua binary to measure and check that it calls the engine at
# `host` (see bench_engine). Sets `bin`: DMAP_LUA if set, else the release build, which `always` builds
# (incrementally) and `if-missing` takes from .build/release, built (with a static Swift stdlib) only if missing.
bench_dmap_lua() {
    if [[ -n ${DMAP_LUA:-} ]]; then
        bin=$DMAP_LUA
    elif [[ $1 == always ]]; then
        bench_swift_path
        log "swift build -c release --product dmap-lua"
        swift build -c release --product dmap-lua >&2
        bin=$(swift build -c release --show-bin-path)/dmap-lua
    else
        bin=$PWD/.build/release/dmap-lua
        if [[ ! -x $bin ]]; then
            bench_swift_path
            log "swift build -c release --product dmap-lua --static-swift-stdlib"
            swift build -c release --product dmap-lua --static-swift-stdlib >&2
        fi
    fi
    [[ -x $bin ]] || fail "no dmap-lua binary at $bin"
    "$bin" -e 'dmap.client():version()' || fail "$bin cannot call the engine at $host"
}

# bench_docker -- find the docker CLI to compare with: DOCKER_CLI, /usr/bin/docker, /usr/local/bin/docker or
# `docker` on PATH, the first that reaches the engine (DOCKER_HOST). Sets `docker`.
bench_docker() {
    local candidate
    docker=
    for candidate in "${DOCKER_CLI:-}" /usr/bin/docker /usr/local/bin/docker "$(command -v docker || true)"; do
        [[ -n $candidate && -x $candidate ]] || continue
        if timeout 20 "$candidate" version --format '{{.Server.Version}}' >/dev/null 2>&1; then
            docker=$candidate
            break
        fi
    done
    [[ -n $docker ]] || fail "no docker CLI reaches the engine at $host (set DOCKER_CLI)"
}

# bench_peak_rss_mb CMD... -- run CMD once under GNU time; print its peak RSS in MB (rounded). Needs the script's
# scratch directory in `tmp`, where it leaves the files rss and rss.out; CMD's output is shown only if it fails.
bench_peak_rss_mb() {
    local kb dir=${tmp:?bench_peak_rss_mb needs the scratch directory in tmp}
    /usr/bin/time -f %M -o "$dir/rss" "$@" >"$dir/rss.out" 2>&1 || { cat "$dir/rss.out" >&2; fail "failed: $*"; }
    kb=$(tail -n 1 "$dir/rss")
    [[ $kb =~ ^[0-9]+$ ]] || fail "unexpected /usr/bin/time output: $kb"
    echo $(((kb + 512) / 1024))
}

# bench_mean_ratio JSON I J -- from hyperfine's --export-json file JSON, print the mean time of command I over the
# mean of command J (0 the first command, 1 the second), to two decimals.
bench_mean_ratio() {
    local r
    if command -v python3 >/dev/null; then
        r=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(r[int(sys.argv[2])]["mean"] / r[int(sys.argv[3])]["mean"])' "$1" "$2" "$3")
    else
        r=$(jq --argjson i "$2" --argjson j "$3" '.results[$i].mean / .results[$j].mean' "$1")
    fi
    LC_ALL=C printf '%.2f' "$r"
}
