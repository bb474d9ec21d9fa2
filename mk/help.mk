# SPDX-License-Identifier: MIT
# mk/help.mk - `make help`: every target of the make files with one line,
# taken from the comment lines
#   ## TARGET: TEXT
# next to each rule (a rule with several targets has one line each),
# listed under the name of the file that holds it.  tests/docs.bats checks
# that every .PHONY target has one.  Included last by the Makefile.
.PHONY: help
## help: this list
help:
	@awk 'FNR == 1 { file = FILENAME; }                                   \
	      /^## [^ :]+: / {                                                \
	          if (file != shown) { printf "%s%s\n", shown ? "\n" : "", file; shown = file; } \
	          target = $$2; sub(/:$$/, "", target);                       \
	          text = $$0; sub(/^## [^ :]+: /, "", text);                  \
	          printf "  %-24s %s\n", target, text; }' $(MAKEFILE_LIST)
