# shellcheck shell=bash
# Helpers shared by scripts/test and scripts/demo: install Debian packages, and start/stop
# private Docker engines, a registry, an sshd and a socat proxy -- all on 127.0.0.1 only.
# Source this file; every function fails loudly and never waits forever.

DMAP_APT_UPDATED=${DMAP_APT_UPDATED:-}

dmap_log() { printf '[dmap] %s\n' "$*" >&2; }

# dmap_install_deps PKG... -- install only the Debian packages that are missing.
dmap_install_deps() {
    local pkg missing=()
    for pkg in "$@"; do
        # (dpkg -s also succeeds for a package removed but not purged)
        [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == "install ok installed" ]] ||
            missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    dmap_log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [[ -z $DMAP_APT_UPDATED ]]; then
        apt-get update -q
        DMAP_APT_UPDATED=1
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# _dmap_alive PID -- true while PID runs. A zombie counts as gone: processes re-parented to
# init (shims, a dockerd from an earlier shell) are reaped late, seconds after they exit.
_dmap_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # drop "pid (comm) ", comm may hold spaces
    [[ ${stat%% *} != Z ]]
}

# _dmap_wait_gone PID SECONDS -- poll until PID has exited; return 1 if it is still alive.
_dmap_wait_gone() {
    local pid=$1 tries=$(($2 * 10))
    while _dmap_alive "$pid"; do
        ((tries-- > 0)) || return 1
        sleep 0.1
    done
}

# _dmap_kill PID [SECONDS] [children] -- TERM it (and with "children", its direct children:
# socat and sshd fork one per connection), wait up to SECONDS, then KILL whatever is left.
_dmap_kill() {
    local pid=$1 secs=${2:-10} kids=${3:-}
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    _dmap_alive "$pid" || return 0
    [[ -z $kids ]] || pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    if ! _dmap_wait_gone "$pid" "$secs"; then
        dmap_log "pid $pid ignored TERM for ${secs}s, killing"
        [[ -z $kids ]] || pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
        _dmap_wait_gone "$pid" 5 || dmap_log "pid $pid survives SIGKILL"
    fi
}

# _dmap_pidfile_kill FILE [SECONDS] [children] -- _dmap_kill the pid stored in FILE, if any.
_dmap_pidfile_kill() {
    [[ -s $1 ]] || return 0
    _dmap_kill "$(<"$1")" "${2:-10}" "${3:-}"
    rm -f "$1"
}

# _dmap_free_address_pool -- a 10.N.0.0/16 base that no running dockerd was given and no route
# uses, so the networks of engines side by side never get the same subnets (by default each
# engine's first network is 172.17.0.0/16... on the one host network stack).
_dmap_free_address_pool() {
    local used n
    used="$(pgrep -a dockerd 2>/dev/null || true) $(ip -4 route 2>/dev/null || true)"
    for n in $(seq 200 250); do
        [[ $used =~ (^|[[:space:]=])10\.$n\. ]] || { echo "10.$n.0.0/16"; return 0; }
    done
    dmap_log "no free 10.N.0.0/16 address pool"; return 1
}

# _dmap_delete_bridges DIR -- dockerd leaves the bridges of user-defined networks on the host
# when it stops (and all the more when killed): delete the br-* links in this engine's pool.
_dmap_delete_bridges() {
    local pool link
    pool=$(cat "$1/address-pool" 2>/dev/null) || return 0
    command -v ip >/dev/null || return 0
    pool=${pool%.0.0/16} # 10.N
    for link in $(ip -o -4 addr show 2>/dev/null | awk -v p="$pool." '$2 ~ /^br-/ && index($4, p) == 1 { print $2 }'); do
        ip link delete dev "$link" 2>/dev/null || dmap_log "could not delete bridge $link"
    done
}

