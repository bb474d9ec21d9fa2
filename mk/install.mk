# SPDX-License-Identifier: MIT
# mk/install.mk - make install / uninstall / deb (included by the Makefile).
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]   copies the files below
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]   removes exactly those
#                  files, and libexec/skcexec/ and share/doc/skcexec/ once
#                  empty; the shared directories install -D made (bin/,
#                  lib/..., share/man/man1/, ...) stay (docs/install.md)
#   make deb       build/skcexec_$(VERSION)_<arch>.deb (packaging/deb/)
#   make print-preload   the LD_PRELOAD value for an install at PREFIX
#   make print-install-files   the installed paths (what uninstall removes)
#
# Neither install nor uninstall needs root when PREFIX (or DESTDIR) is
# writable, and neither needs bats, gnuplot or clang.
.PHONY: install uninstall deb print-preload print-install-files

# ---- install paths: checked before anything is written ----------------------
# The paths are words of make lists (split on blanks), fields of the
# MODE:SOURCE:DESTINATION entries below (split on ':'), words of shell
# commands, LD_PRELOAD entries (split on blanks and ':') and single-quoted
# text of bin/skcexec: a blank, ':' or a character a shell or make reads
# would install over other paths (PREFIX=/opt/x:y would write every file
# over /opt/x), or somewhere else.  So every path is made of letters, digits and
# / . _ - + , @ = only, and the installed ones are absolute (they are
# written into bin/skcexec and into LD_PRELOAD, read from any directory);
# DESTDIR may be relative (to this directory) or empty.  Anything else:
# one line, and make stops before its first command.
install_chars := a b c d e f g h i j k l m n o p q r s t u v w x y z \
    A B C D E F G H I J K L M N O P Q R S T U V W X Y Z \
    0 1 2 3 4 5 6 7 8 9 / . _ - + , @ =
