# mk/wrapper.mk - placeholder, filled in by a later commit.
