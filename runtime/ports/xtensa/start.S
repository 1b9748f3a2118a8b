/* runtime/ports/xtensa/start.S: entry of the ESP8266 (lx106) firmware,
 * called by the boot ROM (call0 ABI, no register windows): stack pointer,
 * then xtensa_reset in C. */
    .section .text.start, "ax"
    .literal_position
    .align 4
.Lstack_top:
    .word board_stack_top
    .global _start
    .align 4
_start:
    l32r a1, .Lstack_top
    call0 xtensa_reset
