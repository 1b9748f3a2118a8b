// emitters/inline_asm.h: how the driver obtains an inline assembler front
// end for the target. The calls the compile walk makes on a front end are
// emit_inline_asm_ops_t in emit.h, one table for every architecture
// (emitters/inline_common.c); this header says which front end serves
// which architecture and how to make and free one.
//
// Hook-up (compiler/compiler.c, before compile_run):
//     if (emit_inline_thumb_serves(opts->arch)) {
//         c.asm_ops = &emit_inline_asm_ops;
//         c.asm_emit = emit_inline_thumb_new(arena, pool, opts->arch);
//     }
//     ... compile_run(...) ...
//     emit_inline_asm_free(c.asm_emit);   // also on failure
#ifndef EMITTERS_INLINE_ASM_H
#define EMITTERS_INLINE_ASM_H

#include <stdbool.h>

#include "../mpyformat/mpyformat.h"
#include "../util/util.h"
#include "emit.h"

// The operations of every front end.
extern const emit_inline_asm_ops_t emit_inline_asm_ops;

// Frees a front end's working buffers; e may be NULL. Code already handed
// to scopes stays valid (it lives in the arena).
void emit_inline_asm_free(emit_inline_asm_t *e);

// ---------------------------------------------------------------------------
// @micropython.asm_thumb (emitters/inline_thumb.c).

// True for the architectures whose functions the Thumb front end assembles:
// armv6, armv6m, armv7m, armv7em, armv7emsp and armv7emdp. Thumb-2
// instructions are refused on armv6 and armv6m, floating point ones on all
// but armv7emsp and armv7emdp, as the official compiler does.
bool emit_inline_thumb_serves(mpy_arch_t arch);

// A front end that serves every asm_thumb function of one compilation in
// turn. Names are looked up in `pool`; the finished machine code of each
// function is copied into `arena` (scope->raw_code, allocated there unless
// the parent's emitter made it already). Returns NULL when out of memory.
emit_inline_asm_t *emit_inline_thumb_new(arena_t *arena, const qstr_pool_t *pool, mpy_arch_t arch);

// ---------------------------------------------------------------------------
// @micropython.asm_xtensa (emitters/inline_xtensa.c).

// True for xtensa (functions entered and left with the call0 ABI's frame)
// and xtensawin (entry/retw.n).
bool emit_inline_xtensa_serves(mpy_arch_t arch);

// As emit_inline_thumb_new, for Xtensa.
emit_inline_asm_t *emit_inline_xtensa_new(arena_t *arena, const qstr_pool_t *pool, mpy_arch_t arch);

// ---------------------------------------------------------------------------
// @micropython.asm_rv32 (emitters/inline_rv32.c).

// True for rv32imc.
bool emit_inline_rv32_serves(mpy_arch_t arch);

// As emit_inline_thumb_new, for RV32; arch_flags are the -march-flags=
// bits (sh1add..sh3add need Zba, cm_* need Zcmp).
emit_inline_asm_t *emit_inline_rv32_new(arena_t *arena, const qstr_pool_t *pool, uint32_t arch_flags);

#endif // EMITTERS_INLINE_ASM_H
