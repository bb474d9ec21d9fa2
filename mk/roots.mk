# SPDX-License-Identifier: MIT
# mk/roots.mk - the tests on other Debian releases and architectures, each
# in a Debian root built once with mmdebstrap and cached in
# /var/cache/skcexec-roots (tools/debroot.sh; tools/test_in_root.sh copies
# the working tree in, builds it with the root's own compiler, runs make).
# Needs root; installs mmdebstrap (and qemu-user-static, binfmt-support)
# with apt-get when missing.  Included by the Makefile after `all`.
#
#   make test-debian13   make test in a Debian 13 (trixie) root of this
#                        machine's architecture: glibc 2.41, gcc 14, clang 19
#   make test-arm64      make test in an arm64 Debian root under qemu-user
#                        (binfmt_misc): the library and the fixtures built by
#                        the root's own aarch64 gcc, the aarch64 vfork
#                        trampoline, the handover and the in-place exec run
#   make ci-debian13     .ci/run itself in a Debian 13 root, as on a fresh
#                        Debian 13 machine (its own apt-get installs; the
#                        debian13 stage skips there: the host is Debian 13)
#   make roots           only build (or find cached) both roots
#
#   ROOT_TARGETS   what make runs in the root (default: test; e.g. "test faults")
#   ROOT_BATS      only these bats files, e.g. ROOT_BATS="spawn_path exec_paths"
#                  (default: all of them)
#   ARM64_SUITE    the arm64 root's release (default: trixie)
#   ARM64_JOBS     test-arm64 runs the bats files in this many root copies
#                  at once (default 3: one qemu process keeps one core busy,
#                  but many tests wait; 3 groups balance better than 2)

ROOT_TARGETS ?= test
ROOT_BATS    ?=
ARM64_SUITE  ?= trixie
ARM64_JOBS   ?= 3
ROOT_OPTS     = $(if $(strip $(ROOT_BATS)),--bats "$(strip $(ROOT_BATS))")
HOST_DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null || echo amd64)

.PHONY: test-debian13 test-arm64 ci-debian13 roots
## test-debian13: make test in a Debian 13 root of this machine's architecture (root)
test-debian13:
	bash tools/test_in_root.sh $(ROOT_OPTS) trixie $(HOST_DEB_ARCH) $(ROOT_TARGETS)

## ci-debian13: .ci/run in a Debian 13 root, as on a fresh Debian 13 machine (root)
ci-debian13:
	bash tools/test_in_root.sh --ci-run trixie $(HOST_DEB_ARCH)

## test-arm64: make test in an arm64 Debian root under qemu-user (root)
test-arm64:
	bash tools/test_in_root.sh --jobs $(ARM64_JOBS) $(ROOT_OPTS) $(ARM64_SUITE) arm64 $(ROOT_TARGETS)

## roots: build (or find cached) both Debian roots
roots:
	bash tools/debroot.sh build trixie $(HOST_DEB_ARCH)
	bash tools/debroot.sh build $(ARM64_SUITE) arm64
