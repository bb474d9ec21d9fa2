#!/bin/sh
# SPDX-License-Identifier: MIT
# build-deb.sh ROOT OUT VERSION ARCH - turn the tree `make install
# DESTDIR=ROOT PREFIX=/usr` staged into the Debian package OUT.  Called by
# `make deb` (mk/install.mk says why dpkg-deb and not debhelper).
#
# What Debian policy and lintian want on top of the installed files, done
# the way debhelper would: ELF files stripped, man pages and the changelog
# compressed with gzip -9n (no name or time stamp: reproducible), the
# copyright file, md5sums, Depends computed from the binaries.
set -eu
[ "$#" -eq 4 ] || { echo "usage: $0 ROOT OUT VERSION ARCH" >&2; exit 2; }
out=$2 version=$3 arch=$4
[ -d "$1/usr" ] || { echo "build-deb: $1/usr: not a staged install" >&2; exit 1; }
root=$(cd "$1" && pwd)     # absolute: depends() runs in another directory
here=$(cd "$(dirname "$0")" && pwd)
doc=$root/usr/share/doc/skcexec

is_elf() {
    [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

# Every regular ELF file under usr/, one per line (no spaces in our paths).
elf_files() {
    find "$root/usr" -type f | sort | while read -r f; do
        if is_elf "$f"; then echo "$f"; fi
    done
}

# Depends: dpkg-shlibdeps reads libc6's symbols file, so the version is the
# one the symbols used need (not just the glibc this was built on).  It
# insists on a debian/control, hence the two-stanza one in a scratch
# directory.  Without it: the newest GLIBC_x.y version the files require.
depends() {
    if command -v dpkg-shlibdeps >/dev/null 2>&1; then
        tmp=$(mktemp -d)
        mkdir "$tmp/debian"
        printf 'Source: skcexec\n\nPackage: skcexec\nArchitecture: any\n' \
            >"$tmp/debian/control"
        # shellcheck disable=SC2046 # one word per file, by design
        dep=$(cd "$tmp" && dpkg-shlibdeps -O -xskcexec $(elf_files) 2>/dev/null |
              sed -n 's/^shlibs:Depends=//p')
        rm -rf "$tmp"
        if [ -n "$dep" ]; then echo "$dep"; return; fi
    fi
    # shellcheck disable=SC2046
    v=$(readelf -V $(elf_files) | grep -o 'Name: GLIBC_[0-9.]*' |
        sed 's/.*GLIBC_//' | sort -uV | tail -n 1)
    echo "libc6 (>= ${v:-2.17})"
}

for f in $(elf_files); do
    case $f in
        *.so) strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f" ;;
        *)    strip --remove-section=.comment --remove-section=.note "$f" ;;
    esac
done
find "$root/usr/share/man" -type f -name '*.[1-9]' -exec gzip -9n {} +
install -D -m 0644 "$here/copyright" "$doc/copyright"
gzip -9n <"$here/changelog" >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
if [ -s "$here/lintian-overrides" ]; then
    install -D -m 0644 "$here/lintian-overrides" \
        "$root/usr/share/lintian/overrides/skcexec"
fi

mkdir -p "$root/DEBIAN"
find "$root" -type d -exec chmod 0755 {} +
(cd "$root" && find usr -type f | sort | xargs md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
dep=$(depends)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$dep/" "$here/control.in" >"$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$(dirname "$out")"
dpkg-deb --build --root-owner-group -Zxz "$root" "$out" >/dev/null
echo "build-deb: $out (Depends: $dep)"
