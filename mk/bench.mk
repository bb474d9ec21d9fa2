# SPDX-License-Identifier: MIT
# mk/bench.mk - `make bench`: baseline vs libskcexec on a skc-like program
# running real clang++ -O2 (peak, OOM, wall time), and what the library
# costs everywhere else (start-up, spawn throughput, a clang compile, the IR
# barrier).  bench/run.sh prints a markdown table and saves the run's output
# and chart in $(BUILD)/bench/.  Sizes and repeats can be set:
#   make bench HOLD=3400 IR_FUNCS=200 OOM_RUNS=10 PEAK_RUNS=3 SPAWNS=100 ROUNDS=20
# (defaults and meanings at the top of bench/run.sh).  The concurrent-builds
# rows (bench/concurrent.sh: CONC_K, CONC_HOLD, CONC_IR_FUNCS, CONC_RUNS) are part of it;
# `make bench-concurrent` runs them alone.  So are the rows checking `skcexec
# fit` against real runs (bench/fit.sh: FIT_SIZES); `make bench-fit` alone.
# `make bench-startup` runs the start-up rows alone (bench/startup_cost.sh:
# LOAD_FACTOR, QUIET_US, PERF_RUNS), with SPAWNS and ROUNDS; a run on a
# loaded machine gives no verdict.
# `make bench-paths` (bench/paths.sh: CALLER_MB, IR_FUNCS) is the memory
# drop on every path a caller starts clang by, not part of `make bench`.
BENCH_DIR   := $(BUILD)/bench
BENCH_PROGS := $(BENCH_DIR)/startup $(BENCH_DIR)/spawnloop $(BENCH_DIR)/true \
               $(BENCH_DIR)/barrier_cost $(BENCH_DIR)/empty.so
BENCH_VARS  := HOLD IR_FUNCS IR_OPS OOM_RUNS PEAK_RUNS SPAWNS ROUNDS CLANG_RUNS \
               CONC_K CONC_HOLD CONC_IR_FUNCS CONC_RUNS FIT_SIZES \
               LOAD_FACTOR QUIET_US PERF_RUNS

.PHONY: bench bench-progs bench-concurrent bench-fit bench-startup bench-paths
## bench-progs: build the benchmark's own programs
bench-progs: $(BENCH_PROGS)

## bench: measure everything: peaks, OOM, wall time, start-up and spawn cost (markdown table)
bench: $(LIB) $(FIXTURES) $(GEN_IR) $(BIN)/skcexec-profile $(BIN)/skcexec $(BENCH_PROGS)
	BUILD=$(abspath $(BUILD)) $(foreach v,$(BENCH_VARS),$(v)='$($(v))') \
	    bash bench/run.sh

## bench-fit: only the rows checking skcexec fit against real runs
bench-fit: $(LIB) $(FIXTURES) $(GEN_IR) $(BIN)/skcexec-profile $(BIN)/skcexec
	BUILD=$(abspath $(BUILD)) $(foreach v,$(BENCH_VARS),$(v)='$($(v))') \
	    bash bench/run.sh fit

## bench-startup: only the start-up cost rows
bench-startup: $(LIB) $(BENCH_PROGS)
	BUILD=$(abspath $(BUILD)) $(foreach v,$(BENCH_VARS),$(v)='$($(v))') \
	    bash bench/run.sh startup

## bench-concurrent: only the rows of many builds under one memory limit
bench-concurrent: $(LIB) $(FIXTURES) $(GEN_IR) $(BIN)/skcexec-profile
	BUILD=$(abspath $(BUILD)) $(foreach v,$(BENCH_VARS),$(v)='$($(v))') \
	    bash bench/run.sh concurrent

## bench-paths: the memory drop on every path: posix_spawn, fork/vfork + exec, system, exec
bench-paths: $(LIB) $(FIXTURES) $(GEN_IR) $(BIN)/skcexec-profile
	BUILD=$(abspath $(BUILD)) sh bench/paths.sh

$(BENCH_DIR)/empty.so: bench/empty.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $<

# The shim's own barrier code, linked in: the microbenchmark times it.
BARRIER_SRC := shim/barrier.c shim/clang_args.c shim/fdtable.c shim/log.c shim/procfs.c
$(BENCH_DIR)/barrier_cost: bench/barrier_cost.c bench/timing.h $(BARRIER_SRC) $(SHIM_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ishim -o $@ bench/barrier_cost.c $(BARRIER_SRC)

$(BENCH_DIR)/%: bench/%.c bench/timing.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
