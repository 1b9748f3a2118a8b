// emitters/inline_common.h: what the inline assembler front ends
// (inline_thumb.c, inline_xtensa.c, inline_rv32.c) share: the front end's
// life over a function's passes (the assembler, the label table, align and
// data, handing the finished code to the scope), the message an
// instruction raises, and reading names and integers from argument nodes.
// Each front end describes its architecture in an inline_arch_t and keeps
// only its instruction parsing and encoding. Private to emitters/.
#ifndef EMITTERS_INLINE_COMMON_H
#define EMITTERS_INLINE_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../compiler/parse.h"
#include "../util/util.h"
#include "asm_base.h"
#include "emit.h"

// What a front end supplies. Every hook is given the front end's state as
// the shared part: each front end's own struct starts with its
// emit_inline_asm_t, so the hook may convert the pointer back.
typedef struct inline_arch {
    const char *name;              // "Thumb": in internal-error messages
    // The official messages for a bad parameter list (at most 4
    // parameters; is_param says whether parameter i is spelled right).
    const char *too_many_params;
    const char *param_names;
    // While sizing, a branch to a label not seen yet goes to label 0 as in
    // the official compiler, or with this set to a number past the label
    // table, which the assembler reads as a label not assigned yet, so the
    // branch is sized as the forward branch it is. (Xtensa: the official
    // compiler sizes a short backward branch when label 0 is behind, and
    // aborts when the emit pass then needs the long form:
    // official_crashes/xtensa_fwd_branch_after_label.py.)
    bool sizes_forward_branches;
    bool (*is_param)(const emit_inline_asm_t *e, const pnode_t *pn, size_t i);
    // Prepares (or frees) the architecture's assembler for a function with
    // at most n_labels labels; init returns false when out of memory.
    bool (*init_asm)(emit_inline_asm_t *e, size_t n_labels);
    void (*deinit_asm)(emit_inline_asm_t *e);
    // Starts a pass of the assembler and writes the function's entry code;
    // finish_pass writes its exit code and ends the pass.
    void (*start_pass)(emit_inline_asm_t *e, asm_pass_t pass);
    void (*finish_pass)(emit_inline_asm_t *e);
    // Assembles one instruction statement, recording what is wrong with it
    // through inline_common_vfail.
    void (*assemble)(emit_inline_asm_t *e, const char *name, size_t n_args, pnode_t *const *args);
    // NULL, or: writes the assembler's fault (a RuntimeError that ends the
    // compile and carries no line) into out and returns true when there is
    // one.
    bool (*fault_text)(const emit_inline_asm_t *e, char *out, size_t cap);
} inline_arch_t;

struct emit_inline_asm {
    const inline_arch_t *arch;
    arena_t *arena;
    const qstr_pool_t *pool;
    asm_base_t *as;         // the base of the front end's assembler
    bool has_as;            // the assembler was initialised (and owns buffers)
    emit_pass_t pass;
    scope_t *scope;
    diag_t *d;
    // Label names by number for the current function (QSTR_NULL: unused).
    qstr_t *label_names;
    size_t n_labels;
    // The problem with the instruction being assembled. A later problem
    // with the same instruction replaces an earlier one, as in the official
    // compiler, so it is recorded in `d` only when the instruction is done.
    bool has_msg;
    char msg[DIAG_MSG_MAX];
};

// Allocates a front end (zeroed) of `size` bytes in arena, its shared part
// first and the base of its assembler `as_offset` bytes in, and fills the
// shared part. Returns NULL when out of memory.
emit_inline_asm_t *inline_common_new(arena_t *arena, const qstr_pool_t *pool, const inline_arch_t *arch, size_t size,
    size_t as_offset);

// Records the instruction's problem (printf-style), replacing an earlier
// one of the same instruction.
void inline_common_vfail(emit_inline_asm_t *e, const char *fmt, va_list ap);

// The text of a name node, or "" for anything else.
const char *inline_common_id_text(const emit_inline_asm_t *e, const pnode_t *pn);

// The value of an integer literal (folded constants included), truncated
// to 64 bits as MicroPython truncates big ints. False for anything else.
bool inline_common_node_int(const pnode_t *pn, uint64_t *v);

// The number of the function's label called `name`; false when it has not
// been defined (yet: while sizing, forward labels are unknown).
bool inline_common_find_label(const emit_inline_asm_t *e, qstr_t name, size_t *n);

// The number of the label argument pn of instruction op, with the Thumb and
// Xtensa messages: "'op' expects a label" for anything but a name, and in
// the emit pass "label 'x' not defined"; label 0 stands in for either.
size_t inline_common_arg_label(emit_inline_asm_t *e, const char *op, const pnode_t *pn);

#endif // EMITTERS_INLINE_COMMON_H
