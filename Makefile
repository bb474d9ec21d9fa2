# SPDX-License-Identifier: MIT
# libskcexec: see README.md.  `make` builds the library, `make test` runs
# every test, `make demo` shows the memory drop with real clang, `make help`
# lists every target (from the `## TARGET: TEXT` lines of the make files).

CC      ?= cc
BUILD   ?= build
WARN    := -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN)
# The wrappers get NULL where libc's headers promise nonnull (real programs
# do pass it): keep every NULL check the code makes.
SHIM_CFLAGS := $(CFLAGS) -fPIC -fvisibility=hidden -fno-delete-null-pointer-checks
# Every process of a build maps the library, so what it costs at load time
# is kept small (tests/startup_budget.bats counts it):
#   -nostartfiles  without the compiler's crt files the library has no
#       _init/_fini and no crtbegin code: with no constructor either,
#       nothing of it runs at start-up or exit, and four symbols fewer to
#       bind (TM clones, gmon, __cxa_finalize).  It registers no atexit or
#       pthread_atfork handler (they would need crtbegin's __dso_handle:
#       a link error, not a silent change);
#   shim/layout.ld  no anonymous mapping for .bss (see the file).
SHIM_LDFLAGS := -shared -nostartfiles -Wl,--version-script=$(BUILD)/exports.map \
                -Wl,-z,defs -Wl,-T,shim/layout.ld
LIBC     := $(shell $(CC) -print-file-name=libc.so.6)

