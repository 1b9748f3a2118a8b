// runtime/ports/xtensa/sim/softfp.h: IEEE 754 binary64 arithmetic on bit
// patterns, in integer C only, for the lx106 firmware on qemu's sim
// machine: its core has no floating-point unit and Debian's lx106 libgcc
// leaves out the helpers the ESP8266 boot ROM provides (rom_helpers.c
// wraps these as __adddf3 and the rest). Results are rounded to nearest, ties to even, with gradual
// underflow, bit for bit as hardware doubles; a NaN operand gives that NaN
// made quiet, an invalid operation (inf - inf, 0 * inf, 0 / 0) the
// positive quiet NaN 0x7ff8000000000000.
#ifndef RUNTIME_PORTS_XTENSA_SIM_SOFTFP_H
#define RUNTIME_PORTS_XTENSA_SIM_SOFTFP_H

#include <stdint.h>

uint64_t softfp_add(uint64_t a, uint64_t b);
uint64_t softfp_sub(uint64_t a, uint64_t b);
uint64_t softfp_mul(uint64_t a, uint64_t b);
uint64_t softfp_div(uint64_t a, uint64_t b);

// Exact conversions from 32-bit integers.
uint64_t softfp_from_i32(int32_t v);
uint64_t softfp_from_u32(uint32_t v);
// Truncates toward zero; out of range saturates, NaN gives 0.
int32_t softfp_to_i32(uint64_t a);

// binary32 <-> binary64: widening is exact, narrowing rounds.
uint64_t softfp_from_f32(uint32_t a);
uint32_t softfp_to_f32(uint64_t a);

// The 64-bit product of two 32-bit words, with 32-bit multiplies only
// (the lx106 has MULL but no high-half multiply).
uint64_t softfp_mul_u32(uint32_t a, uint32_t b);

#endif // RUNTIME_PORTS_XTENSA_SIM_SOFTFP_H
