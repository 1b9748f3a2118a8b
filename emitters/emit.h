// emitters/emit.h: the one narrow interface between the compile walk and
// the code generators. The compile walk calls abstract operations through
// a const emit_ops_t table; the bytecode emitter (emit_bc.c) and, later,
// each native emitter supply one. The compiler never sees an encoding; an
// emitter never sees a parse node.
//
// Passes: the compile walk runs over each scope several times with the
// same calls; only what the emitter records changes:
//   EMIT_PASS_SCOPE       find identifiers and labels. The bytecode emitter
//                         still numbers the qstrs and constants it is given
//                         (the module tables follow first use, and the
//                         official compiler first touches most of them in
//                         this pass), so call the emitter here too.
//   EMIT_PASS_STACK_SIZE  compute the maximum stack and exception depth
//   EMIT_PASS_CODE_SIZE   compute code size and label offsets
//   EMIT_PASS_EMIT        write the code; end_pass() returns false when the
//                         code shrank (shorter jumps), and the compile walk
//                         then repeats EMIT_PASS_EMIT until it is stable.
#ifndef EMITTERS_EMIT_H
#define EMITTERS_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../compiler/cobj.h"
#include "../compiler/scope.h"
#include "../mpyformat/mpyformat.h"
#include "../util/util.h"

typedef enum emit_pass {
    EMIT_PASS_SCOPE = 1,
    EMIT_PASS_STACK_SIZE = 2,
    EMIT_PASS_CODE_SIZE = 3,
    EMIT_PASS_EMIT = 4,
} emit_pass_t;

typedef uint32_t label_t;

// Flags for call_function / call_method.
enum {
    EMIT_STAR_FLAG_SINGLE = 0x01,  // *args present
    EMIT_STAR_FLAG_DOUBLE = 0x02,  // **kwargs present
};

// For unwind_jump from a `break` out of a for loop (the iterator must be
// popped as well).
enum {
    EMIT_BREAK_FROM_FOR = 0x8000,
};

typedef enum emit_local_kind { EMIT_LOCAL_FAST, EMIT_LOCAL_DEREF } emit_local_kind_t;
typedef enum emit_global_kind { EMIT_GLOBAL_NAME, EMIT_GLOBAL_GLOBAL } emit_global_kind_t;
typedef enum emit_import_kind { EMIT_IMPORT_NAME, EMIT_IMPORT_FROM, EMIT_IMPORT_STAR } emit_import_kind_t;
typedef enum emit_access_kind { EMIT_LOAD, EMIT_STORE, EMIT_DELETE } emit_access_kind_t;
typedef enum emit_block_kind {
    EMIT_SETUP_BLOCK_WITH,
    EMIT_SETUP_BLOCK_EXCEPT,
    EMIT_SETUP_BLOCK_FINALLY,
} emit_block_kind_t;
typedef enum emit_build_kind {
    EMIT_BUILD_TUPLE,
    EMIT_BUILD_LIST,
    EMIT_BUILD_MAP,
    EMIT_BUILD_SET,
    EMIT_BUILD_SLICE,
} emit_build_kind_t;
typedef enum emit_yield_kind { EMIT_YIELD_VALUE, EMIT_YIELD_FROM } emit_yield_kind_t;
// Constants load_const_tok accepts.
typedef enum emit_const_tok {
    EMIT_CONST_NONE,
    EMIT_CONST_FALSE,
    EMIT_CONST_TRUE,
    EMIT_CONST_ELLIPSIS,
} emit_const_tok_t;

// What an emitter made of one scope: a function ready for the .mpy writer.
// Children are in the order the function's MAKE_FUNCTION/MAKE_CLOSURE
// operands number them.
typedef struct emit_raw_code emit_raw_code_t;
struct emit_raw_code {
    mpy_raw_code_t rc;   // kind, code bytes and native fields; rc.children is
                         // filled when the module is finished
    emit_raw_code_t **children;
    size_t n_children;
    size_t cap_children;
};

// Module-wide state shared by all scopes' emitters: the qstr table (qstr 0
// is the source file; others in order of first use) and the constant
// table (deduplicated as the official compiler does).
typedef struct emit_module emit_module_t;

