// emitters/inline_asm.h: how the driver obtains an inline assembler front
// end for the target. The calls the compile walk makes on a front end are
// emit_inline_asm_ops_t in emit.h; this header only says which front end
// serves which architecture and how to make and free one.
//
// Hook-up (compiler/compiler.c, before compile_run):
//     if (emit_inline_thumb_serves(opts->arch)) {
//         c.asm_ops = &emit_inline_thumb_ops;
//         c.asm_emit = emit_inline_thumb_new(arena, pool, opts->arch);
//     }
//     ... compile_run(...) ...
//     emit_inline_thumb_free(c.asm_emit);   // also on failure
#ifndef EMITTERS_INLINE_ASM_H
#define EMITTERS_INLINE_ASM_H

#include <stdbool.h>

#include "../mpyformat/mpyformat.h"
#include "../util/util.h"
#include "emit.h"

// ---------------------------------------------------------------------------
// @micropython.asm_thumb (emitters/inline_thumb.c).

// True for the architectures whose functions the Thumb front end assembles:
// armv6, armv6m, armv7m, armv7em, armv7emsp and armv7emdp. Thumb-2
// instructions are refused on armv6 and armv6m, floating point ones on all
// but armv7emsp and armv7emdp, as the official compiler does.
bool emit_inline_thumb_serves(mpy_arch_t arch);

extern const emit_inline_asm_ops_t emit_inline_thumb_ops;

// A front end that serves every asm_thumb function of one compilation in
// turn. Names are looked up in `pool`; the finished machine code of each
// function is copied into `arena` (scope->raw_code, allocated there unless
// the parent's emitter made it already). Returns NULL when out of memory.
emit_inline_asm_t *emit_inline_thumb_new(arena_t *arena, const qstr_pool_t *pool, mpy_arch_t arch);
// Frees the assembler's working buffers; e may be NULL. Code already
// handed to scopes stays valid (it lives in the arena).
void emit_inline_thumb_free(emit_inline_asm_t *e);

#endif // EMITTERS_INLINE_ASM_H
