/* SPDX-License-Identifier: MIT */
/* startup_data.h - where the variables every wrapper reads live.
 *
 * Every process of a build maps this library, and most (cc1, sed, true)
 * never call a wrapper: they run none of its code (it has no constructor)
 * and touch only the pages the loader writes while relocating it.  Each
 * other page a process touches costs it a page fault.  Marked STARTUP_DATA,
 * the few small variables every wrapper reads (and the first one writes)
 * go to .data, the page of .got.plt the loader has already written, not to
 * .bss, whose other pages only a process that spawns needs.
 * tests/startup_budget.bats counts the faults.
 */
#ifndef SKCEXEC_STARTUP_DATA_H
#define SKCEXEC_STARTUP_DATA_H

#define STARTUP_DATA __attribute__((section(".data.skcexec_startup")))

#endif
