#!/usr/bin/env bash
# Updating a running map: dmap-lua's mc:update("__all__") against `docker-compose up -d` of an equivalent compose
# file, in one run, in two situations: nothing changed (a no-op), and the environment of one container changed.
#
#   DOCKER_HOST=unix:///path/to/docker.sock scripts/bench/map-update.sh
#
# For each size N (SIZES, default 50) the landscape of map-startup.sh: N busybox:latest containers running
# `sleep 3600` with stop signal SIGKILL on one network, "db" with a named volume on /data, N-2 apps linked to db,
# "front" linked to every app (scripts/bench/map-update.lua builds the map and runs each action in one dmap-lua
# process). Each variant brings its landscape up once, untimed (map mudmapK, compose project mucomposeK), then:
#   no-op    dmap-lua: map-update.lua update N NAME VALUE (the map unchanged); compose: up -d, the file unchanged
#   change   the app in the middle, app(floor((N-1)/2)), gets a new environment value BENCH_VALUE: dmap-lua with a
#            new VALUE, compose with the compose file written again with it
# The first no-op and the first change of each variant go through the counting proxy (map-startup-proxy.py) and
# are not timed: they give the API requests. Then RUNS timed rounds of each situation, the variants taking turns.
# Each command is timed as a whole process (wall clock, start-up included); map-update.lua also reports the time of
# the mc:update call alone. Every command is checked: the containers whose id changed are counted (the same in
# every round of a variant and situation, or the script fails), all N must run afterwards, and a no-op must change
# no id. Prints a block per size and a summary table. Everything is removed at the end.
# Environment: DOCKER_HOST (a unix:// socket, required), SIZES (default 50), RUNS (default 3), DMAP_LUA (the
# dmap-lua binary; default .build/release/dmap-lua, built if missing), COMPOSE (default docker-compose), TMPDIR.
set -euo pipefail
if [[ -n ${DMAP_LUA:-} && $DMAP_LUA != /* ]]; then DMAP_LUA=$PWD/$DMAP_LUA; fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source-path=SCRIPTDIR source=lib.sh
source scripts/bench/lib.sh
# shellcheck source-path=SCRIPTDIR source=map-bench.sh
source scripts/bench/map-bench.sh

RUNS=${RUNS:-3}
bench_runs 1 0
SIZES=${SIZES:-50}
map_bench_sizes
[[ -n ${EPOCHREALTIME:-} ]] || fail "bash 5 is needed (EPOCHREALTIME)"

bench_engine
bench_tools python3 awk
map_bench_compose
bench_dmap_lua if-missing
lua=scripts/bench/map-update.lua
"$bin" -e 'assert(dmap.mapping_client(dmap.map("x", { a = {} })).update)' >/dev/null 2>&1 ||
    fail "$bin has no mc:update (rebuild it)"

map_bench_busybox
map_bench_start update

log "dmap-lua: $bin"
log "compose:  $(command -v "$COMPOSE") ($("$COMPOSE" version --short 2>/dev/null || echo '?'))"
log "engine:   $host"
log "sizes:    $SIZES; $RUNS timed runs of each situation"

# act VARIANT N NAME up|update VALUE -- bring the variant's landscape NAME up, or update it, with VALUE.
act() {
    local variant=$1 n=$2 name=$3 what=$4 value=$5
    case $variant in
    dmap) "$bin" "$lua" "$what" "$n" "$name" "$value" ;;
    compose)
        write_compose "$n" "$tmp/$name.yml" "$value"
        "$COMPOSE" -p "$name" -f "$tmp/$name.yml" up -d
        ;;
    esac
}

# timed VAR CMD... -- run CMD (its output appended to the scratch log and kept in cmd.out), store its wall-clock
# seconds in VAR and its exit status in `status`.
timed() {
    local var=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    status=0
    "$@" </dev/null >"$tmp/cmd.out" 2>&1 || status=$?
    t1=$EPOCHREALTIME
    cat "$tmp/cmd.out" >>"$tmp/out"
    printf -v "$var" '%s' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

# recreated NAME BEFORE AFTER N -- check that AFTER (a file of `ids NAME`) has all N containers running; print how
# many of BEFORE's containers have another id (or are gone) in AFTER.
recreated() {
    local running
    running=$(awk '$3 == "running"' "$3" | wc -l)
    ((running == $4)) || { cat "$3" >&2; fail "$1: expected $4 running containers, found $running"; }
    awk 'NR == FNR { id[$1] = $2; next } id[$1] != $2 { n++ } END { print n + 0 }' "$3" "$2"
}

declare -A times=() requests=() recreates=() calls=() names=() values=()
serial=0

# step VARIANT N SITUATION counted|timed -- one update of the variant's landscape: no-op (the same VALUE) or
# change (the next VALUE).
step() {
    local variant=$1 n=$2 situation=$3 how=$4 name=${names[$1,$2]} t cmd_host=$host count
    if [[ $situation == change ]]; then values[$variant,$n]=v$((${values[$variant,$n]#v} + 1)); fi
    "$bin" "$lua" ids "$name" >"$tmp/before"
    if [[ $how == counted ]]; then cmd_host=$proxy_host; : >"$proxy_log"; fi
    DOCKER_HOST=$cmd_host timed t act "$variant" "$n" "$name" update "${values[$variant,$n]}"
    ((status == 0)) || { tail -n 30 "$tmp/cmd.out" >&2; fail "$variant N=$n $situation: update failed"; }
    "$bin" "$lua" ids "$name" >"$tmp/after"
    count=$(recreated "$name" "$tmp/before" "$tmp/after" "$n")
    if [[ $situation == no-op ]] && ((count != 0)); then fail "$variant N=$n: the no-op recreated $count containers"; fi
    if [[ -n ${recreates[$variant,$n,$situation]:-} && ${recreates[$variant,$n,$situation]} != "$count" ]]; then
        fail "$variant N=$n $situation: recreated $count containers, ${recreates[$variant,$n,$situation]} before"
    fi
    recreates[$variant,$n,$situation]=$count
    if [[ $how == counted ]]; then
        requests[$variant,$n,$situation]=$(python3 scripts/bench/map-startup-proxy.py --summary "$proxy_log" "$n")
        log "N=$n $variant $situation ($name): counted (through the proxy, untimed): ${t}s, $count recreated"
    else
        times[$variant,$n,$situation]+=" $t"
        if [[ $variant == dmap ]]; then
            calls[$n,$situation]+=" $(sed -n 's/.*call \([0-9.]*\) ms wall.*/\1/p' "$tmp/cmd.out" | tail -n 1)"
        fi
        log "N=$n $variant $situation ($name): ${t}s, $count recreated"
    fi
    [[ $variant != dmap ]] || log "  $(grep '^update:' "$tmp/cmd.out" | tail -n 1)"
}

mean_ms() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.0f", s / NF }' <<<"$1"; }
total() { cut -d' ' -f1 <<<"${requests[$1,$2,$3]}"; }
label() { case $1 in dmap) echo "dmap-lua" ;; compose) echo "docker-compose" ;; esac; }

