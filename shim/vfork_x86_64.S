/* SPDX-License-Identifier: MIT */
/* vfork_x86_64.S - the exported vfork.
 *
 * A C function that calls the real vfork and returns is undefined behaviour:
 * the child would return through, and clobber, the frame the parent still
 * needs.  So this trampoline has no frame of its own when it jumps: in a
 * process decided inert it tail-jumps to libc's vfork with the caller's
 * return address untouched.  Otherwise (not decided yet, a caller, or
 * libc's vfork not looked up yet) it first calls skcexec_vfork_prepare, an
 * ordinary C call that returns before anything is forked, and tail-jumps
 * where that says: libc's vfork, or a C function that forks instead (fork is
 * always a valid vfork) and may then hand the exec over.
 */
/* Built with -fcf-protection, the library must say it is IBT/SHSTK-ready
 * like its C objects, or the loader turns CET off for the whole process:
 * cet.h adds that note (the code itself is ready: endbr64 below, balanced
 * call/ret). */
#ifdef __CET__
#include <cet.h>
#endif
        .text
        .globl  vfork
        .type   vfork, @function
vfork:
        .cfi_startproc
        endbr64
        cmpl    $2, process_state(%rip)         /* PROCESS_INERT */
        jne     1f
        movq    real_slot_vfork(%rip), %rax
        testq   %rax, %rax
        jz      1f
        jmp     *%rax
1:      subq    $8, %rsp                        /* 16-byte aligned for the call */
        .cfi_adjust_cfa_offset 8
        call    skcexec_vfork_prepare
        addq    $8, %rsp
        .cfi_adjust_cfa_offset -8
        jmp     *%rax
        .cfi_endproc
        .size   vfork, .-vfork

        .section .note.GNU-stack, "", @progbits
