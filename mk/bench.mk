# mk/bench.mk - placeholder, filled in by a later commit.
