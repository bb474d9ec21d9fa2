/* vfork_x86_64.S - the exported vfork.
 *
 * A C function that calls the real vfork and returns is undefined behaviour:
 * the child would return through, and clobber, the frame the parent still
 * needs.  So this trampoline has no frame at all: in a process that is not a
 * caller it tail-jumps to libc's vfork with the caller's return address
 * untouched; in a caller it jumps to a C function that forks instead (fork
 * is always a valid vfork), which may then hand the exec over.
 */
        .text
        .globl  vfork
        .type   vfork, @function
vfork:
        .cfi_startproc
        endbr64
        cmpl    $0, process_is_active(%rip)
        jne     1f
        movq    real_slot_vfork(%rip), %rax
        testq   %rax, %rax
        jz      1f
        jmp     *%rax
1:      jmp     skcexec_vfork_fallback
        .cfi_endproc
        .size   vfork, .-vfork

        .section .note.GNU-stack, "", @progbits
