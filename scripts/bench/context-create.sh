#!/usr/bin/env bash
# Creating a compressed build context: dmap-lua's dmap.context against GNU tar, on the same directory.
#
#   scripts/bench/context-create.sh
#
# Prepares a directory of 5,000 files, about 100 MB in all (mostly small files, some medium, a few of about 1 MB;
# nested up to four directories deep). Half of the bytes are random (incompressible), half text-like (words and
# numbers on short lines, which gzip shrinks about 3x), alternating file by file, so that the compressor works as it
# does on real contexts: neither all-incompressible nor trivially compressible. Then, in one hyperfine run per
# compression (warmup, then RUNS runs each, no intermediate shell; the output file is deleted before each run):
#   ours:   dmap-lua -e 'local ctx = dmap.context{compression = "gz"}; ctx:add("DIR", "."); ctx:save("OUT")'
#   theirs: tar -czf OUT2 -C DIR .
# and the same with "bz2" against `tar -cjf` (skipped with BZ2=0). It checks that both archives hold the same
# members, and prints (tar's mean over ours: above 1 means dmap-lua is faster):
#   ratio context gz: 1.02x
#   ratio context bz2: 1.01x
# The engine is not needed. Environment: RUNS (default 5, at least 3), WARMUP (default 1), BZ2 (default 1; 0 skips
# bzip2), DMAP_LUA (the dmap-lua binary; default .build/release/dmap-lua, built if missing), TMPDIR (where the
# directory and the archives are written, default /tmp).
set -euo pipefail
# A relative DMAP_LUA means relative to where the script was started.
if [[ -n ${DMAP_LUA:-} && $DMAP_LUA != /* ]]; then DMAP_LUA=$PWD/$DMAP_LUA; fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source-path=SCRIPTDIR source=lib.sh
source scripts/bench/lib.sh

bench_runs 3 1
BZ2=${BZ2:-1}
[[ $BZ2 == 0 || $BZ2 == 1 ]] || fail "BZ2 must be 0 or 1 (got '$BZ2')"
# Tools: hyperfine (installed from Debian if missing), GNU tar, gzip, bzip2, python3 (makes the files).
bench_tools hyperfine tar gzip bzip2 python3

# The binary: DMAP_LUA, else the release build, built if missing.
bin=${DMAP_LUA:-$PWD/.build/release/dmap-lua}
if [[ -z ${DMAP_LUA:-} && ! -x $bin ]]; then
    bench_swift_path
    log "swift build -c release --product dmap-lua"
    swift build -c release --product dmap-lua >&2
fi
[[ -x $bin ]] || fail "no dmap-lua binary at $bin (set DMAP_LUA, or build: swift build -c release --product dmap-lua)"
"$bin" -e 'assert(dmap.context)' >/dev/null 2>&1 ||
    fail "$bin has no dmap.context yet (the Lua binding of build contexts); build a newer dmap-lua"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmap-bench-context.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The paths go into a Lua string and a hyperfine command line: keep them plain.
[[ $tmp =~ ^[A-Za-z0-9/._-]+$ ]] || fail "the scratch directory $tmp must not hold spaces, quotes or the like"

ctx=$tmp/context
log "writing 5,000 files (about 100 MB, half random, half text-like) in $ctx"
python3 - "$ctx" <<'EOF'
import os, random, sys

root = sys.argv[1]
rng = random.Random(4242)
total = 100 * 1024 * 1024
# 3,950 small (200 B - 4 KB), 1,000 medium (8 - 64 KB), 50 large sharing the rest (about 1.1 MB, +-40%).
sizes = []
for i in range(5000):
    if i % 100 == 0:
        sizes.append(0)
    elif i % 5 == 1:
        sizes.append(rng.randint(8192, 65536))
    else:
        sizes.append(rng.randint(200, 4096))
rest = total - sum(sizes)
weights = [rng.uniform(0.6, 1.4) for _ in range(50)]
large = [int(rest * w / sum(weights)) for w in weights]
for n, i in enumerate(range(0, 5000, 100)):
    sizes[i] = large[n]

words = ("the of and to in is for on with as by at from build context layer image container volume network "
         "config value name path file data error result client server request response status true false null "
         "import export func return var let if else while for case default struct class enum protocol").split()

def text(size):
    out = []
    length = 0
    while length < size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(4, 12)))
        line += " %d\n" % rng.randint(0, 99999)
        out.append(line)
        length += len(line)
    return "".join(out).encode()[:size]

for i, size in enumerate(sizes):
    parts = ["d%d" % (i % 7), "e%d" % (i % 5), "f%d" % (i % 3)][: i % 4]
    directory = os.path.join(root, *parts)
    os.makedirs(directory, exist_ok=True)
    # Alternate file by file, so that half of the bytes of each size class are random, half text.
    data = rng.randbytes(size) if i % 2 == 0 else text(size)
    with open(os.path.join(directory, "file%04d.%s" % (i, "bin" if i % 2 == 0 else "txt")), "wb") as f:
        f.write(data)
EOF
log "$(find "$ctx" -type f | wc -l) files, $(du -sm "$ctx" | cut -f1) MB"

# compare NAME COMPRESSION TAR_FLAG -- one hyperfine run of ours against tar, then the check and the ratio.
compare() {
    local name=$1 compression=$2 flag=$3
    local ours=$tmp/ours.$name theirs=$tmp/theirs.$name json=$tmp/$name.json
    local lua="local ctx = dmap.context{compression = \"$compression\"}; ctx:add(\"$ctx\", \".\"); ctx:save(\"$ours\")"
    hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
        --prepare "rm -f $ours" --prepare "rm -f $theirs" \
        --command-name "dmap-lua context $name" "$bin -e '$lua'" \
        --command-name "tar -c${flag}f" "tar -c${flag}f $theirs -C $ctx ."
    # Both archives hold the same members (ours has no "./" prefix and no member for the root).
    local ours_list theirs_list
    ours_list=$(tar -tf "$ours" | sed 's:/$::' | LC_ALL=C sort)
    theirs_list=$(tar -tf "$theirs" | sed -e 's:^\./::' -e 's:/$::' -e '/^\.\?$/d' | LC_ALL=C sort)
    [[ $ours_list == "$theirs_list" ]] || fail "$name: the two archives do not hold the same members"
    log "$name: ours $(du -k "$ours" | cut -f1) KB, tar's $(du -k "$theirs" | cut -f1) KB"
    ratios+=("ratio context $name: $(bench_mean_ratio "$json" 1 0)x")
}

ratios=()
compare gz gz z
if [[ $BZ2 == 1 ]]; then compare bz2 bz2 j; fi
printf '%s\n' "${ratios[@]}"