# dmap_start_engine DIR [dockerd flags...] -- a private dockerd on unix://DIR/docker.sock.
# dockerd starts its own containerd under DIR/exec/containerd (its socket, state and pid file
# live there), so engines with different DIRs share nothing -- provided no system containerd
# listens on /run/containerd/containerd.sock, which dockerd would otherwise adopt.
dmap_start_engine() {
    local dir=$1; shift
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ -S /run/containerd/containerd.sock ]]; then
        dmap_log "warning: a system containerd runs; this engine will share it"
    fi
    local flags=("$@") pool
    if [[ " ${flags[*]} " =~ base=([0-9.]+/[0-9]+) ]]; then
        pool=${BASH_REMATCH[1]}
    else
        pool=$(_dmap_free_address_pool)
        flags+=(--default-address-pool "base=$pool,size=24")
    fi
    echo "$pool" >"$dir/address-pool"
    # Our own (empty) daemon.json: ignore /etc/docker/daemon.json, whatever it says.
    [[ -f $dir/daemon.json ]] || echo '{}' >"$dir/daemon.json"
    dockerd \
        --config-file "$dir/daemon.json" \
        --host "unix://$dir/docker.sock" \
        --data-root "$dir/data" \
        --exec-root "$dir/exec" \
        --pidfile "$dir/docker.pid" \
        --iptables=false --bridge=none --storage-driver=vfs \
        "${flags[@]}" </dev/null >>"$dir/dockerd.log" 2>&1 &
    echo $! >"$dir/dockerd.launch.pid"; disown $!
    local pid=$! start=$SECONDS
    until curl -fsS --max-time 2 --unix-socket "$dir/docker.sock" http://x/_ping >/dev/null 2>&1; do
        if ! _dmap_alive "$pid" || ((SECONDS - start >= 60)); then
            dmap_log "dockerd in $dir did not come up; last lines of $dir/dockerd.log:"
            tail -n 30 "$dir/dockerd.log" >&2 || true
            return 1
        fi
        sleep 0.2
    done
    dmap_log "engine ready at unix://$dir/docker.sock after $((SECONDS - start))s"
}

