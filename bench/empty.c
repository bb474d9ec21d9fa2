/* SPDX-License-Identifier: MIT */
/* empty.c - built as a shared object with nothing to do: preloading it
 * costs what any preload costs (the loader opens, maps and relocates it).
 * That is the floor libskcexec is compared with.  One symbol, because an
 * empty translation unit is not valid C. */
int skcexec_bench_empty_so;
