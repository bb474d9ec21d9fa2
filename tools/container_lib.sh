# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # CT_WHY is read by the scripts sourcing this file
# container_lib.sh - podman set up the way it works on these machines, for
# tools/container_base.sh and tools/container_test.sh (sourced, bash).
#
# podman runs with runc and the cgroupfs manager (crun fails on a hybrid
# cgroup v1 host: "cgroups in hybrid mode not supported"), no default
# ulimits (setrlimit is refused), and its own storage under CT_CACHE, so
# that the stand-in image tagged skiplabs/skip:latest, the images built
# from it and their containers never meet the machine's own podman images.
#   SKCEXEC_CONTAINER_CACHE  storage and cached base image
#                            (default /var/cache/skcexec-container)
#   SKCEXEC_CONTAINER_RUNTIME  the OCI runtime (default: runc from PATH)

CT_CACHE=${SKCEXEC_CONTAINER_CACHE:-/var/cache/skcexec-container}
CT_WHY=     # why the engine cannot run here (ct_ready), one line

# pm ARGS...: podman with the settings above (paths given to it must be
# absolute).  It runs in a directory of its own: on an OOM kill in a
# container, conmon 2.1 here writes a file named `oom` into its working
# directory, which would otherwise be the caller's (the source tree).
pm() {
    (cd "$CT_CACHE/cwd" &&
     CONTAINERS_CONF=$CT_CACHE/containers.conf exec podman \
        --root "$CT_CACHE/storage" --runroot "$CT_CACHE/runroot" \
        --tmpdir "$CT_CACHE/libpod" --runtime "$CT_RUNTIME" \
        --cgroup-manager=cgroupfs --events-backend=file "$@")
}

# ct_ready: 0 when root, a memory cgroup, podman, runc and mmdebstrap are
# there (installing the last three with apt-get when missing); else 1 with
# CT_WHY set.  The first container run (ct_probe) is the final word.
ct_ready() {
    if [ "$(id -u)" != 0 ]; then
        CT_WHY="needs root (podman with runc and cgroupfs)"; return 1
    fi
    if [ ! -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] &&
       ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
        CT_WHY="no memory cgroup (v1 or v2) on this machine"; return 1
    fi
    local missing=() c
    for c in podman runc mmdebstrap; do
        command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$c" \
            >/dev/null 2>&1 || missing+=("$c")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if ! command -v apt-get >/dev/null 2>&1; then
            CT_WHY="no ${missing[*]} and no apt-get to install them"; return 1
        fi
        echo "container: apt-get install ${missing[*]}" >&2
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
               DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                   --no-install-recommends "${missing[@]}"; } >/dev/null 2>&1; then
            CT_WHY="apt-get install ${missing[*]} failed"; return 1
        fi
    fi
    CT_RUNTIME=${SKCEXEC_CONTAINER_RUNTIME:-$(PATH=$PATH:/usr/sbin command -v runc)}
    if [ ! -x "$CT_RUNTIME" ]; then
        CT_WHY="no OCI runtime at '$CT_RUNTIME' (apt-get install runc)"; return 1
    fi
    mkdir -p "$CT_CACHE/cwd" || { CT_WHY="cannot create $CT_CACHE"; return 1; }
    printf '[containers]\ndefault_ulimits = []\n' >"$CT_CACHE/containers.conf"
    local err
    if ! err=$(pm info 2>&1 >/dev/null); then
        CT_WHY="podman does not start here: $(echo "$err" | tail -n 1)"; return 1
    fi
}

# ct_probe IMAGE: a container with a 64 MiB limit must see that limit.
ct_probe() {
    local got
    got=$(pm run --rm --network none --memory 64m "$1" /bin/sh -c \
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null ||
         cat /sys/fs/cgroup/memory.max' 2>&1 | tr -d '\0')
    if [ "$got" != 67108864 ]; then
        CT_WHY="podman cannot run a container with a memory limit here: $(echo "$got" | tail -n 1)"
        return 1
    fi
}
