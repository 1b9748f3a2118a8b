/* runtime/ports/xtensa/vectors.S: the exception vectors of the lx106
 * firmware, at VECBASE (the start of IRAM, sections.ld). The lx106 takes
 * an exception at VECBASE + 0x50 in user mode, + 0x30 in kernel mode and
 * + 0x70 when one arrives while PS.EXCM is still set (a double exception,
 * whose PC is in DEPC instead of EPC1). Each ends the run through
 * xtensa_fault (xtensa.c) on a fresh stack, so a test sees a crash
 * instead of a hang. Offsets from qemu's lx106 core configuration
 * (XCHAL_KERNEL_VECOFS, XCHAL_USER_VECOFS, XCHAL_DOUBLEEXC_VECOFS); the
 * ESP8266's boot ROM has its vectors at the same offsets from 0x40000000. */
    .section .vectors, "ax"
    .global xtensa_vectors
xtensa_vectors:
/* The literals of the handler below: l32r reads only from lower addresses,
 * and nothing uses VECBASE + 0 on this core. */
.Lstack_top:
    .word board_stack_top
.Lfault:
    .word xtensa_fault

    .org 0x30               /* kernel exception */
    j .Lfault_epc1
    .org 0x50               /* user exception */
    j .Lfault_epc1
    .org 0x70               /* double exception */
    j .Lfault_depc

    .org 0x80
.Lfault_epc1:
    rsr.epc1 a3
    j .Lfault_common
.Lfault_depc:
    rsr.depc a3
.Lfault_common:
    rsr.exccause a2
    l32r a1, .Lstack_top
    l32r a0, .Lfault
    callx0 a0
