# SPDX-License-Identifier: MIT
# mk/checks.mk - extra checks, included by the Makefile:
#   make asan       ASan+UBSan build in $(BUILD)/asan, unit + bats tests on it
#   make valgrind   the fixtures' active paths under memcheck (tools/check_valgrind.sh)
#   make lint       cppcheck, clang-tidy, shellcheck
#   make fuzz       the pure parsers under libFuzzer (tools/fuzz.sh)
#   make peer-test  real programs' own spawning test suites under the preload
# tools/check_all.sh runs the first three (CI), .ci/run also runs `make
# fuzz`.  Variables are expanded late (=), so this file may be included
# anywhere in the Makefile; it leaves the default goal alone (saved here,
# restored at the end).

CHECKS_SAVED_GOAL := $(.DEFAULT_GOAL)
.PHONY: asan asan-build valgrind lint cppcheck clang-tidy shellcheck fuzz peer-test

# ---- ASan + UBSan -----------------------------------------------------------
ASAN_BUILD = $(BUILD)/asan
# -fno-sanitize=nonnull-attribute: the wrappers and the bad-input fixtures
# pass NULL where glibc's headers say nonnull, on purpose (see the Makefile's
# -fno-delete-null-pointer-checks); a real NULL dereference is still an
# ASan SEGV report.
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-sanitize=nonnull-attribute -fno-omit-frame-pointer -O1 -g
# Preloaded first: every process under with_shim (bash, sh, make, ...) gets
# the runtime before the instrumented library.
ASAN_RT    = $(shell $(CC) -print-file-name=libasan.so)
# Whole bats files left out under ASan: memory.bats and profile.bats
# measure the fixtures' memory in MiB (shadow memory and quarantine distort
# it), stress.bats starts 10^4 processes per test (several minutes when
# each loads ASan), startup_budget.bats counts what the optimised library
# costs at load time (an instrumented one is another library).
ASAN_SKIP ?= memory profile stress startup_budget
ASAN_BATS ?= $(filter-out $(ASAN_SKIP:%=tests/%.bats),$(sort $(wildcard tests/*.bats)))
# What the bats target depends on (FIXTURE_LIBS may be undefined), plus
# the unit tests.
ASAN_TARGETS = $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(BUILD)/libskcexec.so \
    $(FIXTURES) $(FIXTURE_LIBS) $(GEN_IR) $(UNITS) $(BIN)/skcexec \
    $(WRAPPER_CHECK_FILES) $(PROFILE_BIN) $(PROFILE_FIXTURES))

# make does not track flags: a tree built with other flags is started over.
## asan-build: build the library, fixtures and unit tests with ASan+UBSan in build/asan
asan-build:
	@f='$(CFLAGS) $(ASAN_FLAGS)'; \
	if [ "$$(cat $(ASAN_BUILD)/cflags 2>/dev/null)" != "$$f" ]; then \
	    rm -rf $(ASAN_BUILD) && mkdir -p $(ASAN_BUILD) && \
	    echo "$$f" > $(ASAN_BUILD)/cflags; fi
	$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CFLAGS='$(CFLAGS) $(ASAN_FLAGS)' \
	    $(ASAN_TARGETS)

# Unit tests with leak detection on (they are instrumented programs, nothing
# preloaded); then the bats files with the runtime and library preloaded
# (tools/check_asan.sh: options, test-level skips, report detection).
## asan: the unit and bats tests on the ASan+UBSan build
asan: asan-build
	@for u in $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(UNITS)); do \
	    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=66 \
	    UBSAN_OPTIONS=halt_on_error=1:exitcode=66:print_stacktrace=1 $$u || exit 1; \
	done
	@echo "asan: bats files left out: $(ASAN_SKIP:%=tests/%.bats)"
	BUILD=$(abspath $(ASAN_BUILD)) ASAN_RT=$(ASAN_RT) bash tools/check_asan.sh $(ASAN_BATS)

# ---- valgrind ---------------------------------------------------------------
## valgrind: the library's active paths under valgrind's memcheck
valgrind: $(BUILD)/libskcexec.so $(FIXTURES)
	BUILD=$(abspath $(BUILD)) bash tools/check_valgrind.sh

# ---- lint -------------------------------------------------------------------
# tools/check_lint.sh holds the file lists, the flags and, with .clang-tidy
# and mk/cppcheck.supp, every exclusion and its reason.
## lint: cppcheck, clang-tidy and shellcheck on every source and script
lint:
	bash tools/check_lint.sh cppcheck clang-tidy shellcheck

## cppcheck: only cppcheck (C sources)
## clang-tidy: only clang-tidy (C sources)
## shellcheck: only shellcheck (scripts and bats files)
cppcheck clang-tidy shellcheck:
	bash tools/check_lint.sh $@

# ---- fuzzing ------------------------------------------------------------------
# tools/fuzz.sh builds tests/fuzz/fuzz_parsers.c with a clang that links
# libFuzzer (tools/deps.sh fuzz installs one) and runs FUZZ_RUNS inputs
# (empty: the script's default); it ends with one line "fuzz: N
# executions, C crashes".
FUZZ_RUNS ?=
## fuzz: the pure parsers under libFuzzer, FUZZ_RUNS executions (default: tools/fuzz.sh's)
fuzz:
	BUILD=$(BUILD) sh tools/fuzz.sh $(FUZZ_RUNS)

# ---- peer suites --------------------------------------------------------------
# Real programs' own process-spawning test suites (CPython 3.11, GLib 2.74
# from Debian packages), run without and with the preload: same results.
# About 6 minutes plus the first install; not part of `make test`.
## peer-test: CPython's and GLib's own spawning test suites, without and with the preload
peer-test: $(LIB)
	PEER_OUT=$(abspath $(BUILD))/peer-test bash tools/peer_test.sh $(abspath $(LIB))

.DEFAULT_GOAL := $(CHECKS_SAVED_GOAL)
