#!/bin/bash
# SPDX-License-Identifier: MIT
# debroot.sh - Debian roots of other releases and architectures, built once
# with mmdebstrap and cached, and a way to run a command inside one.
#
# usage: tools/debroot.sh build SUITE ARCH   build the root unless cached;
#                                            print its directory
#        tools/debroot.sh path SUITE ARCH    print the directory it would have
#        tools/debroot.sh run SUITE ARCH SRC DEST -- CMD...
#            copy the tree SRC (without build/ and .git) to DEST in a
#            throw-away copy of the root, run CMD there (chroot, as root),
#            exit with CMD's status
#        tools/debroot.sh packages SUITE ARCH   the packages a root holds
#        tools/debroot.sh qemu ARCH    qemu-user's name for ARCH when a root
#                                      of it runs emulated; nothing if native
#
#   Exit status: 3 when the root cannot be built or entered (not root, no
#   mirror, a mount refused), else build's 0 or run's CMD's status.
#
#   SUITE   a Debian suite: bookworm, trixie, ...
#   ARCH    a Debian architecture: amd64, arm64, ...; a foreign one runs
#           under qemu-user through binfmt_misc (mounted and enabled here)
#
# Environment:
#   SKC_ROOTS        the cache (default /var/cache/skcexec-roots)
#   SKC_ROOT_MIRROR  the Debian mirror (default: the one this machine's apt
#                    uses for its own release; else http://deb.debian.org/debian)
#
# The cache key is a hash of the suite, architecture, mirror and package
# list (below): changing any of them builds a new root, and the old one of
# the same suite and architecture is removed once no run uses it.
#
# Needs root.  Missing host tools (mmdebstrap; qemu-user-static,
# binfmt-support and arch-test for a foreign architecture) are installed
# with apt-get.
# Nothing else is downloaded: only Debian packages, from the mirror.
#
# A run never changes the cached root: it works on an overlayfs copy
# (upper layer thrown away afterwards), inside a private mount namespace
# (unshare -m), so no mount it makes is ever visible outside it and all of
# them go away with it, even if it is killed.  Where overlayfs is missing
# the run takes the root itself, one run at a time.  In the root: /proc
# bound, /sys and /dev bound recursively (slave: nothing propagates back),
# the host's /etc/resolv.conf copied; `umount -R` at the end, also on
# failure or signal.
set -u
shopt -s nullglob

ROOTS=${SKC_ROOTS:-/var/cache/skcexec-roots}
# Bump when the way a root is made changes without the package list
# changing: every root is then rebuilt once.
FORMAT=1

die() { echo "debroot: $*" >&2; exit 3; }

# What `make test` (and make faults) needs in a root, by the tests' own
# checks: a compiler and make, bats, real clang (tests/real_clang.bats, the
# demo), objdump/readelf/nm (binutils), gawk, the .deb tests (dpkg-dev,
# lintian), the man page test (groff-base), the CI recipes' YAML test
# (python3-yaml), the profiler's chart (gnuplot-nox), setpriv, taskset,
# findmnt (util-linux, mount), free (procps), and the 32-bit co-existence
# tests (gcc-multilib, amd64 only).
packages() {   # $1: suite, $2: arch
    local p=(gcc make libc6-dev bats clang binutils gawk dpkg-dev lintian
             groff-base python3-yaml gnuplot-nox util-linux mount procps)
    [ "$2" = amd64 ] && p+=(gcc-multilib)
    printf '%s\n' "${p[@]}"
}

