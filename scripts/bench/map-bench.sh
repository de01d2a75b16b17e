# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # $bin, $lua, $host, $sock are set by (and $tmp, $proxy_host used in) the sourcing script
# What map-startup.sh and map-update.sh share, sourced after lib.sh with $bin (dmap-lua), $lua (the bench's Lua
# script, which has a `cleanup` mode), $host and $sock (the engine) set: busybox, the scratch directory, the
# counting proxy, the clean-up at exit, and the compose file of the landscape.

# map_bench_sizes -- checks SIZES: map sizes N, each a number of at least 3, and at least one.
map_bench_sizes() {
    local n
    for n in $SIZES; do
        if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 3)); then fail "SIZES must be numbers >= 3 (got '$SIZES')"; fi
    done
    [[ -n ${SIZES// /} ]] || fail "SIZES is empty"
}

# map_bench_compose -- COMPOSE (default docker-compose), installed from Debian if it is the default and missing.
map_bench_compose() {
    COMPOSE=${COMPOSE:-docker-compose}
    command -v "$COMPOSE" >/dev/null && return
    [[ $COMPOSE == docker-compose ]] || fail "no $COMPOSE"
    bench_apt_install docker-compose
}

# map_bench_busybox -- imports busybox:latest into the engine if it is missing.
map_bench_busybox() {
    "$bin" -e 'assert(dmap.client():inspect_image("busybox:latest"))' >/dev/null 2>&1 && return
    log "busybox:latest is missing; importing it from the busybox-static package"
    # shellcheck source=../lib/common.sh disable=SC1091 # (run from the repository root)
    source scripts/lib/common.sh
    dmap_install_deps busybox-static >&2
    dmap_import_busybox "$host" || fail "could not import busybox:latest"
}

# map_bench_start NAME -- makes the scratch directory $tmp, removes it and everything the bench left on the engine
# at exit (warning about networks the engine refuses to remove), and starts the counting proxy (map-startup-proxy.py)
# on its own socket: $proxy_host, requests logged to $proxy_log.
map_bench_start() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmap-bench-$1.XXXXXX")
    proxy_pid=
    trap map_bench_finish EXIT
    proxy_log=$tmp/requests.log
    : >"$proxy_log"
    python3 scripts/bench/map-startup-proxy.py "$tmp/proxy.sock" "$sock" "$proxy_log" 2>"$tmp/proxy.err" &
    proxy_pid=$!
    for _ in $(seq 50); do [[ -S $tmp/proxy.sock ]] && break; sleep 0.1; done
    curl -fsS --max-time 5 --unix-socket "$tmp/proxy.sock" http://localhost/_ping >/dev/null ||
        fail "the counting proxy does not answer: $(cat "$tmp/proxy.err")"
    proxy_host=unix://$tmp/proxy.sock
}

map_bench_finish() {
    local left
    [[ -z $proxy_pid ]] || kill "$proxy_pid" 2>/dev/null || true
    left=$("$bin" "$lua" cleanup 2>&1) || log "warning: the final cleanup failed: $left"
    [[ -z $left ]] || log "warning: the engine refuses to remove these networks although no container is on them" \
        "(a leaked endpoint count, moby/moby#42119); restarting the engine frees them: ${left//$'\n'/ }"
    rm -rf "$tmp"
}

# write_compose N FILE [VALUE] -- the compose file of the landscape (links imply depends_on in compose); with
# VALUE, the app in the middle has the environment BENCH_VALUE=VALUE (as map-bench.lua gives it).
write_compose() {
    local n=$1 value=${3:-} i middle=$((($1 - 1) / 2))
    {
        echo 'version: "2.4"'
        echo 'services:'
        printf '  %s:\n    image: busybox:latest\n    command: sleep 3600\n    stop_signal: SIGKILL\n' db
        printf '    networks: [net]\n    volumes: ["data:/data"]\n'
        for ((i = 1; i <= n - 2; i++)); do
            printf '  app%d:\n    image: busybox:latest\n    command: sleep 3600\n    stop_signal: SIGKILL\n' "$i"
            printf '    networks: [net]\n    links: [db]\n'
            if [[ -n $value ]] && ((i == middle)); then printf '    environment:\n      BENCH_VALUE: "%s"\n' "$value"; fi
        done
        printf '  front:\n    image: busybox:latest\n    command: sleep 3600\n    stop_signal: SIGKILL\n'
        printf '    networks: [net]\n    links:\n'
        for ((i = 1; i <= n - 2; i++)); do printf '      - app%d\n' "$i"; done
        printf 'networks:\n  net: {}\nvolumes:\n  data: {}\n'
    } >"$2"
}

# mean LIST -- the mean of the numbers in LIST, to two decimals; stats LIST -- "mean s (min-max)"; ratio A B.
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s / NF }' <<<"$1"; }
stats() {
    awk '{ s = 0; lo = $1; hi = $1
           for (i = 1; i <= NF; i++) { s += $i; if ($i < lo) lo = $i; if ($i > hi) hi = $i }
           printf "%6.2f s (%.2f-%.2f)", s / NF, lo, hi }' <<<"$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# reqs VARIANT N WHAT -- "TOTAL requests on C connections: DETAIL" from ${requests[VARIANT,N,WHAT]}
# ("TOTAL PER_CONTAINER CONNECTIONS DETAIL", as the sourcing script records it).
reqs() {
    local total conns detail
    read -r total _ conns detail <<<"${requests[$1,$2,$3]}"
    printf '%s requests on %s connections: %s' "$total" "$conns" "$detail"
}
