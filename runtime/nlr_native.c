// runtime/nlr_native.c: the nlr_push that native code calls. Native code
// keeps an nlr_buf_t of its own in its frame (13 words on x64 and Xtensa,
// 19 on Thumb, 17 on RV32) and calls the function table's nlr_push on it;
// an exception then returns 1 from that call with the exception in word 1.
// nlr_push saves the callee-saved registers, the stack pointer and the
// return address at the word offsets MicroPython's nlrx64.c, nlrthumb.c,
// nlrrv32.c and nlrxtensa.c use (native code keeps its exception handler's
// address in the slot of REG_LOCAL_1: rbx at word 5 on x64, r4 at word 3
// on Thumb, s3 at word 6 on RV32, a12 at word 8 on Xtensa). The buffer
// joins the VM's chain tagged as native (NLR_NATIVE_TAG), so nlr_jump
// knows to come back here.
#include "nativeglue.h"

#if RT_NATIVE

unsigned int nlr_native_push_tail(nlr_buf_t *buf);
void nlr_native_restore(nlr_buf_t *buf);

unsigned int nlr_native_push_tail(nlr_buf_t *buf) {
    buf->prev = (nlr_buf_t *)((uintptr_t)rt.nlr_top | NLR_NATIVE_TAG);
    rt.nlr_top = buf;
    return 0;
}

#if defined(__x86_64__)
// words: 0 prev, 1 ret_val, 2 rip, 3 rbp, 4 rsp, 5 rbx, 6 r12, 7 r13, 8 r14, 9 r15
__asm__(
    "    .text\n"
    "    .globl nlr_native_push\n"
    "    .type nlr_native_push, @function\n"
    "nlr_native_push:\n"
    "    movq (%rsp), %rax\n"
    "    movq %rax, 16(%rdi)\n"
    "    movq %rbp, 24(%rdi)\n"
    "    movq %rsp, 32(%rdi)\n"
    "    movq %rbx, 40(%rdi)\n"
    "    movq %r12, 48(%rdi)\n"
    "    movq %r13, 56(%rdi)\n"
    "    movq %r14, 64(%rdi)\n"
    "    movq %r15, 72(%rdi)\n"
    "    jmp nlr_native_push_tail\n"
    "    .size nlr_native_push, .-nlr_native_push\n"
    "    .globl nlr_native_restore\n"
    "    .type nlr_native_restore, @function\n"
    "nlr_native_restore:\n"
    "    movq 72(%rdi), %r15\n"
    "    movq 64(%rdi), %r14\n"
    "    movq 56(%rdi), %r13\n"
    "    movq 48(%rdi), %r12\n"
    "    movq 40(%rdi), %rbx\n"
    "    movq 32(%rdi), %rsp\n"
    "    movq 24(%rdi), %rbp\n"
    "    movq 16(%rdi), %rax\n"
    "    movq %rax, (%rsp)\n"
    "    movl $1, %eax\n"
    "    ret\n"
    "    .size nlr_native_restore, .-nlr_native_restore\n");
#elif defined(__thumb__)
// words: 0 prev, 1 ret_val, 2 lr, 3..10 r4-r11, 11 sp, 12..17 d8-d10 (with
// VFP). Written in the Thumb-1 that ARMv6-M (Cortex-M0, M0+) has too, as
// MicroPython's nlrthumb.c does there: its str and ldr take only r0-r7, so
// r8-r11, sp and lr go through r1 (an argument register, free here), and
// its `b` reaches only 2 KB, so there the tail call jumps through a
// literal (an absolute address: Thumb-2 keeps `b`, which a position-
// independent Linux executable needs).
#if defined(__thumb2__)
#define JUMP_TO_TAIL "    b nlr_native_push_tail\n"
#else
#define JUMP_TO_TAIL \
    "    ldr r1, 1f\n    bx r1\n    .balign 4\n1:\n    .word nlr_native_push_tail\n"
#endif
#if defined(__ARM_FP)
#define SAVE_VFP "    vstr d8, [r0, #48]\n    vstr d9, [r0, #56]\n    vstr d10, [r0, #64]\n"
#define LOAD_VFP "    vldr d8, [r0, #48]\n    vldr d9, [r0, #56]\n    vldr d10, [r0, #64]\n"
#else
#define SAVE_VFP ""
#define LOAD_VFP ""
#endif
__asm__(
    "    .syntax unified\n"
    "    .text\n"
    "    .thumb\n"
    "    .globl nlr_native_push\n"
    "    .type nlr_native_push, %function\n"
    "    .thumb_func\n"
    "nlr_native_push:\n"
    "    str r4, [r0, #12]\n"
    "    str r5, [r0, #16]\n"
    "    str r6, [r0, #20]\n"
    "    str r7, [r0, #24]\n"
    "    mov r1, r8\n"
    "    str r1, [r0, #28]\n"
    "    mov r1, r9\n"
    "    str r1, [r0, #32]\n"
    "    mov r1, r10\n"
    "    str r1, [r0, #36]\n"
    "    mov r1, r11\n"
    "    str r1, [r0, #40]\n"
    "    mov r1, sp\n"
    "    str r1, [r0, #44]\n"
    "    mov r1, lr\n"
    "    str r1, [r0, #8]\n"
    SAVE_VFP
    JUMP_TO_TAIL
    "    .size nlr_native_push, .-nlr_native_push\n"
    "    .globl nlr_native_restore\n"
    "    .type nlr_native_restore, %function\n"
    "    .thumb_func\n"
    "nlr_native_restore:\n"
    LOAD_VFP
    "    ldr r1, [r0, #28]\n"
    "    mov r8, r1\n"
    "    ldr r1, [r0, #32]\n"
    "    mov r9, r1\n"
    "    ldr r1, [r0, #36]\n"
    "    mov r10, r1\n"
    "    ldr r1, [r0, #40]\n"
    "    mov r11, r1\n"
    "    ldr r1, [r0, #44]\n"
    "    mov sp, r1\n"
    "    ldr r1, [r0, #8]\n"
    "    mov lr, r1\n"
    "    ldr r4, [r0, #12]\n"
    "    ldr r5, [r0, #16]\n"
    "    ldr r6, [r0, #20]\n"
    "    ldr r7, [r0, #24]\n"
    "    movs r0, #1\n"
    "    bx lr\n"
    "    .size nlr_native_restore, .-nlr_native_restore\n");
