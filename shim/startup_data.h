/* SPDX-License-Identifier: MIT */
/* startup_data.h - where the variables every process touches live.
 *
 * Each page of this library a process touches costs it a page fault, and
 * in a trivial program the faults are most of what a preload adds to
 * start-up.  Zero-initialised variables go to .bss, whose pages past the
 * first are anonymous and untouched until written; the constructors' two
 * writes there were two extra faults per process (perf record -e
 * page-faults, bench/startup).  Marked STARTUP_DATA, a variable goes to
 * .data instead: the file-backed page the loader has already touched while
 * relocating and zeroing the head of .bss.  Only for the few small
 * variables the constructors write and every wrapper reads. */
#ifndef SKCEXEC_STARTUP_DATA_H
#define SKCEXEC_STARTUP_DATA_H

#define STARTUP_DATA __attribute__((section(".data.skcexec_startup")))

#endif
