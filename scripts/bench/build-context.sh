#!/usr/bin/env bash
# Building from a large context: dmap-lua's client:build against `docker build` (the classic builder).
#
#   DOCKER_HOST=unix:///path/to/docker.sock scripts/bench/build-context.sh
#
# Prepares a context of 5,000 files, about 100 MB in all (mostly small files, some medium, a few of about 1 MB;
# random bytes; nested up to four directories deep) and a Dockerfile `FROM busybox:latest` / `COPY . /ctx`.
# Then, in one hyperfine run (warmup, then RUNS runs each, no intermediate shell; both built images are removed
# before each run, untimed):
#   ours:   dmap-lua -e 'assert(dmap.client():build{tag = "dmap-bench-build:ours", path = "CTX", nocache = true})'
#   theirs: DOCKER_BUILDKIT=0 docker build --no-cache -q -t dmap-bench-build:cli CTX
# then one more run of each under /usr/bin/time for the peak RSS, checks that both images have the same size,
# and prints (docker's mean over ours: above 1 means dmap-lua is faster):
#   ratio build speed: 1.05x
#   peak RSS dmap-lua: 30 MB
#   peak RSS docker build: 40 MB
# Both images are removed at the end, and any dangling image the builds left on top of busybox:latest.
# Environment: DOCKER_HOST (a unix:// socket, required), RUNS (default 5, at least 5), WARMUP (default 1),
# DMAP_LUA (the dmap-lua binary; default .build/release/dmap-lua, built if missing), DOCKER_CLI (the docker CLI;
# default the first of /usr/bin/docker, /usr/local/bin/docker, `docker` on PATH that reaches the engine),
# TMPDIR (where the context is written, default /tmp).
set -euo pipefail
# A relative DMAP_LUA means relative to where the script was started.
if [[ -n ${DMAP_LUA:-} && $DMAP_LUA != /* ]]; then DMAP_LUA=$PWD/$DMAP_LUA; fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source-path=SCRIPTDIR source=lib.sh
source scripts/bench/lib.sh

bench_runs 5 1
TAG_OURS=dmap-bench-build:ours
TAG_CLI=dmap-bench-build:cli
# The engine: a unix socket that answers.
bench_engine
# Tools: hyperfine and GNU time (installed from Debian if missing), and jq or python3 for the ratio.
bench_tools hyperfine time
# The docker CLI: the first candidate that talks to this engine.
bench_docker
# The classic builder for the CLI (hyperfine runs the commands without a shell, so it comes from here).
export DOCKER_BUILDKIT=0
# The binary: DMAP_LUA, else the release build, built if missing.
bench_dmap_lua if-missing
"$bin" -e 'assert(dmap.client().build)' 2>/dev/null || fail "$bin has no client:build (too old a build?)"

base_id=$("$docker" image inspect --format '{{.Id}}' busybox:latest 2>/dev/null) ||
    fail "busybox:latest is missing on the engine (scripts/lib/common.sh: dmap_import_busybox $host)"

# The dangling images there before the bench; only newer ones (on top of busybox:latest) are removed at the end.
dangling() { "$docker" images --quiet --no-trunc --filter dangling=true; }
dangling_before=$(dangling)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmap-bench-build.XXXXXX")
cleanup() {
    local id
    "$docker" rmi -f "$TAG_OURS" "$TAG_CLI" >/dev/null 2>&1 || true
    for id in $(dangling 2>/dev/null); do
        [[ $'\n'$dangling_before$'\n' != *$'\n'$id$'\n'* ]] || continue
        [[ $("$docker" image inspect --format '{{.Parent}}' "$id" 2>/dev/null) == "$base_id" ]] || continue
        "$docker" rmi -f "$id" >/dev/null 2>&1 || log "could not remove dangling image $id"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# The context: 5,000 files of random bytes, 100 MiB in all, sizes drawn from a fixed seed:
# 3,950 small (200 B - 4 KB), 1,000 medium (8 - 64 KB), 50 large sharing the rest (about 1.1 MB, +-40%).
ctx=$tmp/context
log "writing the build context in $ctx"
mkdir -p "$ctx"
RANDOM=4242
total=$((100 * 1024 * 1024))
sizes=()
used=0
for ((i = 0; i < 5000; i++)); do
    if ((i % 100 == 0)); then
        sizes+=(0) # large: filled in below
    elif ((i % 5 == 1)); then
        sizes+=($((8192 + (RANDOM * 2 + RANDOM % 2) % 57344)))
    else
        sizes+=($((200 + RANDOM % 3897)))
    fi
    used=$((used + sizes[i]))
done
rest=$((total - used))
large=$((rest / 50))
for ((j = 0; j < 50; j++)); do
    delta=$((large * (j / 2 % 5) / 10)) # pairs of +delta and -delta leave the sum alone
    if ((j % 2)); then sizes[j*100]=$((large - delta)); else sizes[j*100]=$((large + delta)); fi
done
sizes[4900]=$((sizes[4900] + rest - 50 * large)) # the remainder of the division
exec 3</dev/urandom
for ((i = 0; i < 5000; i++)); do
    dir=$ctx/src$((i % 8))/pkg$((i / 8 % 10))
    ((i % 3 == 0)) && dir+=/sub$((i / 80 % 4))
    ((i % 9 == 0)) && dir+=/deep$((i / 320 % 3))
    [[ -d $dir ]] || mkdir -p "$dir"
    head -c "${sizes[i]}" <&3 >"$dir/file$i.bin"
done
exec 3<&-
printf '%s\n' 'FROM busybox:latest' 'COPY . /ctx' >"$ctx/Dockerfile"
files=$(find "$ctx" -type f ! -name Dockerfile | wc -l)
bytes=$(find "$ctx" -type f ! -name Dockerfile -printf '%s\n' | awk '{ n += $1 } END { print n }')
dirs=$(find "$ctx" -mindepth 1 -type d | wc -l)
log "context: $files files in $dirs directories, $bytes bytes ($((bytes / 1024 / 1024)) MiB)"

# Untimed before each run: remove both images, so every build starts from the same engine state, and flush the
# page cache's dirty pages (the last build's layer), so that no run pays for the writeback of the one before.
cat >"$tmp/prepare" <<EOF
#!/usr/bin/env bash
'$docker' rmi -f '$TAG_OURS' '$TAG_CLI' >/dev/null 2>&1 || true
sync
EOF
chmod +x "$tmp/prepare"

ours_cmd="'$bin' -e 'assert(dmap.client():build{tag = \"$TAG_OURS\", path = \"$ctx\", nocache = true})'"
theirs_cmd="'$docker' build --no-cache -q -t '$TAG_CLI' '$ctx'"

log "dmap-lua: $bin"
log "docker:   $docker"
log "engine:   $host"

printf '\n== build ==\n'
hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/build.json" \
    --prepare "'$tmp/prepare'" \
    --command-name "dmap-lua build" "$ours_cmd" \
    --command-name "docker build" "$theirs_cmd"

"$tmp/prepare"
rss_ours=$(bench_peak_rss_mb "$bin" -e "assert(dmap.client():build{tag = \"$TAG_OURS\", path = \"$ctx\", nocache = true})")
# (not the prepare step here: the image dmap-lua just built is checked below)
"$docker" rmi -f "$TAG_CLI" >/dev/null 2>&1 || true
rss_theirs=$(bench_peak_rss_mb "$docker" build --no-cache -q -t "$TAG_CLI" "$ctx")

# Both images hold the same files: their sizes must agree.
ours_size=$("$docker" image inspect --format '{{.Size}}' "$TAG_OURS" 2>/dev/null) || fail "$TAG_OURS was not built"
theirs_size=$("$docker" image inspect --format '{{.Size}}' "$TAG_CLI" 2>/dev/null) || fail "$TAG_CLI was not built"
((ours_size == theirs_size)) || fail "the image sizes differ: dmap-lua $ours_size bytes, docker build $theirs_size bytes"
log "images: $ours_size bytes each"

echo
printf 'ratio build speed: %sx\n' "$(bench_mean_ratio "$tmp/build.json" 1 0)"
printf 'peak RSS dmap-lua: %s MB\n' "$rss_ours"
printf 'peak RSS docker build: %s MB\n' "$rss_theirs"
