/* vfork_aarch64.S - the exported vfork; see vfork_x86_64.S for why this is
 * a frameless trampoline.  x16 is the intra-procedure-call scratch register:
 * free to use between a call and its target. */
        .text
        .globl  vfork
        .type   vfork, %function
vfork:
        .cfi_startproc
        adrp    x16, process_is_active
        ldr     w16, [x16, :lo12:process_is_active]
        cbnz    w16, 1f
        adrp    x16, real_slot_vfork
        ldr     x16, [x16, :lo12:real_slot_vfork]
        cbz     x16, 1f
        br      x16
1:      b       skcexec_vfork_fallback
        .cfi_endproc
        .size   vfork, .-vfork

        .section .note.GNU-stack, "", %progbits
