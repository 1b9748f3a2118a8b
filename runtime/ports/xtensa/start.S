/* runtime/ports/xtensa/start.S: entry of the lx106 firmware (call0 ABI, no
 * register windows) on every lx106 board, the ELF entry point (qemu's
 * generic loader sets the PC to it; on the ESP8266 the boot ROM jumps
 * there): stack pointer, the vector table (vectors.S), PS with user mode
 * on so an exception takes the user vector, then bare_reset in C
 * (bare/reset.c). No interrupt is enabled. */
    .section .text.start, "ax"
    .literal_position
    .align 4
.Lstack_top:
    .word board_stack_top
.Lvectors:
    .word xtensa_vectors
.Lreset:
    .word bare_reset
    .global _start
    .align 4
_start:
    l32r a1, .Lstack_top
    l32r a2, .Lvectors
    wsr.vecbase a2
    movi a2, 0x20           /* PS.UM; INTLEVEL 0, EXCM 0 */
    wsr.ps a2
    rsync
    l32r a0, .Lreset
    callx0 a0