# dmap_stop_engine DIR -- stop dockerd, its containerd, shims and containers; unmount what is
# left under DIR. Safe to call on an engine that never started, and bounded in time.
dmap_stop_engine() {
    local dir=$1
    [[ -d $dir ]] || return 0
    dir=$(cd "$dir" && pwd)
    local pid
    for pid in "$(cat "$dir/docker.pid" 2>/dev/null)" "$(cat "$dir/dockerd.launch.pid" 2>/dev/null)"; do
        # dockerd stops running containers itself (10 s per container at most) before exiting.
        _dmap_kill "$pid" 20
    done
    # Only reached with leftovers if dockerd was killed: its containerd, then the containers
    # (via runc's own state under DIR) and finally their shims.
    _dmap_pidfile_kill "$dir/exec/containerd/containerd.pid" 10
    local root id
    for root in "$dir"/exec/runtime-*/*/; do
        [[ -d $root ]] || continue
        for id in $(timeout 10 runc --root "$root" list -q 2>/dev/null); do
            timeout 10 runc --root "$root" kill --all "$id" KILL 2>/dev/null || true
            timeout 10 runc --root "$root" delete --force "$id" 2>/dev/null || true
        done
    done
    # Shims are re-parented to init; they name our containerd socket on their command line.
    for pid in $(pgrep -f -- "-address $dir/exec/containerd/containerd.sock" 2>/dev/null); do
        _dmap_kill "$pid" 5
    done
    # Unmount leftovers (netns, shm, rootfs, ...) deepest first.
    local mnt
    awk -v d="$dir/" 'index($5, d) == 1 || $5 == substr(d, 1, length(d) - 1) { print $5 }' \
        /proc/self/mountinfo | sort -r | while read -r mnt; do
        timeout 10 umount "$mnt" 2>/dev/null || timeout 10 umount -l "$mnt" 2>/dev/null ||
            dmap_log "could not unmount $mnt"
    done
    _dmap_delete_bridges "$dir"
    rm -f "$dir/docker.pid" "$dir/dockerd.launch.pid"
}

# dmap_busybox_tar OUTFILE -- a tar of a minimal root filesystem: the static busybox plus a
# symlink for each applet in bin/, /usr/bin/env for shebangs, /etc/passwd and /etc/group.
dmap_busybox_tar() {
    local out=$1 bb rootfs applet
    bb=$(dpkg -L busybox-static 2>/dev/null | grep -m1 '/bin/busybox$') ||
        { dmap_log "busybox-static is not installed"; return 1; }
    rootfs=$(mktemp -d)
    # mktemp makes the directory 0700; as the image's / that would lock out every user but root.
    chmod 755 "$rootfs"
    mkdir -p "$rootfs"/{bin,etc,root,tmp,usr/bin,dev,proc,sys}
    chmod 1777 "$rootfs/tmp"
    cp "$bb" "$rootfs/bin/busybox"
    for applet in $("$bb" --list); do
        [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    ln -s /bin/busybox "$rootfs/usr/bin/env"
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
        >"$rootfs/etc/passwd"
    printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs/etc/group"
    tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$out" .
    rm -rf "$rootfs"
}

# dmap_import_busybox HOST -- import that root filesystem as busybox:latest (CMD ["sh"] as in
# the real image) into the engine at HOST (a unix:// URL), through the Engine API.
dmap_import_busybox() {
    local host=$1 tar reply
    [[ $host == unix://* ]] || { dmap_log "dmap_import_busybox wants a unix:// host, got $host"; return 1; }
    tar=$(mktemp)
    dmap_busybox_tar "$tar"
    # changes=CMD ["sh"], URL-encoded.
    reply=$(curl -sS --fail-with-body --max-time 120 --unix-socket "${host#unix://}" \
        -H 'Content-Type: application/x-tar' --data-binary "@$tar" \
        'http://x/images/create?fromSrc=-&repo=busybox&tag=latest&changes=CMD%20%5B%22sh%22%5D') || {
        rm -f "$tar"; dmap_log "import failed: $reply"; return 1
    }
    rm -f "$tar"
    [[ $reply != *'"error'* ]] || { dmap_log "import failed: $reply"; return 1; }
    dmap_log "busybox:latest imported into $host"
}

# dmap_start_registry DIR PORT USER PASSWORD -- docker-registry with htpasswd auth on 127.0.0.1:PORT.
dmap_start_registry() {
    local dir=$1 port=$2
    shift 2
    mkdir -p "$dir/storage"
    dir=$(cd "$dir" && pwd)
    : >"$dir/htpasswd"
    # USER PASSWORD pairs; -i reads the password from stdin, so it never shows up in a process list.
    while (($# >= 2)); do
        printf '%s\n' "$2" | htpasswd -Bin "$1" >>"$dir/htpasswd" 2>/dev/null
        shift 2
    done
    cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: dmap-test
    path: $dir/htpasswd
YAML
    docker-registry serve "$dir/config.yml" </dev/null >>"$dir/registry.log" 2>&1 &
    echo $! >"$dir/registry.pid"; disown $!
    local pid=$! start=$SECONDS code
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v2/" || true)
        [[ $code == 401 || $code == 200 ]] && break
        if ! _dmap_alive "$pid" || ((SECONDS - start >= 30)); then
            dmap_log "registry did not come up; last lines of $dir/registry.log:"
            tail -n 20 "$dir/registry.log" >&2 || true
            return 1
        fi
        sleep 0.2
    done
    dmap_log "registry ready at 127.0.0.1:$port"
}

dmap_stop_registry() { _dmap_pidfile_kill "$1/registry.pid" 10; }

# dmap_make_certs DIR -- a CA, a server certificate for 127.0.0.1/localhost and a client
# certificate. DIR is then a DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem for the client);
# the server side is server-cert.pem and server-key.pem.
dmap_make_certs() {
    local dir=$1
    mkdir -p "$dir"
    (
        cd "$dir" || exit
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj '/CN=dmap test CA' \
            -keyout ca-key.pem -out ca.pem \
            -addext 'basicConstraints=critical,CA:TRUE' \
            -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
        _dmap_sign() { # NAME CN EXTENSIONS
            openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
            printf '%s\n' "$3" >"$1.ext"
            openssl x509 -req -days 30 -in "$1.csr" -CA ca.pem -CAkey ca-key.pem \
                -set_serial "0x$(openssl rand -hex 8)" -extfile "$1.ext" -out "$1-cert.pem" 2>/dev/null
            rm -f "$1.csr" "$1.ext"
        }
        _dmap_sign server localhost "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment"
        _dmap_sign client 'dmap test client' "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment"
        mv client-cert.pem cert.pem
        mv client-key.pem key.pem
        chmod 644 ca.pem cert.pem server-cert.pem
    )
}

# dmap_start_sshd DIR PORT SOCKET -- Debian's sshd on 127.0.0.1:PORT for root, key auth only,
# with its own host key and a throwaway client key (nothing in /root/.ssh is touched). Writes
# DIR/ssh_config for clients, then checks that `docker system dial-stdio` reaches SOCKET.
dmap_start_sshd() {
    local dir=$1 port=$2 socket=$3 sshd
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    sshd=$(command -v sshd || echo /usr/sbin/sshd) # sshd insists on an absolute path
    mkdir -p /run/sshd && chmod 755 /run/sshd       # privilege separation directory
    rm -f "$dir/host_key" "$dir/host_key.pub" "$dir/id_ed25519" "$dir/id_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -C dmap-host -f "$dir/host_key"
    ssh-keygen -q -t ed25519 -N '' -C dmap-client -f "$dir/id_ed25519"
    cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
    # StrictModes no: DIR usually lives under /tmp, whose mode sshd's path check rejects.
    cat >"$dir/sshd_config" <<CONF
ListenAddress 127.0.0.1:$port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
PrintMotd no
MaxStartups 100
CONF
    cat >"$dir/ssh_config" <<CONF
Host 127.0.0.1
    Port $port
    User root
    IdentityFile $dir/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
    BatchMode yes
CONF
    "$sshd" -t -f "$dir/sshd_config"
    "$sshd" -D -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null &
    echo $! >"$dir/sshd.launch.pid"; disown $!
    # One HTTP request through ssh + dial-stdio proves the whole path; retry while sshd starts.
    local start=$SECONDS reply
    while :; do
        reply=$(printf 'GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
            timeout 10 ssh -F "$dir/ssh_config" 127.0.0.1 -- docker "--host=unix://$socket" system dial-stdio 2>&1) || true
        [[ $reply == *$'\r\n\r\nOK'* ]] && break
        if ! _dmap_alive "$(<"$dir/sshd.launch.pid")" || ((SECONDS - start >= 30)); then
            dmap_log "ssh dial-stdio to $socket failed: $reply"
            tail -n 20 "$dir/sshd.log" >&2 || true
            return 1
        fi
        sleep 0.3
    done
    dmap_log "sshd ready on 127.0.0.1:$port (dial-stdio to $socket works)"
}

dmap_stop_sshd() {
    _dmap_pidfile_kill "$1/sshd.launch.pid" 10 children
    rm -f "$1/sshd.pid"
}

# dmap_start_tcp_proxy DIR PORT SOCKET -- plain TCP on 127.0.0.1:PORT forwarded to a unix socket.
dmap_start_tcp_proxy() {
    local dir=$1 port=$2 socket=$3
    mkdir -p "$dir"
    socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$socket" \
        </dev/null >>"$dir/socat.log" 2>&1 &
    echo $! >"$dir/socat.pid"; disown $!
    local pid=$! start=$SECONDS
    until curl -fsS --max-time 2 "http://127.0.0.1:$port/_ping" >/dev/null 2>&1; do
        if ! _dmap_alive "$pid" || ((SECONDS - start >= 15)); then
            dmap_log "socat proxy on port $port did not come up"
            tail -n 20 "$dir/socat.log" >&2 || true
            return 1
        fi
        sleep 0.1
    done
    dmap_log "tcp proxy ready on 127.0.0.1:$port -> $socket"
}

dmap_stop_tcp_proxy() { _dmap_pidfile_kill "$1/socat.pid" 5 children; }