emit_module_t *emit_module_new(arena_t *arena, qstr_pool_t *pool, qstr_t source_file);
// Index of qst in the module's qstr table, adding it on first use.
uint32_t emit_module_use_qstr(emit_module_t *m, qstr_t qst);
// Index of obj in the module's constant table, adding it if no equal
// constant is there yet.
uint32_t emit_module_use_const(emit_module_t *m, const cobj_t *obj);
// Fills the qstr table, the constant table and the raw-code tree of `out`
// for the finished module whose outer scope is `root` (every scope's
// raw_code filled in). The caller sets the header fields. `out` points
// into the arena.
bool emit_module_finish(emit_module_t *m, const scope_t *root, mpy_file_t *out, diag_t *d);
// Sizes of the tables so far (for tests and statistics).
size_t emit_module_num_qstrs(const emit_module_t *m);
size_t emit_module_num_consts(const emit_module_t *m);

typedef struct emitter emitter_t;

typedef struct emit_ops {
    void (*start_pass)(emitter_t *e, emit_pass_t pass, scope_t *scope);
    // Returns false when EMIT_PASS_EMIT must be run again (code shrank).
    bool (*end_pass)(emitter_t *e);
    // True while the last thing emitted was an unconditional jump, return
    // or raise (code after it is dead until the next label).
    bool (*is_dead_code)(emitter_t *e);
    void (*adjust_stack_size)(emitter_t *e, int delta);
    void (*set_source_line)(emitter_t *e, uint32_t line);

    void (*load_local)(emitter_t *e, qstr_t qst, unsigned local_num, emit_local_kind_t kind);
    void (*load_global)(emitter_t *e, qstr_t qst, emit_global_kind_t kind);
    void (*store_local)(emitter_t *e, qstr_t qst, unsigned local_num, emit_local_kind_t kind);
    void (*store_global)(emitter_t *e, qstr_t qst, emit_global_kind_t kind);
    void (*delete_local)(emitter_t *e, qstr_t qst, unsigned local_num, emit_local_kind_t kind);
    void (*delete_global)(emitter_t *e, qstr_t qst, emit_global_kind_t kind);

    void (*label_assign)(emitter_t *e, label_t l);
    void (*import)(emitter_t *e, qstr_t qst, emit_import_kind_t kind);
    void (*load_const_tok)(emitter_t *e, emit_const_tok_t tok);
    void (*load_const_small_int)(emitter_t *e, int64_t v);
    void (*load_const_str)(emitter_t *e, qstr_t qst);
    void (*load_const_obj)(emitter_t *e, const cobj_t *obj);
    void (*load_null)(emitter_t *e);
    void (*load_method)(emitter_t *e, qstr_t qst, bool is_super);
    void (*load_build_class)(emitter_t *e);
    void (*subscr)(emitter_t *e, emit_access_kind_t kind);
    void (*attr)(emitter_t *e, qstr_t qst, emit_access_kind_t kind);
    void (*dup_top)(emitter_t *e);
    void (*dup_top_two)(emitter_t *e);
    void (*pop_top)(emitter_t *e);
    void (*rot_two)(emitter_t *e);
    void (*rot_three)(emitter_t *e);
    void (*jump)(emitter_t *e, label_t l);
    void (*pop_jump_if)(emitter_t *e, bool cond, label_t l);
    void (*jump_if_or_pop)(emitter_t *e, bool cond, label_t l);
    void (*unwind_jump)(emitter_t *e, label_t l, unsigned except_depth);
    void (*setup_block)(emitter_t *e, label_t l, emit_block_kind_t kind);
    void (*with_cleanup)(emitter_t *e, label_t l);
    void (*end_finally)(emitter_t *e);
    void (*get_iter)(emitter_t *e, bool use_stack);
    void (*for_iter)(emitter_t *e, label_t l);
    void (*for_iter_end)(emitter_t *e);
    void (*pop_except_jump)(emitter_t *e, label_t l, bool within_exc_handler);
    void (*unary_op)(emitter_t *e, mpy_unary_op_t op);
    // op may also be MPY_BINARY_OP_NOT_IN or MPY_BINARY_OP_IS_NOT, which the
    // emitter synthesises (IN/IS followed by NOT).
    void (*binary_op)(emitter_t *e, mpy_binary_op_t op);
    void (*build)(emitter_t *e, unsigned n_args, emit_build_kind_t kind);
    void (*store_map)(emitter_t *e);
    void (*store_comp)(emitter_t *e, scope_kind_t kind, unsigned collection_stack_index);
    void (*unpack_sequence)(emitter_t *e, unsigned n_args);
    void (*unpack_ex)(emitter_t *e, unsigned n_left, unsigned n_right);
    void (*make_function)(emitter_t *e, scope_t *scope, unsigned n_pos_defaults, unsigned n_kw_defaults);
    void (*make_closure)(emitter_t *e, scope_t *scope, unsigned n_closed_over, unsigned n_pos_defaults,
        unsigned n_kw_defaults);
    void (*call_function)(emitter_t *e, unsigned n_positional, unsigned n_keyword, unsigned star_flags);
    void (*call_method)(emitter_t *e, unsigned n_positional, unsigned n_keyword, unsigned star_flags);
    void (*return_value)(emitter_t *e);
    void (*raise_varargs)(emitter_t *e, unsigned n_args);
    void (*yield)(emitter_t *e, emit_yield_kind_t kind);
    // Entry to and exit from an exception handler; may emit nothing.
    void (*start_except_handler)(emitter_t *e);
    void (*end_except_handler)(emitter_t *e);
    // Optional (NULL: the walk emits the generic sequence). End of an
    // `async with` body with the manager on the stack: push None under it
    // and jump to l_aexit_no_exc; then open the finally handler at
    // l_finally and go to l_ret_unwind unless an exception is pending.
    // The native emitter tells the cases apart by its exception slot
    // instead of testing the stack top against BaseException.
    void (*async_with_setup_finally)(emitter_t *e, label_t l_aexit_no_exc, label_t l_finally,
        label_t l_ret_unwind);
} emit_ops_t;

