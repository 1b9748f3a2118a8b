/* runtime/ports/rv32/start.S: the first instructions of the RV32 firmware,
 * in machine mode straight from qemu's reset vector (-bios none): global
 * pointer, stack, thread pointer (errno is thread-local in picolibc), trap
 * vector, then bare_reset in C (bare/reset.c). Any trap ends the run
 * through rv32_trap (board_virt.c), so a test sees a crash instead of a
 * hang. */
    .option arch, +zicsr
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, board_stack_top
    la tp, __tls_base
    la t0, trap_entry
    csrw mtvec, t0
    call bare_reset

    .balign 4
trap_entry:
    la sp, board_stack_top
    csrr a0, mcause
    csrr a1, mepc
    call rv32_trap
