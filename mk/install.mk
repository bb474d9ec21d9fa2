# mk/install.mk - placeholder, filled in by a later commit.
