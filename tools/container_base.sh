#!/bin/bash
# SPDX-License-Identifier: MIT
# container_base.sh - the stand-in for skiplabs/skip:latest, made without
# any registry: a Debian 12 root (mmdebstrap, from the Debian mirror) with
# clang, gcc and make, plus this project's skc-like and skargo-like
# fixtures built inside it and installed as skc and skargo
# (tools/container_skargo.sh), imported with `podman import` and tagged
# skiplabs/skip:latest in the private storage of tools/container_lib.sh,
# so that contrib/Dockerfile builds on it unchanged.
#
# usage: tools/container_base.sh     (root; prints the image name last)
#
# Cached in SKCEXEC_CONTAINER_CACHE, keyed by its inputs (this script, the
# fixtures' sources, the package list): the root tarball base-KEY.tar and
# the image localhost/skcexec-standin:KEY.  Older keys are removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
# shellcheck source=tools/container_lib.sh
. "$here/container_lib.sh"

SUITE=bookworm
MIRROR=${SKCEXEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=clang,gcc,make,libc6-dev,mawk,procps
FIXTURES=(tests/fixtures/fake_skc.c tests/fixtures/fake_skargo.c
          tests/fixtures/popen.c tests/fixtures/popen.h tests/fixtures/fail.h
          tests/fixtures/skc_like.h
          tools/container_skargo.sh)
STANDIN=skiplabs/skip:latest

ct_ready || { echo "container: $CT_WHY" >&2; exit 77; }

# The fixtures are compiled inside the root, against its glibc.
# shellcheck disable=SC2016 # $1 is the root, given to the hook by mmdebstrap
HOOK='chroot "$1" sh -ec "
    cd /tmp/standin
    mkdir -p /usr/local/libexec/skargo-standin
    cc -O2 -pthread -o /usr/local/bin/skc fake_skc.c popen.c
    cc -O2 -pthread -o /usr/local/libexec/skargo-standin/skargo fake_skargo.c popen.c
    install -m 755 container_skargo.sh /usr/local/bin/skargo
    cd / && rm -rf /tmp/standin"'

# The key: what goes into the image (a comment changed here keeps it).
key=$( { printf '%s\n' "$SUITE $MIRROR $PACKAGES" "$HOOK"
         for f in "${FIXTURES[@]}"; do cat "$src/$f"; done; } |
       sha256sum | cut -c1-16)
image=localhost/skcexec-standin:$key
tar=$CT_CACHE/base-$key.tar

# One maker at a time on this machine; the others wait, then find it made.
exec 9>"$CT_CACHE/base.lock"
flock 9

if ! pm image exists "$image"; then
    if [ ! -s "$tar" ]; then
        stage=$(mktemp -d)
        trap 'rm -rf "$stage" "$tar.part"' EXIT
        for f in "${FIXTURES[@]}"; do cp "$src/$f" "$stage/"; done
        echo "container: mmdebstrap $SUITE ($PACKAGES) + fixtures -> $tar" >&2
        # shellcheck disable=SC2016 # $1 and $STANDIN_SRC: the hook's
        STANDIN_SRC=$stage mmdebstrap --variant=apt --format=tar --include="$PACKAGES" \
            --customize-hook='cp -r "$STANDIN_SRC" "$1/tmp/standin"' \
            --customize-hook="$HOOK" \
            "$SUITE" "$tar.part" "deb $MIRROR $SUITE main" </dev/null >&2
        mv "$tar.part" "$tar"
    fi
    echo "container: podman import $tar $image" >&2
    pm import --change 'ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD=["/bin/bash"]' "$tar" "$image" >/dev/null
fi
pm tag "$image" "$STANDIN"

# Older keys: their tarballs and images.
for old in "$CT_CACHE"/base-*.tar; do
    [ "$old" = "$tar" ] || [ ! -e "$old" ] || rm -f "$old"
done
pm images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/skcexec-standin:' |
    { grep -vx "$image" || true; } | while read -r old; do pm rmi "$old" >/dev/null || true; done
echo "$STANDIN"
