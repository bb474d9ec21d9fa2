/* SPDX-License-Identifier: MIT */
/* startup_data.h - where what every process touches lives.
 *
 * Every process of a build maps this library; a trivial one (cc1, sed,
 * true) runs nothing of it but the constructor, and each page of it the
 * process touches costs a page fault, and each page the kernel maps along
 * with a fault ("fault-around") a page-table entry to set up and tear
 * down.  Those are most of what a preload adds to start-up
 * (tests/startup_budget.bats counts them), so:
 *
 * STARTUP_DATA  the few small variables the constructor writes and every
 *   wrapper reads go to .data, on the page the loader already writes while
 *   relocating (.got.plt), not to .bss, whose other pages no trivial
 *   process needs to touch.
 * STARTUP_TEXT  the constructor and what it calls go to a section of their
 *   own, which shim/layout.ld puts after .text, at the end of the
 *   library's code: the one fault there maps the pages from the start of
 *   its 64 KiB-aligned block to the end, on average fewer than the whole
 *   code that a fault at its start would map.
 */
#ifndef SKCEXEC_STARTUP_DATA_H
#define SKCEXEC_STARTUP_DATA_H

#define STARTUP_DATA __attribute__((section(".data.skcexec_startup")))
#define STARTUP_TEXT __attribute__((section(".text_skcexec_startup")))

#endif
