# SPDX-License-Identifier: MIT
# mk/container.mk - `make container-test`: contrib/Dockerfile and the CI
# recipes in podman (runc) under a memory limit, on a stand-in for
# skiplabs/skip:latest (tools/container_test.sh, tests/container/).
# Root only; says in one line why it skips elsewhere.  Not part of `make
# test`: the first run builds a Debian base image (minutes), and each run
# starts GB-sized builds in containers.  .ci/run runs it as a stage.
.PHONY: container-test
## container-test: contrib/Dockerfile and the CI recipes in podman under a memory limit (root)
container-test: $(GEN_IR)
	BUILD=$(abspath $(BUILD)) bash tools/container_test.sh
