# SPDX-License-Identifier: MIT
# mk/profile.mk - skcexec-profile, the memory profiler (cmd/skcexec-profile.c,
# cmd/profile_*.c), and its test fixture (tests/fixtures/hog.c).  Included by
# the Makefile after `all` is defined, so nothing here becomes the default goal.

PROFILE_BIN := $(BIN)/skcexec-profile
PROFILE_SRC := cmd/skcexec-profile.c cmd/profile_run.c cmd/profile_signal.c \
               cmd/profile_kill.c cmd/profile_sample.c cmd/profile_report.c \
               cmd/profile_cgroup.c cmd/profile_output.c cmd/profile_chart.c \
               cmd/profile_fit.c
# --fit names skc and clang the way the library does: its pure parts
# (PURE_SRC: settings, policy), linked in as the unit tests link them.
PROFILE_SHIM_SRC := $(PURE_SRC)
PROFILE_HDR := cmd/profile.h $(SHIM_HDR)

$(PROFILE_BIN): $(PROFILE_SRC) $(PROFILE_SHIM_SRC) $(PROFILE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ishim -DVERSION='"$(VERSION)"' -o $@ $(PROFILE_SRC) $(PROFILE_SHIM_SRC)

# hog: touches N MiB, holds it, optionally with a concurrent or orphaned
# child (tests/profile.bats).  Built by the generic $(BUILD)/fixtures/% rule.
PROFILE_FIXTURES := $(BUILD)/fixtures/hog

all: $(PROFILE_BIN)
bats: $(PROFILE_BIN) $(PROFILE_FIXTURES)

.PHONY: profile
## profile: build skcexec-profile alone
profile: $(PROFILE_BIN)