# The mirror this machine's apt uses for its own Debian release (one-line
# sources.list entries or deb822 .sources files).
host_mirror() {
    local codename uri
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || return 1
    uri=$( { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk -v c="$codename" '$1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
            if ($(i + 1) == c) print $i }'
        for f in /etc/apt/sources.list.d/*.sources; do
            awk -v c="$codename" 'BEGIN { RS = ""; FS = "\n" } {
                uris = ""; ok = 0; deb = 1
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
                    if ($i ~ /^Types:/ && $i !~ /[ \t]deb([ \t]|$)/) deb = 0
                    if ($i ~ /^Suites:/) {
                        n = split($i, s, /[ \t]+/)
                        for (j = 2; j <= n; j++) if (s[j] == c) ok = 1
                    }
                }
                if (ok && deb && uris != "") { split(uris, u, /[ \t]+/); print u[1] }
            }' "$f"
        done; } | head -n 1)
    [ -n "$uri" ] && echo "$uri"
}

mirror() {
    if [ -n "${SKC_ROOT_MIRROR:-}" ]; then echo "$SKC_ROOT_MIRROR"
    else host_mirror || echo http://deb.debian.org/debian
    fi
}

# dpkg architecture -> qemu's name for it; nothing when it runs natively.
qemu_arch() {   # $1: arch
    local host
    host=$(dpkg --print-architecture)
    case $1 in
        "$host") return 0 ;;
        i386) [ "$host" = amd64 ] && return 0 ;;
    esac
    case $1 in
        arm64) echo aarch64 ;;
        armhf | armel) echo arm ;;
        ppc64el) echo ppc64le ;;
        riscv64 | s390x | mips64el) echo "$1" ;;
        *) die "no qemu-user mapping for architecture $1" ;;
    esac
}

root_dir() {   # $1: suite, $2: arch
    local key
    key=$( { echo "format=$FORMAT suite=$1 arch=$2 mirror=$(mirror)"
             packages "$1" "$2"; } | sha256sum | cut -c1-12)
    echo "$ROOTS/$1-$2-$key"
}

# Host tools, installed with apt-get when missing (update first).
need_host_tools() {   # $1: qemu arch or empty
    local missing=()
    command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
    command -v unshare >/dev/null || missing+=(util-linux)
    if [ -n "$1" ]; then
        [ -e "/usr/libexec/qemu-binfmt/$1-binfmt-P" ] ||
            [ -e "/usr/bin/qemu-$1-static" ] || missing+=(qemu-user-static)
        command -v update-binfmts >/dev/null || missing+=(binfmt-support)
        # mmdebstrap's check that the foreign architecture runs
        command -v arch-test >/dev/null || missing+=(arch-test)
    fi
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "debroot: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed"
}

# qemu-user registered with binfmt_misc for $1 (mounting binfmt_misc first).
need_binfmt() {   # $1: qemu arch
    local b=/proc/sys/fs/binfmt_misc conf
    [ -e "$b/register" ] || mount -t binfmt_misc binfmt_misc "$b" ||
        die "cannot mount binfmt_misc on $b"
    if [ ! -e "$b/qemu-$1" ]; then
        update-binfmts --enable "qemu-$1" >/dev/null 2>&1
        # without binfmt-support's registry: systemd's binfmt.d line
        conf=/usr/lib/binfmt.d/qemu-$1.conf
        if [ ! -e "$b/qemu-$1" ] && [ -f "$conf" ]; then
            cat "$conf" >"$b/register" 2>/dev/null
        fi
    fi
    grep -qx enabled "$b/qemu-$1" 2>/dev/null ||
        die "qemu-$1 is not enabled in binfmt_misc"
}

# Build the root of $1/$2 unless it is cached; print its directory.
build() {   # $1: suite, $2: arch
    local suite=$1 arch=$2 dir qarch log start pkgs old
    [ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap, chroot, mounts)"
    qarch=$(qemu_arch "$arch") || exit 3
    need_host_tools "$qarch"
    [ -n "$qarch" ] && need_binfmt "$qarch"
    dir=$(root_dir "$suite" "$arch")
    mkdir -p "$ROOTS" || die "cannot create $ROOTS"
    exec 8>"$dir.lock" || die "cannot write $dir.lock"
    # Shared while it is only looked at: runs hold it shared too, and a
    # cached root must not wait for them.  Exclusive only to build it.
    flock -s 8
    [ -e "$dir/.skcexec-root" ] || flock 8
    if [ ! -e "$dir/.skcexec-root" ]; then
        pkgs=$(packages "$suite" "$arch" | paste -sd, -)
        log=$dir.log
        rm -rf "$dir.new"
        echo "debroot: building $dir ($suite $arch, mirror $(mirror)); log: $log" >&2
        start=$SECONDS
        if ! mmdebstrap --mode=root --variant=apt --arch="$arch" \
                --include="$pkgs" "$suite" "$dir.new" "$(mirror)" >"$log" 2>&1; then
            rm -rf "$dir.new"
            # the first error is the cause (the last one is "failed to run")
            die "mmdebstrap $suite $arch failed: $(sed -n 's/^E: //p' "$log" | head -n 1)"
        fi
        { echo "suite=$suite arch=$arch built=$(date -u +%FT%TZ)"
          echo "packages=$pkgs"; } >"$dir.new/.skcexec-root"
        mv "$dir.new" "$dir" || die "cannot move $dir.new to $dir"
        echo "debroot: built $dir in $((SECONDS - start)) s" >&2
    fi
    # Roots of the same suite and arch under another key: removed when no
    # run holds them (a run holds its root's lock shared).  The lock file
    # stays: removing it while another process opens it would race.
    for old in "$ROOTS/$suite-$arch"-*.lock; do
        [ "$old" = "$dir.lock" ] && continue
        old=${old%.lock}
        [ -e "$old" ] || [ -e "$old.new" ] || continue
        ( flock -n -x 9 && rm -rf "$old" "$old.log" "$old.new" ) 9<"$old.lock"
    done
    flock -u 8
    exec 8>&-
    echo "$dir"
}

# ---- run: inside a private mount namespace ----------------------------------

# The part of `run` after unshare -m: $1 root, $2 run directory, $3 SRC,
# $4 DEST, the rest CMD.
inside() {
    local root=$1 run=$2 src=$3 dest=$4
    # Not local: cleanup also runs at EXIT, once this function has returned.
    m="" child=""
    shift 4
    m=$run/merged
    mkdir -p "$m" "$run/upper" "$run/work"
    cleanup() {
        trap - EXIT INT TERM HUP
        [ -n "$child" ] && kill -TERM -- "-$child" 2>/dev/null
        cd / || true
        umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null
    }
    trap cleanup EXIT
    trap 'cleanup; exit 130' INT
    trap 'cleanup; exit 143' TERM
    trap 'cleanup; exit 129' HUP
    if ! mount -t overlay overlay \
            -o "lowerdir=$root,upperdir=$run/upper,workdir=$run/work" "$m" 2>/dev/null; then
        # no overlayfs: the root itself, one run at a time
        echo "debroot: overlayfs unavailable: running in $root itself (exclusive)" >&2
        flock -x 9 || die "cannot lock $root"
        mount --bind "$root" "$m" || die "cannot bind $root"
    fi
    mount --bind /proc "$m/proc" || die "cannot bind /proc"
    mount --rbind /sys "$m/sys" && mount --make-rslave "$m/sys" || die "cannot bind /sys"
    mount --rbind /dev "$m/dev" && mount --make-rslave "$m/dev" || die "cannot bind /dev"
    cp -L /etc/resolv.conf "$m/etc/resolv.conf" 2>/dev/null || true
    rm -rf "${m:?}/$dest"
    mkdir -p "$m/$dest" || die "cannot create $dest in the root"
    tar -C "$src" --exclude=./build --exclude=./.git -cf - . |
        tar -C "$m/$dest" -xf - || die "cannot copy $src into the root"
    # Its own session and process group, so a signal can end all of it.
    # shellcheck disable=SC2016 # $0 and $@ are the inner sh's
    setsid chroot "$m" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        /bin/sh -c 'cd "$0" && exec "$@"' "$dest" "$@" </dev/null 8>&- 9<&- &
    child=$!
    wait "$child"
    local rc=$?
    child=
    return "$rc"
}

run() {   # $1 suite, $2 arch, $3 SRC, $4 DEST, $5 --, the rest CMD
    local suite=$1 arch=$2 src=$3 dest=$4 root runs rundir stale rc
    [ "${5:-}" = -- ] && [ "$#" -ge 6 ] || usage
    shift 5
    [ -d "$src" ] || die "no directory $src"
    src=$(cd "$src" && pwd -P)
    case $dest in /*) ;; *) die "DEST must be absolute" ;; esac
    root=$(build "$suite" "$arch") || exit 3
    runs=$ROOTS/run
    mkdir -p "$runs" || die "cannot create $runs"
    # run directories of runs killed before they could clean up
    for stale in "$runs"/*.*; do
        kill -0 "${stale##*.}" 2>/dev/null || rm -rf "$stale"
    done
    rundir=$runs/${root##*/}.$$
    rm -rf "$rundir"
    mkdir -p "$rundir" || die "cannot create $rundir"
    # shared: the root is not removed while this run uses it (fd 9 is
    # inherited by the inside, which may turn it exclusive)
    exec 9<"$root.lock" && flock -s 9
    unshare -m --propagation private -- "$0" __inside "$root" "$rundir" "$src" "$dest" "$@" &
    local pid=$!
    trap 'kill -TERM "$pid" 2>/dev/null' INT TERM HUP
    wait "$pid"; rc=$?
    # interrupted: wait for the inner cleanup
    while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
    rm -rf "$rundir"
    return "$rc"
}

usage() {
    sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

case ${1:-} in
    build)    [ "$#" -eq 3 ] || usage; build "$2" "$3" ;;
    path)     [ "$#" -eq 3 ] || usage; root_dir "$2" "$3" ;;
    packages) [ "$#" -eq 3 ] || usage; packages "$2" "$3" ;;
    qemu)     [ "$#" -eq 2 ] || usage; qemu_arch "$2" ;;
    run)      shift; run "$@" ;;
    __inside) shift; inside "$@" ;;
    *)        usage ;;
esac
