/* SPDX-License-Identifier: MIT */
/* vfork_aarch64.S - the exported vfork; see vfork_x86_64.S for why this is
 * a trampoline without a frame when it jumps.  x16 is the intra-procedure-
 * call scratch register: free to use between a call and its target.  The
 * call to skcexec_vfork_prepare saves the frame pointer and the link
 * register, and restores both before the jump. */
        .text
        .globl  vfork
        .type   vfork, %function
vfork:
        .cfi_startproc
        adrp    x16, process_state
        ldr     w16, [x16, :lo12:process_state]
        cmp     w16, #2                         /* PROCESS_INERT */
        b.ne    1f
        adrp    x16, real_slot_vfork
        ldr     x16, [x16, :lo12:real_slot_vfork]
        cbz     x16, 1f
        br      x16
1:      stp     x29, x30, [sp, #-16]!
        .cfi_def_cfa_offset 16
        .cfi_offset 29, -16
        .cfi_offset 30, -8
        mov     x29, sp
        bl      skcexec_vfork_prepare
        ldp     x29, x30, [sp], #16
        .cfi_restore 30
        .cfi_restore 29
        .cfi_def_cfa_offset 0
        mov     x16, x0
        br      x16
        .cfi_endproc
        .size   vfork, .-vfork

        .section .note.GNU-stack, "", %progbits