SHIM_SRC := $(wildcard shim/*.c)
SHIM_HDR := $(wildcard shim/*.h) shim/wrapped.def shim/layout.ld
LIB      := $(BUILD)/libskcexec.so

# The pure parts, linked into the unit tests (and the fuzzer).
PURE_SRC := shim/policy.c shim/settings.c shim/shell_cmd.c shim/clang_args.c

# The callers that spawn clang through tests/fixtures/spawn_clang.h.
SPAWN_CLANG_CALLERS := $(BUILD)/fixtures/cpu_time_caller \
            $(BUILD)/fixtures/privdrop_caller $(BUILD)/fixtures/sigwait_caller \
            $(BUILD)/fixtures/threaded_fork_caller $(BUILD)/fixtures/worker_caller
FIXTURES := $(BUILD)/fixtures/skc $(BUILD)/fixtures/fake_clang \
            $(BUILD)/fixtures/skargo $(BUILD)/fixtures/spawn_probe \
            $(BUILD)/fixtures/exec_caller $(BUILD)/fixtures/stress_spawn \
            $(BUILD)/fixtures/malloc_guard $(BUILD)/fixtures/spawn_edge_cases \
            $(BUILD)/fixtures/spawn_argv $(BUILD)/fixtures/decide_probe \
            $(BUILD)/fixtures/pidfd_caller \
            $(BUILD)/fixtures/state_caller $(BUILD)/fixtures/state_probe \
            $(BUILD)/fixtures/group_kill $(BUILD)/fixtures/vfork_errno \
            $(BUILD)/fixtures/system_caller $(BUILD)/fixtures/wait_status \
            $(BUILD)/fixtures/gen_system_cmds \
            $(BUILD)/fixtures/busy_clang $(BUILD)/fixtures/fork_dlsym \
            $(BUILD)/fixtures/sigpending_caller $(SPAWN_CLANG_CALLERS)
FIXTURE_LIBS := $(BUILD)/fixtures/other_preload.so $(BUILD)/fixtures/empty.so
# The generator of real-size IR for real clang (bench/lib.sh's gen_ir):
# the demo, the benchmarks and the container test compile what it writes.
GEN_IR   := $(BUILD)/bench/gen_ir
UNITS    := $(BUILD)/unit/unit_policy $(BUILD)/unit/unit_shell_cmd \
            $(BUILD)/unit/unit_clang_args \
            $(BUILD)/unit/unit_real

.PHONY: all test unit bats demo clean
## all: the library, skcexec and skcexec-profile (the default)
all: $(LIB)

$(LIB): $(SHIM_SRC) $(SHIM_HDR) $(BUILD)/exports.map
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -o $@ $(SHIM_SRC) $(SHIM_LDFLAGS) -ldl -pthread

$(BUILD)/exports.map: shim/wrapped.def tools/exports.sh
	@mkdir -p $(@D)
	sh tools/exports.sh shim/wrapped.def $(LIBC) > $@

$(BUILD)/fixtures/skc: tests/fixtures/fake_skc.c tests/fixtures/popen.c tests/fixtures/popen.h tests/fixtures/fail.h tests/fixtures/skc_like.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -o $@ tests/fixtures/fake_skc.c tests/fixtures/popen.c

$(BUILD)/fixtures/skargo: tests/fixtures/fake_skargo.c tests/fixtures/popen.c tests/fixtures/popen.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -o $@ tests/fixtures/fake_skargo.c tests/fixtures/popen.c

$(BUILD)/fixtures/%.so: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

# A preload with nothing in it: the "without the library" side of the
# differential tests (tests/differential.bats, tests/system_fuzz.bats).
$(BUILD)/fixtures/empty.so: bench/empty.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $<

$(BUILD)/fixtures/state_caller: tests/fixtures/state_items.h tests/fixtures/fail.h \
    tests/fixtures/splitmix.h
$(BUILD)/fixtures/system_caller $(BUILD)/fixtures/vfork_errno: tests/fixtures/fail.h
$(BUILD)/fixtures/gen_system_cmds: tests/fixtures/splitmix.h

$(BUILD)/fixtures/exec_caller: tests/fixtures/exec_caller.c tests/fixtures/popen.c tests/fixtures/popen.h tests/fixtures/fail.h tests/fixtures/skc_like.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -o $@ tests/fixtures/exec_caller.c tests/fixtures/popen.c

# -rdynamic: its readlink must take the place of libc's for the library.
$(BUILD)/fixtures/decide_probe: tests/fixtures/decide_probe.c tests/fixtures/fail.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -rdynamic -o $@ $<

$(SPAWN_CLANG_CALLERS): tests/fixtures/spawn_clang.h tests/fixtures/fail.h
$(BUILD)/fixtures/sigpending_caller: tests/fixtures/fail.h
$(BUILD)/fixtures/fake_clang $(BUILD)/fixtures/state_probe: tests/fixtures/fd_list.h

$(BUILD)/fixtures/%: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -o $@ $<

$(GEN_IR): bench/gen_ir.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -o $@ $<

# real.c is no pure function, but its lookup is checked against dlsym,
# with a library that has only a System V hash table after the program.
$(BUILD)/unit/libsysv_next.so: tests/unit/sysv_next.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -Wl,--hash-style=sysv -o $@ $<

$(BUILD)/unit/unit_real: tests/unit/unit_real.c tests/unit/check.h shim/real.c shim/real.h shim/wrapped.def $(BUILD)/unit/libsysv_next.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ishim -o $@ $< shim/real.c -Wl,--no-as-needed \
	    -L$(BUILD)/unit -lsysv_next -Wl,-rpath,'$$ORIGIN' -ldl

$(BUILD)/unit/%: tests/unit/%.c tests/unit/check.h $(PURE_SRC) $(SHIM_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ishim -o $@ $< $(PURE_SRC)

## unit: the unit programs of the library's pure parts
unit: $(UNITS)
	@for u in $(UNITS); do $$u || exit 1; done

# Every bats file (after the unit programs, for `make test`); ends with one
# line "N passed, N failed, N skipped" (a unit program counts as one test).
test: TEST_UNITS = $(UNITS)
## bats: every bats file (tests/*.bats), without the unit programs
bats: $(UNITS) $(LIB) $(FIXTURES) $(FIXTURE_LIBS) $(GEN_IR)
	BUILD=$(abspath $(BUILD)) bash tools/run_tests.sh $(TEST_UNITS)

## test: the unit programs and every bats file; ends with "N passed, N failed, N skipped"
test: bats

## demo: a skc-like program and real clang on a generated IR, without and with the library: both peaks
demo: $(LIB) $(FIXTURES) $(GEN_IR) $(BUILD)/bin/skcexec-profile
	BUILD=$(abspath $(BUILD)) sh bench/demo.sh

## clean: remove the build tree (BUILD, default build/)
clean:
	rm -rf $(BUILD)

# ---- shipped commands, install, packaging, benchmark -----------------------
# Paths of an installed copy (GNU conventions; DESTDIR is prepended only when
# copying, never in a path written into a file).
VERSION    := 0.1.0
PREFIX     ?= /usr/local
# Debian's multiarch tuple (x86_64-linux-gnu), for lib/<multiarch>/: gcc
# prints it; clang 19 does not know -print-multiarch, so then the directory
# CC's libc is in names it (if it is a tuple: /usr/lib64 elsewhere means no
# multiarch); failing both (a CC that answers nothing), dpkg's, or gcc's.
MULTIARCH  := $(or $(shell $(CC) -print-multiarch 2>/dev/null),$(filter %-linux-gnu %-linux-gnueabihf %-linux-gnuabi64 %-linux-musl,$(notdir $(patsubst %/,%,$(dir $(realpath $(LIBC)))))),$(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null),$(shell gcc -print-multiarch 2>/dev/null))
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/skcexec
BIN        := $(BUILD)/bin

include mk/deps.mk      # what a fresh machine lacks: tools/deps.sh before test, demo, fuzz
include mk/profile.mk   # skcexec-profile: the memory profiler
include mk/wrapper.mk   # skcexec: the wrapper command
include mk/install.mk   # make install / uninstall / deb, contrib recipes
include mk/bench.mk     # make bench, bench-paths
include mk/container.mk # make container-test
include mk/checks.mk    # make asan, valgrind, lint, fuzz, peer-test
include mk/faults.mk    # make faults: fault injection
include mk/roots.mk     # make test-debian13, test-arm64: the tests in Debian roots
include mk/help.mk      # make help: every target, one line each
