/* runtime/ports/xtensa/esp8266/rom.S: the integer and floating-point
 * helpers GCC calls on the lx106, taken from the ESP8266 boot ROM as the
 * Espressif SDK takes them (Debian's lx106 libgcc leaves them out; the
 * qemu target has them in C instead, sim/rom_helpers.c). Each is a jump
 * through a literal, two instructions in flash: the C library calls them
 * with call0, whose reach does not get from flash to the ROM. a8 is free
 * to clobber at a call in the call0 ABI. Addresses from the SDK's
 * eagle.rom.addr.v6.ld. */
    .macro rom_jump name, addr
    .section .text.\name, "ax"
    .literal_position
    .align 4
.Lrom_\name:
    .word \addr
    .align 4
    .global \name
    .type \name, @function
\name:
    l32r a8, .Lrom_\name
    jx a8
    .size \name, . - \name
    .endm

    /* 32-bit integers */
    rom_jump __divsi3, 0x4000dc88
    rom_jump __udivsi3, 0x4000e21c
    rom_jump __umodsi3, 0x4000e268
    /* 64-bit integers */
    rom_jump __muldi3, 0x40000650
    rom_jump __divdi3, 0x4000ce60
    rom_jump __udivdi3, 0x4000d310
    rom_jump __umoddi3, 0x4000d770
    rom_jump __umulsidi3, 0x4000dcf0
    /* binary32 */
    rom_jump __addsf3, 0x4000c180
    rom_jump __subsf3, 0x4000c268
    rom_jump __mulsf3, 0x4000c3dc
    rom_jump __floatsisf, 0x4000e2ac
    rom_jump __floatunsisf, 0x4000e2a4
    rom_jump __fixunssfsi, 0x4000c4c4
    /* binary64 */
    rom_jump __adddf3, 0x4000c538
    rom_jump __subdf3, 0x4000c688
    rom_jump __muldf3, 0x4000c8f0
    rom_jump __divdf3, 0x4000cb94
    rom_jump __floatsidf, 0x4000e2f0
    rom_jump __floatunsidf, 0x4000e2e8
    rom_jump __fixdfsi, 0x4000ccb8
    rom_jump __fixunsdfsi, 0x4000cd00
    rom_jump __extendsfdf2, 0x4000cdfc
    rom_jump __truncdfsf2, 0x4000cd5c
