# SPDX-License-Identifier: MIT
# mk/wrapper.mk - skcexec, the wrapper command (cmd/skcexec.in, man/skcexec.1).
#
#   $(BIN)/skcexec             for this build tree: the library is $(LIB),
#                              the --check test programs are in $(BUILD)/check
#                              and `fit` runs $(BIN)/skcexec-profile, so
#                              `build/bin/skcexec --check` works after `make`
#   $(BUILD)/install/skcexec   for `make install`: $(LIBDIR)/libskcexec.so,
#                              $(LIBEXECDIR)/skcexec and
#                              $(BINDIR)/skcexec-profile; rewritten on every run
#                              (PREFIX may differ from the last one), but only
#                              touched when its text changes
#
# WRAPPER_CHECK_FILES: the test programs `skcexec --check` runs (a fake skc
# and a fake clang++, built from tests/fixtures).  mk/install.mk installs
# each one as $(LIBEXECDIR)/skcexec/$(notdir F), mode 0755: the install names
# are the built files' own names, skc and clang++.

WRAPPER_CHECK_DIR   := $(BUILD)/check
WRAPPER_CHECK_FILES := $(WRAPPER_CHECK_DIR)/skc $(WRAPPER_CHECK_DIR)/clang++

.PHONY: wrapper wrapper-install-script wrapper-always
## wrapper: build skcexec for this build tree, with the programs --check runs
wrapper: $(BIN)/skcexec $(WRAPPER_CHECK_FILES)
all: wrapper
bats: wrapper

# The paths are written between single quotes into a shell script, and sed
# reads them as replacement text: refuse the characters either would mangle.
wrapper_path_ok = $(if $(findstring ',$(1))$(findstring |,$(1))$(findstring &,$(1))$(findstring \,$(1)),\
    $(error skcexec: the path "$(1)" has one of ' | & \ in it))

# $(call wrapper_gen,LIB,LIBEXEC,PROFILER,OUT): fill in the template;
# replace OUT only when the text differs, so make sees an unchanged file as
# unchanged.
define wrapper_gen
$(call wrapper_path_ok,$(1))$(call wrapper_path_ok,$(2))$(call wrapper_path_ok,$(3))@mkdir -p $(dir $(4))
@sed -e 's|@LIB@|$(1)|g' -e 's|@LIBEXEC@|$(2)|g' -e 's|@PROFILER@|$(3)|g' \
    -e 's|@VERSION@|$(VERSION)|g' cmd/skcexec.in > $(4).tmp
@chmod 755 $(4).tmp
@if cmp -s $(4).tmp $(4); then rm -f $(4).tmp; \
 else mv -f $(4).tmp $(4) && echo "GEN $(4)"; fi
endef

$(BIN)/skcexec: cmd/skcexec.in mk/wrapper.mk wrapper-always
	$(call wrapper_gen,$(abspath $(LIB)),$(abspath $(WRAPPER_CHECK_DIR)),$(abspath $(BIN))/skcexec-profile,$@)

## wrapper-install-script: build skcexec for `make install` (paths from PREFIX)
wrapper-install-script: $(BUILD)/install/skcexec
$(BUILD)/install/skcexec: cmd/skcexec.in mk/wrapper.mk wrapper-always
	$(call wrapper_gen,$(LIBDIR)/libskcexec.so,$(LIBEXECDIR)/skcexec,$(BINDIR)/skcexec-profile,$@)

# Nothing to do: makes the two scripts above be compared on every run (the
# paths in them come from variables make cannot track).
## wrapper-always: (internal) makes the skcexec scripts be rewritten when their text changes
wrapper-always:

$(WRAPPER_CHECK_DIR)/skc: $(BUILD)/fixtures/skc
	@mkdir -p $(@D)
	cp $< $@

$(WRAPPER_CHECK_DIR)/clang++: $(BUILD)/fixtures/fake_clang
	@mkdir -p $(@D)
	cp $< $@