variants=(dmap compose)
for n in $SIZES; do
    left=$("$bin" "$lua" cleanup 2>>"$tmp/out") || fail "cleanup failed"
    for v in "${variants[@]}"; do
        serial=$((serial + 1))
        names[$v,$n]=mu$v$serial
        values[$v,$n]=v0
        timed t act "$v" "$n" "${names[$v,$n]}" up v0
        ((status == 0)) || { tail -n 30 "$tmp/cmd.out" >&2; fail "$v N=$n: up failed"; }
        log "N=$n $v (${names[$v,$n]}): up in ${t}s (untimed setup)"
    done
    for v in "${variants[@]}"; do
        step "$v" "$n" no-op counted
        step "$v" "$n" change counted
    done
    for ((r = 0; r < RUNS; r++)); do
        for ((i = 0; i < ${#variants[@]}; i++)); do
            v=${variants[(i + r) % ${#variants[@]}]}
            step "$v" "$n" change timed
            step "$v" "$n" no-op timed
        done
    done

    printf '\n== N = %s containers, update (mean of %s runs, min-max; requests from one more, untimed) ==\n' "$n" "$RUNS"
    for v in "${variants[@]}"; do
        for s in no-op change; do
            printf '%-15s %-7s %s  %4s requests  %s recreated\n' "$(label "$v")" "$s" "$(stats "${times[$v,$n,$s]}")" \
                "$(total "$v" "$n" "$s")" "${recreates[$v,$n,$s]}"
        done
    done
    printf 'dmap-lua mc:update call alone (without process start-up): no-op %s ms, change %s ms\n' \
        "$(mean_ms "${calls[$n,no-op]}")" "$(mean_ms "${calls[$n,change]}")"
    for v in "${variants[@]}"; do
        for s in no-op change; do printf '  %s %s: %s\n' "$(label "$v")" "$s" "$(reqs "$v" "$n" "$s")"; done
    done
done

printf '\n== summary: mean seconds (whole process), requests, containers recreated; compose/dmap above 1 means dmap-lua is faster ==\n'
printf '%4s | %-8s | %-24s | %-24s | %-12s | %s\n' N situation "dmap-lua s / req / recr" "compose s / req / recr" \
    "compose/dmap" "dmap update call"
for n in $SIZES; do
    for s in no-op change; do
        printf '%4s | %-8s | %6s / %5s / %3s      | %6s / %5s / %3s      | %11sx | %6s ms\n' "$n" "$s" \
            "$(mean "${times[dmap,$n,$s]}")" "$(total dmap "$n" "$s")" "${recreates[dmap,$n,$s]}" \
            "$(mean "${times[compose,$n,$s]}")" "$(total compose "$n" "$s")" "${recreates[compose,$n,$s]}" \
            "$(ratio "$(mean "${times[compose,$n,$s]}")" "$(mean "${times[dmap,$n,$s]}")")" \
            "$(mean_ms "${calls[$n,$s]}")"
    done
done
