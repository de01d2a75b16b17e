#!/usr/bin/env bash
# Saving a large image to a tar file: dmap-lua's save_image against `docker save -o`.
#
#   DOCKER_HOST=unix:///path/to/docker.sock scripts/bench/save-image.sh
#
# Prepares (once; reused while it exists) IMAGE, busybox:latest plus 220 MB of random data in four files, built
# with the classic builder (busybox:latest is imported from the busybox-static package if the engine lacks it).
# Then, in one hyperfine run (warmup, then RUNS runs each, no intermediate shell):
#   ours:   dmap-lua -e 'assert(dmap.client():save_image("IMAGE", "OUT/ours.tar"))'
#   theirs: docker save -o OUT/theirs.tar IMAGE
# then one more run of each under /usr/bin/time for the peak RSS, checks that both tars have the same size and
# that `tar -tf` reads ours, and prints (docker's mean over ours: above 1 means dmap-lua is faster):
#   ratio save_image speed: 1.05x
#   peak RSS dmap-lua: 30 MB
#   peak RSS docker save: 40 MB
# Environment: DOCKER_HOST (a unix:// socket, required), RUNS (default 5, at least 5), WARMUP (default 1),
# IMAGE (default dmap-bench-save:220m), DMAP_LUA (the dmap-lua binary; default .build/release/dmap-lua,
# built if missing), DOCKER_CLI (the docker CLI; default the first of /usr/bin/docker, /usr/local/bin/docker,
# `docker` on PATH that reaches the engine), TMPDIR (where the tar files go, default /tmp).
set -euo pipefail
# A relative DMAP_LUA means relative to where the script was started.
if [[ -n ${DMAP_LUA:-} && $DMAP_LUA != /* ]]; then DMAP_LUA=$PWD/$DMAP_LUA; fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source-path=SCRIPTDIR source=lib.sh
source scripts/bench/lib.sh

bench_runs 5 1
IMAGE=${IMAGE:-dmap-bench-save:220m}
[[ $IMAGE =~ ^[A-Za-z0-9][A-Za-z0-9._/:@-]*$ ]] || fail "IMAGE '$IMAGE' is not a plain image reference"
# The engine: a unix socket that answers.
bench_engine
# Tools: hyperfine and GNU time (installed from Debian if missing), tar, and jq or python3 for the ratio.
bench_tools hyperfine time tar
# The docker CLI: the first candidate that talks to this engine.
bench_docker
# The binary: DMAP_LUA, else the release build, built if missing.
bench_dmap_lua if-missing

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmap-bench-save.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The image: built once (busybox + 220 MB of random data, which no layer compression can shrink), then reused.
image_size() { "$docker" image inspect --format '{{.Size}}' "$1" 2>/dev/null; }
if ! size=$(image_size "$IMAGE"); then
    if ! image_size busybox:latest >/dev/null; then
        log "busybox:latest is missing; importing it from the busybox-static package"
        # shellcheck source=../lib/common.sh disable=SC1091 # (run from the repository root, see the cd above)
        source scripts/lib/common.sh
        dmap_install_deps busybox-static >&2
        dmap_import_busybox "$host" || fail "could not import busybox:latest"
    fi
    log "building $IMAGE (busybox:latest + 220 MB of random data)"
    mkdir "$tmp/context"
    for i in 1 2 3 4; do
        head -c $((55 * 1024 * 1024)) /dev/urandom >"$tmp/context/blob$i"
    done
    printf '%s\n' 'FROM busybox:latest' 'COPY blob1 blob2 blob3 blob4 /data/' >"$tmp/context/Dockerfile"
    DOCKER_BUILDKIT=0 "$docker" build -q -t "$IMAGE" "$tmp/context" >/dev/null || fail "could not build $IMAGE"
    rm -rf "$tmp/context"
    size=$(image_size "$IMAGE") || fail "$IMAGE is missing after its build"
fi
((size >= 200 * 1000 * 1000)) || log "warning: $IMAGE is only $((size / 1000000)) MB (expected at least 200 MB)"

ours=$tmp/ours.tar
theirs=$tmp/theirs.tar
ours_cmd="'$bin' -e 'assert(dmap.client():save_image(\"$IMAGE\", \"$ours\"))'"
theirs_cmd="'$docker' save -o '$theirs' '$IMAGE'"

log "dmap-lua: $bin"
log "docker:   $docker"
log "engine:   $host"
log "image:    $IMAGE ($((size / 1000000)) MB)"

printf '\n== save_image ==\n'
# Untimed before each run: delete both tar files, so neither pays for deleting the other's leftovers, and flush
# the page cache's dirty pages, so that no run pays for the writeback of the one before.
cat >"$tmp/prepare" <<EOF
#!/usr/bin/env bash
rm -f '$ours' '$theirs'
sync
EOF
chmod +x "$tmp/prepare"
hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/save.json" \
    --prepare "'$tmp/prepare'" \
    --command-name "dmap-lua save_image" "$ours_cmd" \
    --command-name "docker save" "$theirs_cmd"

"$tmp/prepare"
rss_ours=$(bench_peak_rss_mb "$bin" -e "assert(dmap.client():save_image(\"$IMAGE\", \"$ours\"))")
sync # (not the prepare step: it would delete the file just written, checked below)
rss_theirs=$(bench_peak_rss_mb "$docker" save -o "$theirs" "$IMAGE")

# Both archives hold the same thing; the engine writes the same bytes for both.
ours_size=$(stat -c %s "$ours")
theirs_size=$(stat -c %s "$theirs")
((ours_size == theirs_size)) || fail "the tar sizes differ: dmap-lua $ours_size bytes, docker save $theirs_size bytes"
tar -tf "$ours" >/dev/null || fail "tar cannot read the archive dmap-lua wrote"
if cmp -s "$ours" "$theirs"; then same=identical; else same="same size, different bytes"; fi
log "tar files: $ours_size bytes each ($same); tar -tf reads ours"

echo
printf 'ratio save_image speed: %sx\n' "$(bench_mean_ratio "$tmp/save.json" 1 0)"
printf 'peak RSS dmap-lua: %s MB\n' "$rss_ours"
printf 'peak RSS docker save: %s MB\n' "$rss_theirs"