#elif defined(__riscv) && __riscv_xlen == 32
// words: 0 prev, 1 ret_val, 2 ra, 3 s0, 4 s1, 5..14 s2-s11, 15 sp
__asm__(
    "    .text\n"
    "    .globl nlr_native_push\n"
    "    .type nlr_native_push, @function\n"
    "nlr_native_push:\n"
    "    sw ra, 8(a0)\n"
    "    sw s0, 12(a0)\n"
    "    sw s1, 16(a0)\n"
    "    sw s2, 20(a0)\n"
    "    sw s3, 24(a0)\n"
    "    sw s4, 28(a0)\n"
    "    sw s5, 32(a0)\n"
    "    sw s6, 36(a0)\n"
    "    sw s7, 40(a0)\n"
    "    sw s8, 44(a0)\n"
    "    sw s9, 48(a0)\n"
    "    sw s10, 52(a0)\n"
    "    sw s11, 56(a0)\n"
    "    sw sp, 60(a0)\n"
    "    tail nlr_native_push_tail\n"
    "    .size nlr_native_push, .-nlr_native_push\n"
    "    .globl nlr_native_restore\n"
    "    .type nlr_native_restore, @function\n"
    "nlr_native_restore:\n"
    "    lw ra, 8(a0)\n"
    "    lw s0, 12(a0)\n"
    "    lw s1, 16(a0)\n"
    "    lw s2, 20(a0)\n"
    "    lw s3, 24(a0)\n"
    "    lw s4, 28(a0)\n"
    "    lw s5, 32(a0)\n"
    "    lw s6, 36(a0)\n"
    "    lw s7, 40(a0)\n"
    "    lw s8, 44(a0)\n"
    "    lw s9, 48(a0)\n"
    "    lw s10, 52(a0)\n"
    "    lw s11, 56(a0)\n"
    "    lw sp, 60(a0)\n"
    "    li a0, 1\n"
    "    ret\n"
    "    .size nlr_native_restore, .-nlr_native_restore\n");
#elif defined(__XTENSA_CALL0_ABI__)
// The call0 ABI (lx106, MicroPython's "xtensa" code): a0 return address,
// a1 stack pointer, a12-a15 callee-saved; a8-a11 are saved as nlrxtensa.c
// does. words: 0 prev, 1 ret_val, 2 a0, 3 a1, 4..11 a8-a15. The tail call
// goes through a8 (already saved, and free in call0) because `j` reaches
// only 128 KB.
__asm__(
    "    .pushsection .text.nlr_native_push, \"ax\"\n"
    "    .align 4\n"
    ".Lnlr_native_push_tail:\n"
    "    .word nlr_native_push_tail\n"
    "    .globl nlr_native_push\n"
    "    .type nlr_native_push, @function\n"
    "    .align 4\n"
    "nlr_native_push:\n"
    "    s32i a0, a2, 8\n"
    "    s32i a1, a2, 12\n"
    "    s32i a8, a2, 16\n"
    "    s32i a9, a2, 20\n"
    "    s32i a10, a2, 24\n"
    "    s32i a11, a2, 28\n"
    "    s32i a12, a2, 32\n"
    "    s32i a13, a2, 36\n"
    "    s32i a14, a2, 40\n"
    "    s32i a15, a2, 44\n"
    "    l32r a8, .Lnlr_native_push_tail\n"
    "    jx a8\n"
    "    .size nlr_native_push, .-nlr_native_push\n"
    "    .globl nlr_native_restore\n"
    "    .type nlr_native_restore, @function\n"
    "    .align 4\n"
    "nlr_native_restore:\n"
    "    l32i a0, a2, 8\n"
    "    l32i a1, a2, 12\n"
    "    l32i a8, a2, 16\n"
    "    l32i a9, a2, 20\n"
    "    l32i a10, a2, 24\n"
    "    l32i a11, a2, 28\n"
    "    l32i a12, a2, 32\n"
    "    l32i a13, a2, 36\n"
    "    l32i a14, a2, 40\n"
    "    l32i a15, a2, 44\n"
    "    movi a2, 1\n"
    "    ret\n"
    "    .size nlr_native_restore, .-nlr_native_restore\n"
    "    .popsection\n");
#else
#error "native code support needs an nlr_native_push for this architecture"
#endif

#if defined(__SANITIZE_ADDRESS__)
void __asan_handle_no_return(void);
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
void __asan_handle_no_return(void);
#define RT_NATIVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RT_NATIVE_ASAN 1
#endif

noreturn void nlr_native_jump(nlr_buf_t *buf) {
#ifdef RT_NATIVE_ASAN
    // The frames skipped leave their stack poisoned otherwise.
    __asan_handle_no_return();
#endif
    nlr_native_restore(buf);
    __builtin_unreachable();
}
#endif