// The bytecode emitter (emitters/emit_bc.c). One emitter serves every
// scope of a module in turn. max_num_labels is known after the scope pass.
// Errors the emitter finds (such as a jump too far to encode) go to `d`.
extern const emit_ops_t emit_bc_ops;
emitter_t *emit_bc_new(arena_t *arena, emit_module_t *m, diag_t *d);
void emit_bc_set_max_num_labels(emitter_t *e, size_t max_num_labels);
// -O level: 3 and up store no line numbers (set_source_line does nothing).
// Default 0.
void emit_bc_set_opt_level(emitter_t *e, int opt_level);

// The native emitter (emitters/emit_native*.c) for @micropython.native and
// @micropython.viper scopes on x64, x86 and the Thumb targets. One emitter
// serves every native scope of a module; it numbers its own labels from
// the walk's counter (*label_slot) as the official emitter does. Errors
// (ViperTypeError, unsupported constructs, locals out of reach) go to `d`
// with the scope's line and name. emit_native_free releases the machine
// code buffers (the rest lives in the arena).
extern const emit_ops_t emit_native_ops;
bool emit_native_supports(mpy_arch_t arch);
emitter_t *emit_native_new(arena_t *arena, emit_module_t *m, const qstr_pool_t *pool, mpy_arch_t arch,
    label_t *label_slot, diag_t *d);
void emit_native_set_max_num_labels(emitter_t *e, size_t max_num_labels);
// The -march-flags= bits (rv32imc: Zba, Zcmp); 0 unless set.
void emit_native_set_arch_flags(emitter_t *e, uint32_t flags);
void emit_native_free(emitter_t *e);

// ---------------------------------------------------------------------------
// Inline assembler front ends (@micropython.asm_thumb and friends). The
// compile walk (compiler/compile_asm.c) checks the shape of the function
// body and hands each instruction statement over by name with its
// argument nodes: interpreting register names, immediates, label names and
// register lists is the front end's job, so this interface, unlike
// emit_ops_t, passes parse nodes. Passes: EMIT_PASS_CODE_SIZE (run twice
// for Xtensa, as the official tool does) then EMIT_PASS_EMIT; the scope
// pass only counts labels and never calls the front end. Errors go to the
// diag_t given to start_pass with line 0: the walk adds the line of the
// statement and the scope name.
typedef struct emit_inline_asm emit_inline_asm_t;

typedef struct emit_inline_asm_ops {
    void (*start_pass)(emit_inline_asm_t *e, emit_pass_t pass, scope_t *scope, diag_t *d);
    // On EMIT_PASS_EMIT, stores the machine code in scope->raw_code with
    // the return type signature type_sig (MicroPython's native type).
    void (*end_pass)(emit_inline_asm_t *e, uint32_t type_sig);
    // Checks the parameter list (r0, r1... for Thumb) and returns the
    // number of parameters.
    unsigned (*count_params)(emit_inline_asm_t *e, size_t n_params, pnode_t *const *params);
    // Defines label number n (numbered in order of appearance) named
    // name; returns false when the name is already defined.
    bool (*label)(emit_inline_asm_t *e, unsigned n, qstr_t name);
    // align(n) and data(bytesize, value...) statements.
    void (*align)(emit_inline_asm_t *e, unsigned n);
    void (*data)(emit_inline_asm_t *e, unsigned bytesize, uint64_t value);
    // Any other instruction.
    void (*op)(emit_inline_asm_t *e, qstr_t op, size_t n_args, pnode_t *const *args);
} emit_inline_asm_ops_t;

#endif // EMITTERS_EMIT_H