install_empty :=
install_blank := $(install_empty) $(install_empty)
install_tab   := $(install_empty)	$(install_empty)
# $(call install_rest,TEXT,CHARS): TEXT without any of CHARS.
install_rest = $(if $(2),$(call install_rest,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
# The text to check: the value, expanded as make reads it (BINDIR='$(PREFIX)/sbin'
# is make text too).
install_text = $($(1))
install_bad  = $(call install_rest,$(call install_text,$(1)),$(install_chars))
# $(call install_check,VAR,ABSOLUTE?)
define install_check
$(if $(subst $(install_blank),x,$(subst $(install_tab),x,$(install_bad))),\
  $(error skcexec: $(1)="$(call install_text,$(1))": an install path may hold only letters, digits and / . _ - + , @ = (found "$(install_bad)"); nothing installed))\
$(if $(2),$(if $(filter /%,$(call install_text,$(1))),,\
  $(error skcexec: $(1)="$(call install_text,$(1))": not an absolute path; nothing installed)))
endef
INSTALL_DIR_VARS := PREFIX BINDIR LIBDIR LIBEXECDIR MANDIR DOCDIR
INSTALL_GOALS := install uninstall print-preload print-install-files \
    wrapper-install-script $(BUILD)/install/skcexec
ifneq ($(filter $(INSTALL_GOALS),$(MAKECMDGOALS)),)
$(foreach v,$(INSTALL_DIR_VARS),$(call install_check,$(v),abs))
$(call install_check,DESTDIR,)
$(call install_check,BUILD,)
endif
# deb and clean start with `rm -rf` of a directory under BUILD: with a blank
# in BUILD that is two words, and the first one is removed.
ifneq ($(filter deb clean,$(MAKECMDGOALS)),)
ifneq ($(subst $(install_blank),x,$(subst $(install_tab),x,$(call install_bad,BUILD))),)
$(error skcexec: BUILD="$(BUILD)": may hold only letters, digits and / . _ - + , @ = (found "$(call install_bad,BUILD)"); nothing removed)
endif
endif

# Every installed file, one entry each: MODE:SOURCE:DESTINATION (DESTINATION
# without DESTDIR).  install and uninstall both read this list, so uninstall
# removes exactly what install put.  `=`: expanded when used, so PREFIX and
# the other directories given on the command line apply.
INSTALL_FILES = \
    0644:$(LIB):$(LIBDIR)/libskcexec.so \
    0755:$(BUILD)/install/skcexec:$(BINDIR)/skcexec \
    0755:$(PROFILE_BIN):$(BINDIR)/skcexec-profile \
    0644:man/skcexec.1:$(MANDIR)/man1/skcexec.1 \
    0644:man/skcexec-profile.1:$(MANDIR)/man1/skcexec-profile.1 \
    0644:README.md:$(DOCDIR)/README.md \
    $(foreach f,$(WRAPPER_CHECK_FILES),0755:$(f):$(LIBEXECDIR)/skcexec/$(notdir $(f)))

# A stable path for the library, $(PREFIX)/lib/libskcexec.so, a relative
# symlink into the multiarch directory: `ENV LD_PRELOAD=/usr/local/lib/
# libskcexec.so` then holds on every architecture (contrib/Dockerfile).
# Only when LIBDIR is the default multiarch one (else there is nothing to
# point at that the link could name without knowing LIBDIR's layout).
INSTALL_LINK = $(if $(and $(MULTIARCH),$(filter $(PREFIX)/lib/$(MULTIARCH),$(LIBDIR))),$(PREFIX)/lib/libskcexec.so)

install_field = $(word $(2),$(subst :, ,$(1)))
INSTALL_SOURCES = $(foreach e,$(INSTALL_FILES),$(call install_field,$(e),2))
INSTALL_DESTS   = $(foreach e,$(INSTALL_FILES),$(call install_field,$(e),3)) $(INSTALL_LINK)

# One recipe line per file (the blank line inside the define ends each).
define install_one
install -D -m $(call install_field,$(1),1) $(call install_field,$(1),2) $(DESTDIR)$(call install_field,$(1),3)

endef

# PROFILE_BIN comes from mk/profile.mk; named here too so the list is
# complete even if that file is included later.
PROFILE_BIN ?= $(BIN)/skcexec-profile

## install: install the library, commands, man pages and README under PREFIX (DESTDIR)
install: $(INSTALL_SOURCES)
	$(foreach e,$(INSTALL_FILES),$(call install_one,$(e)))
	$(if $(INSTALL_LINK),ln -sfn $(MULTIARCH)/libskcexec.so $(DESTDIR)$(INSTALL_LINK))

# rm -f: a file already gone is not an error.  rmdir only the two
# directories that belong to skcexec alone, and only once empty; bin/,
# lib/, share/man/ and the rest are shared with everything else in PREFIX.
## uninstall: remove exactly the files install put, and skcexec's own directories once empty
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_DESTS))
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(LIBEXECDIR)/skcexec $(DESTDIR)$(DOCDIR) 2>/dev/null

## print-preload: the LD_PRELOAD value for an install at PREFIX
print-preload:
	@echo $(LIBDIR)/libskcexec.so

## print-install-files: the paths install writes (what uninstall removes)
print-install-files:
	@printf '%s\n' $(INSTALL_DESTS)

# ---- make deb -----------------------------------------------------------------
# Plain `dpkg-deb --build --root-owner-group` on a tree staged by `make
# install DESTDIR=... PREFIX=/usr`, not debhelper: the package is a handful
# of files with no maintainer scripts, services or conffiles, so debhelper
# would add build dependencies (debhelper, a debian/ directory with rules,
# compat and source format) and a second build system driving this Makefile,
# for nothing the ~50 lines of packaging/deb/build-deb.sh do not already do
# (strip, gzip the man pages and changelog, copyright, md5sums, Depends from
# dpkg-shlibdeps).  It needs only dpkg-dev's tools, present on any Debian
# machine that builds C (dpkg-shlibdeps is optional, see the script).
# Nothing is written to /etc/ld.so.preload: installing the package must not
# preload the library system-wide without the user asking for it.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null || echo unknown)
DEB      = $(BUILD)/skcexec_$(VERSION)_$(DEB_ARCH).deb
DEB_ROOT = $(BUILD)/deb/root

## deb: the Debian package, build/skcexec_VERSION_ARCH.deb
deb:
	rm -rf $(DEB_ROOT)
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(abspath $(DEB_ROOT))
	sh packaging/deb/build-deb.sh $(DEB_ROOT) $(DEB) $(VERSION) $(DEB_ARCH)
