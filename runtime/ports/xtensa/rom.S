/* runtime/ports/xtensa/rom.S: the integer and floating-point helpers of the
 * ESP8266 boot ROM (Debian's lx106 libgcc leaves them out, as the Espressif
 * SDK does: the ROM has them). Each is a two-instruction trampoline in
 * flash, because the C library calls them with call0, which cannot reach
 * the ROM from flash. a8 is a scratch register in the call0 ABI. Addresses
 * from the SDK's eagle.rom.addr.v6.ld. */
    .macro rom_helper name, addr
    .section .text.\name, "ax"
    .literal_position
    .align 4
.L\name:
    .word \addr
    .global \name
    .type \name, @function
    .align 4
\name:
    l32r a8, .L\name
    jx a8
    .endm

    rom_helper __divsi3, 0x4000dc88
    rom_helper __udivsi3, 0x4000e21c
    rom_helper __umodsi3, 0x4000e268
    rom_helper __muldi3, 0x40000650
    rom_helper __divdi3, 0x4000ce60
    rom_helper __udivdi3, 0x4000d310
    rom_helper __umoddi3, 0x4000d770
    rom_helper __umulsidi3, 0x4000dcf0
    rom_helper __fixdfsi, 0x4000ccb8
    rom_helper __fixunsdfsi, 0x4000cd00
    rom_helper __fixunssfsi, 0x4000c4c4
    rom_helper __addsf3, 0x4000c180
    rom_helper __subsf3, 0x4000c268
    rom_helper __mulsf3, 0x4000c3dc
    rom_helper __floatsisf, 0x4000e2ac
    rom_helper __floatunsisf, 0x4000e2a4
    rom_helper __truncdfsf2, 0x4000cd5c
    rom_helper __adddf3, 0x4000c538
    rom_helper __subdf3, 0x4000c688
    rom_helper __muldf3, 0x4000c8f0
    rom_helper __divdf3, 0x4000cb94
    rom_helper __floatsidf, 0x4000e2f0
    rom_helper __floatunsidf, 0x4000e2e8
    rom_helper __extendsfdf2, 0x4000cdfc
