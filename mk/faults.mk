# SPDX-License-Identifier: MIT
# mk/faults.mk - `make faults`, fault injection (tests/faults): the library
# linked with --wrap for every libc call it makes (tests/faults/fault.c),
# and tests/faults/run.sh, which fails each call in turn and checks that
# the library fails open.  .ci/run runs it as a stage.  Included by the
# Makefile after `all`.
FAULT_WRAP := open openat read syscall fstat fstatat faccessat fcntl dup2 \
              chdir fchdir socketpair sendmsg send recvmsg poll readlink \
              real_lookup malloc calloc realloc strdup stat mmap getrlimit \
              sigpending waitid prctl fstatfs getitimer sigaction
$(BUILD)/faults/libskcexec.so: $(SHIM_SRC) $(SHIM_HDR) tests/faults/fault.c $(BUILD)/exports.map
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -o $@ $(SHIM_SRC) tests/faults/fault.c $(SHIM_LDFLAGS) \
	    $(foreach f,$(FAULT_WRAP),-Wl,--wrap=$(f)) -ldl -pthread

.PHONY: faults
## faults: fail each libc call the library makes, in turn: it must fail open
faults: $(BUILD)/faults/libskcexec.so $(FIXTURES) $(GEN_IR)
	BUILD=$(abspath $(BUILD)) bash tests/faults/run.sh
