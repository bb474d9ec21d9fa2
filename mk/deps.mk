# SPDX-License-Identifier: MIT
# mk/deps.mk - what a fresh machine lacks (tools/deps.sh holds every list),
# included by the Makefile after `all`.
#
# `make test` (or bats), `make demo` and `make fuzz` first make sure their
# group is installed: as root, apt-get update and install what is missing;
# else the command to run is printed and make stops (for test, only when
# something required is missing: the tests that need an optional tool
# skip).  Done while reading the make files, so before anything is built,
# also with -j; not with -n.  DEPS=0 skips it.
DEPS_GROUPS := $(sort $(filter test demo fuzz,$(patsubst bats,test,$(MAKECMDGOALS))))
ifneq ($(DEPS_GROUPS),)
ifneq ($(DEPS),0)
ifeq ($(findstring n,$(firstword -$(MAKEFLAGS))),)
ifneq ($(shell bash tools/deps.sh $(DEPS_GROUPS) >&2; echo $$?),0)
$(error tools/deps.sh $(DEPS_GROUPS) failed (see above; DEPS=0 skips it))
endif
endif
endif
endif

.PHONY: deps-test deps-demo
## deps-test: install what make test needs (bats, and the tools single tests use)
## deps-demo: install what make demo needs (clang++)
deps-test deps-demo:
	@bash tools/deps.sh $(@:deps-%=%)
