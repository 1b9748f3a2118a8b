// emitters/emit_bc.c: the bytecode emitter. Turns the compile walk's
// abstract operations into MicroPython v6 bytecode exactly as the official
// emitter (py/emitbc.c) lays it out: the packed prelude, the source info
// (name, argument names, line-number table), the closure cells, opcodes with
// 1- or 2-byte jump offsets, and the stack and exception depths.
// The compile walk decides what to emit; emit_module.c owns the qstr and
// constant tables every function of the module shares.
//
// Passes. Every pass runs the same calls; what changes is what is recorded:
//   SCOPE       nothing but the module tables (qstrs and constants are
//               numbered on first use, so this pass fixes most of the order)
//   STACK_SIZE  stack and exception depths; label offsets with every jump
//               assumed 2-byte (3 bytes with the opcode)
//   CODE_SIZE   jump sizes from those offsets: backward jumps see this
//               pass's labels, forward jumps the (larger) STACK_SIZE ones;
//               sizes every part and allocates the code
//   EMIT        writes the bytes; a jump can shrink again now that labels
//               moved closer, and then end_pass() asks for another EMIT
//               pass, until nothing changes. Sizes only ever shrink.
#include <string.h>

#include "emit.h"

enum {
    // Longest single write: a 64-bit varint plus its opcode byte.
    MAX_WRITE = 16,
    // The VM's iterator buffer on the stack (MP_OBJ_ITER_BUF_NSLOTS).
    ITER_BUF_SLOTS = 4,
    // LOAD_CONST_SMALL_INT_MULTI covers -16 .. 47.
    SMALL_INT_MULTI_EXCESS = 16,
    // LOAD_FAST_MULTI / STORE_FAST_MULTI cover locals 0 .. 15.
    FAST_MULTI_MAX = 15,
    // Signed 1-byte jumps hold -64 .. 63, unsigned 0 .. 127.
    JUMP1_SIGNED_BIAS = 0x40,
    JUMP2_SIGNED_BIAS = 0x4000,
    JUMP2_MAX = 0x7fff,
};

// Stack effects of the opcodes whose effect does not depend on the operand,
// from the opcode table; DELTA_VAR marks the others (the caller computes).
enum {
    DELTA_VAR = 127,
};

static const int8_t op_delta[256] = {
#define VAR DELTA_VAR
#define OP(name, byte, fmt, delta) [byte] = (delta),
#define RANGE(name, first, count, delta)
#include "../mpyformat/opcodes.def"
#undef OP
#undef RANGE
#undef VAR
};

enum {
#define OP(name, byte, fmt, delta)
#define RANGE(name, first, count, delta) RANGE_DELTA_##name = (delta),
#include "../mpyformat/opcodes.def"
#undef OP
#undef RANGE
};

// The compile walk's enums index opcode families, as MicroPython's do.
_Static_assert(MPY_OP_LOAD_NAME + EMIT_GLOBAL_GLOBAL == MPY_OP_LOAD_GLOBAL, "global ops");
_Static_assert(MPY_OP_STORE_NAME + EMIT_GLOBAL_GLOBAL == MPY_OP_STORE_GLOBAL, "global ops");
_Static_assert(MPY_OP_DELETE_NAME + EMIT_GLOBAL_GLOBAL == MPY_OP_DELETE_GLOBAL, "global ops");
_Static_assert(MPY_OP_LOAD_FAST_N + EMIT_LOCAL_DEREF == MPY_OP_LOAD_DEREF, "local ops");
_Static_assert(MPY_OP_STORE_FAST_N + EMIT_LOCAL_DEREF == MPY_OP_STORE_DEREF, "local ops");
_Static_assert(MPY_OP_DELETE_FAST + EMIT_LOCAL_DEREF == MPY_OP_DELETE_DEREF, "local ops");
_Static_assert(MPY_OP_IMPORT_NAME + EMIT_IMPORT_FROM == MPY_OP_IMPORT_FROM, "import ops");
_Static_assert(MPY_OP_BUILD_TUPLE + EMIT_BUILD_SLICE == MPY_OP_BUILD_SLICE, "build ops");
_Static_assert(MPY_OP_BUILD_TUPLE + EMIT_BUILD_MAP == MPY_OP_BUILD_MAP, "build ops");
_Static_assert(MPY_OP_SETUP_WITH + EMIT_SETUP_BLOCK_FINALLY == MPY_OP_SETUP_FINALLY, "setup ops");
_Static_assert(MPY_OP_RAISE_LAST + 2 == MPY_OP_RAISE_FROM, "raise ops");
_Static_assert(MPY_OP_YIELD_VALUE + EMIT_YIELD_FROM == MPY_OP_YIELD_FROM, "yield ops");
_Static_assert(MPY_OP_UNWIND_JUMP < MPY_OP_JUMP && MPY_OP_JUMP < MPY_OP_POP_JUMP_IF_FALSE
        && MPY_OP_POP_JUMP_IF_FALSE + 1 == MPY_OP_JUMP_IF_TRUE_OR_POP,
    "signed jumps are the ones up to POP_JUMP_IF_FALSE");

struct emitter {
    arena_t *arena;
    emit_module_t *m;
    diag_t *d;
    int opt_level;

    emit_pass_t pass;
    scope_t *scope;
    // True after an unconditional jump, return or raise: bytes are dropped
    // (stack accounting and module tables go on) until the next label.
    bool is_suppressed;
    int stack_size;

    uint32_t last_source_line;
    size_t last_source_line_offset;

    size_t max_num_labels;
    size_t *label_offsets;

    // The code buffer holds the prelude and source info, then the opcodes.
    size_t code_info_offset;
    size_t code_info_size;
    size_t bytecode_offset;
    size_t bytecode_size;
    uint8_t *code_base;
    bool is_jump_overflow;  // a 2-byte jump offset out of range

    // Sizes of the source info and the cell list, carried from one pass to
    // the next (the prelude stores them before they are known).
    size_t n_info;
    size_t n_cell;

    // Children, numbered in the order MAKE_FUNCTION/MAKE_CLOSURE meet them.
    size_t n_child;
    emit_raw_code_t **children;
    size_t cap_children;

    uint8_t dummy[MAX_WRITE];
};

emitter_t *emit_bc_new(arena_t *arena, emit_module_t *m, diag_t *d) {
    emitter_t *e = arena_alloc(arena, sizeof(*e));
    if (e == NULL) {
        return NULL;
    }
    e->arena = arena;
    e->m = m;
    e->d = d;
    return e;
}

void emit_bc_set_max_num_labels(emitter_t *e, size_t max_num_labels) {
    if (max_num_labels <= e->max_num_labels) {
        return;
    }
    e->label_offsets = arena_alloc(e->arena, max_num_labels * sizeof(size_t));
    e->max_num_labels = e->label_offsets != NULL ? max_num_labels : 0;
    if (e->label_offsets == NULL) {
        diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
}

void emit_bc_set_opt_level(emitter_t *e, int opt_level) {
    e->opt_level = opt_level;
}

// A broken promise of the compile walk (unbalanced stack, unknown label):
// reported rather than asserted, so a bug never crashes the command.
static void internal_error(emitter_t *e, const char *what) {
    diag_error(e->d, DIAG_RUNTIME_ERROR, 0, "internal error: %s", what);
}

// ---------------------------------------------------------------------------
// Writing. Before EMIT only offsets advance; in EMIT the bytes land in the
// buffer sized by the previous pass. A write that would run past it (which
// the shrinking rule says cannot happen) goes to the dummy and is caught by
// end_pass as a size change.

static uint8_t *code_info_reserve(emitter_t *e, size_t n) {
    size_t at = e->code_info_offset;
    e->code_info_offset += n;
    if (e->pass < EMIT_PASS_EMIT || at + n > e->code_info_size) {
        return e->dummy;
    }
    return e->code_base + at;
}

static uint8_t *bytecode_reserve(emitter_t *e, size_t n) {
    if (e->is_suppressed) {
        return e->dummy;
    }
    size_t at = e->bytecode_offset;
    e->bytecode_offset += n;
    if (e->pass < EMIT_PASS_EMIT || at + n > e->bytecode_size) {
        return e->dummy;
    }
    return e->code_base + e->code_info_size + at;
}

// Stores v as an .mpy varint in exactly n bytes (n from util_vuint_size).
static void put_vuint(uint8_t *p, uint64_t v, size_t n) {
    for (size_t i = n; i-- > 0;) {
        p[i] = (uint8_t)((v & 0x7f) | (i + 1 < n ? 0x80 : 0));
        v >>= 7;
    }
}

static void code_info_byte(emitter_t *e, uint8_t b) {
    *code_info_reserve(e, 1) = b;
}

static void code_info_vuint(emitter_t *e, uint64_t v) {
    size_t n = util_vuint_size(v);
    put_vuint(code_info_reserve(e, n), v, n);
}

static void code_info_qstr(emitter_t *e, qstr_t qst) {
    code_info_vuint(e, emit_module_use_qstr(e->m, qst));
}

static void stack_adjust(emitter_t *e, int delta);

static void op_raw(emitter_t *e, uint8_t op) {
    *bytecode_reserve(e, 1) = op;
}

static void op_with_delta(emitter_t *e, int delta, uint8_t op) {
    stack_adjust(e, delta);
    op_raw(e, op);
}

// An opcode whose stack effect the opcode table gives.
static void op_fixed(emitter_t *e, uint8_t op) {
    op_with_delta(e, op_delta[op], op);
}

static void op_uint(emitter_t *e, int delta, uint8_t op, uint64_t v) {
    stack_adjust(e, delta);
    size_t n = util_vuint_size(v);
    uint8_t *p = bytecode_reserve(e, 1 + n);
    p[0] = op;
    put_vuint(p + 1, v, n);
}

static void op_qstr(emitter_t *e, int delta, uint8_t op, qstr_t qst) {
    op_uint(e, delta, op, emit_module_use_qstr(e->m, qst));
}

// LOAD_CONST_SMALL_INT's operand: 7 bits a byte, most significant first,
// with enough groups that bit 6 of the first one is the sign.
static void op_sint(emitter_t *e, int delta, uint8_t op, int64_t v) {
    uint8_t groups[MAX_WRITE];
    size_t n = 0;
    do {
        groups[n++] = (uint8_t)(v & 0x7f);
        v >>= 7;  // arithmetic shift: gcc and clang define it so
    } while (v != 0 && v != -1);
    if (v == -1 && (groups[n - 1] & 0x40) == 0) {
        groups[n++] = 0x7f;
    } else if (v == 0 && (groups[n - 1] & 0x40) != 0) {
        groups[n++] = 0;
    }
    stack_adjust(e, delta);
    uint8_t *p = bytecode_reserve(e, 1 + n);
    p[0] = op;
    for (size_t i = 0; i < n; i++) {
        p[1 + i] = groups[n - 1 - i] | (i + 1 < n ? 0x80 : 0);
    }
}

// A jump to label l. Offsets count from the end of the instruction. Before
// CODE_SIZE the size is unknown and the 2-byte form is assumed; from
// CODE_SIZE on the 1-byte form is used whenever the offset allows it.
static void op_jump(emitter_t *e, int delta, uint8_t op, label_t l) {
    stack_adjust(e, delta);
    if (e->is_suppressed) {
        return;
    }
    bool is_signed = op <= MPY_OP_POP_JUMP_IF_FALSE;
    size_t extra = 1;
    long long off = 0;
    if (e->pass >= EMIT_PASS_CODE_SIZE) {
        if (l >= e->max_num_labels) {
            internal_error(e, "jump to an unknown label");
            return;
        }
        off = (long long)e->label_offsets[l] - (long long)e->bytecode_offset - 2;
        if (is_signed ? (off >= -64 && off <= 63) : (off >= 0 && off <= 127)) {
            extra = 0;
        }
        off -= (long long)extra;
    }
    uint8_t *p = bytecode_reserve(e, 2 + extra);
    p[0] = op;
    if (extra == 0) {
        p[1] = (uint8_t)(off + (is_signed ? JUMP1_SIGNED_BIAS : 0));
        return;
    }
    off += is_signed ? JUMP2_SIGNED_BIAS : 0;
    if (e->pass == EMIT_PASS_EMIT && (off < 0 || off > JUMP2_MAX)) {
        e->is_jump_overflow = true;
    }
    p[1] = (uint8_t)(0x80 | (off & 0x7f));
    p[2] = (uint8_t)(off >> 7);
}

static emit_raw_code_t *raw_code_of(emitter_t *e, scope_t *s) {
    if (s->raw_code == NULL) {
        s->raw_code = arena_alloc(e->arena, sizeof(emit_raw_code_t));
        if (s->raw_code == NULL) {
            diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        }
    }
    return s->raw_code;
}

// MAKE_FUNCTION and friends: the operand numbers the child in this
// function's list. Dead code still takes a number (as in the official
// compiler), so the child list can hold functions no opcode makes.
static void op_child(emitter_t *e, int delta, uint8_t op, scope_t *child) {
    size_t idx = e->n_child++;
    if (e->pass == EMIT_PASS_EMIT) {
        if (idx < e->cap_children) {
            e->children[idx] = raw_code_of(e, child);
        } else {
            internal_error(e, "more children than counted");
        }
    }
    op_uint(e, delta, op, idx);
}

// ---------------------------------------------------------------------------
// The prelude.

// Signature: n_state, n_exc_stack, the signature scope flags and argument
// counts, bit-packed (MicroPython's MP_BC_PRELUDE_SIG_ENCODE): the first
// byte xSSSSEAA, then xFSSKAED bytes while anything is left.
static void prelude_sig(emitter_t *e, size_t n_state, size_t n_exc) {
    const scope_t *s = e->scope;
    size_t st = n_state - 1;
    size_t ex = n_exc;
    size_t fl = s->scope_flags & 0x0f;
    size_t a = s->num_pos_args;
    size_t k = s->num_kwonly_args;
    size_t d = s->num_def_pos_args;
    uint8_t z = (uint8_t)((st & 0xf) << 3 | (ex & 1) << 2 | (a & 3));
    st >>= 4;
    ex >>= 1;
    a >>= 2;
    while (st | ex | fl | a | k | d) {
        code_info_byte(e, 0x80 | z);
        z = (uint8_t)((fl & 1) << 6 | (st & 3) << 4 | (k & 1) << 3 | (a & 1) << 2 | (ex & 1) << 1
            | (d & 1));
        st >>= 2;
        ex >>= 1;
        fl >>= 1;
        a >>= 1;
        k >>= 1;
        d >>= 1;
    }
    code_info_byte(e, z);
}

// Sizes of the source info and cell list: xIIIIIIC bytes, low bits first
// (MP_BC_PRELUDE_SIZE_ENCODE).
static void prelude_size(emitter_t *e, size_t n_info, size_t n_cell) {
    do {
        uint8_t z = (uint8_t)((n_info & 0x3f) << 1 | (n_cell & 1));
        n_cell >>= 1;
        n_info >>= 6;
        code_info_byte(e, z | ((n_cell | n_info) != 0 ? 0x80 : 0));
    } while ((n_cell | n_info) != 0);
}

// Argument i's name: the parameter whose local number is i, or "*" for a
// slot no parameter owns.
static qstr_t arg_name(const scope_t *s, size_t i) {
    for (size_t j = 0; j < s->id_info_len; j++) {
        const id_info_t *id = &s->id_info[j];
        if ((id->flags & ID_FLAG_IS_PARAM) && id->local_num == i) {
            return id->qst;
        }
    }
    return QSTR_star;
}

static void start_pass(emitter_t *e, emit_pass_t pass, scope_t *scope) {
    e->pass = pass;
    e->scope = scope;
    e->stack_size = 0;
    e->is_suppressed = false;
    e->last_source_line_offset = 0;
    e->last_source_line = 1;
    e->bytecode_offset = 0;
    e->code_info_offset = 0;
    e->is_jump_overflow = false;
    e->n_child = 0;

    size_t n_state = (size_t)scope->num_locals + scope->stack_size;
    prelude_sig(e, n_state == 0 ? 1 : n_state, scope->exc_stack_size);
    if (pass >= EMIT_PASS_CODE_SIZE) {
        prelude_size(e, e->n_info, e->n_cell);
    }
    e->n_info = e->code_info_offset;
    code_info_qstr(e, scope->simple_name);
    size_t n_args = (size_t)scope->num_pos_args + scope->num_kwonly_args;
    for (size_t i = 0; i < n_args; i++) {
        code_info_qstr(e, arg_name(scope, i));
    }
}

static bool allocate_code(emitter_t *e) {
    e->code_info_size = e->code_info_offset;
    e->bytecode_size = e->bytecode_offset;
    size_t total = e->code_info_size + e->bytecode_size;
    e->code_base = arena_alloc(e->arena, total ? total : 1);
    if (e->code_base == NULL) {
        return diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
    return true;
}

static bool allocate_children(emitter_t *e) {
    e->cap_children = e->n_child;
    e->children = NULL;
    if (e->n_child == 0) {
        return true;
    }
    e->children = arena_alloc(e->arena, e->n_child * sizeof(*e->children));
    if (e->children == NULL) {
        e->cap_children = 0;
        return diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
    return true;
}

// The finished function: prelude, source info, cells and opcodes in one
// buffer, and its children.
static void assign_raw_code(emitter_t *e) {
    emit_raw_code_t *rc = raw_code_of(e, e->scope);
    if (rc == NULL) {
        return;
    }
    rc->rc.kind = MPY_CODE_BYTECODE;
    rc->rc.code = e->code_base;
    rc->rc.code_len = e->code_info_size + e->bytecode_size;
    rc->rc.file_offset = -1;
    rc->rc.scope_flags = e->scope->scope_flags;
    rc->children = e->children;
    rc->n_children = e->n_child;
    rc->cap_children = e->cap_children;
}

static bool end_pass(emitter_t *e) {
    if (e->pass == EMIT_PASS_SCOPE) {
        return true;
    }
    if (e->stack_size != 0) {
        internal_error(e, "stack not balanced at the end of a function");
    }
    e->n_info = e->code_info_offset - e->n_info;
    e->n_cell = 0;
    for (size_t i = 0; i < e->scope->id_info_len; i++) {
        const id_info_t *id = &e->scope->id_info[i];
        if (id->kind == ID_KIND_CELL) {
            code_info_byte(e, (uint8_t)id->local_num);
            e->n_cell++;
        }
    }
    if (e->pass == EMIT_PASS_STACK_SIZE) {
        allocate_children(e);
        return true;
    }
    if (e->pass == EMIT_PASS_CODE_SIZE) {
        allocate_code(e);
        return true;
    }
    bool grew = e->code_info_offset > e->code_info_size || e->bytecode_offset > e->bytecode_size;
    if (e->code_info_offset != e->code_info_size || e->bytecode_offset != e->bytecode_size) {
        // Sizes changed (jumps shrank): run EMIT again with the new sizes.
        // Growth cannot happen by construction; if it did, a new buffer
        // keeps the writes in bounds.
        if (grew) {
            allocate_code(e);
        } else {
            e->code_info_size = e->code_info_offset;
            e->bytecode_size = e->bytecode_offset;
        }
        return diag_failed(e->d);
    }
    if (e->is_jump_overflow) {
        diag_error(e->d, DIAG_RUNTIME_ERROR, 0, "bytecode overflow");
        return true;
    }
    assign_raw_code(e);
    return true;
}

static bool is_dead_code(emitter_t *e) {
    return e->is_suppressed;
}

static void stack_adjust(emitter_t *e, int delta) {
    if (e->pass == EMIT_PASS_SCOPE) {
        return;
    }
    if (e->stack_size + delta < 0) {
        internal_error(e, "stack underflow");
        e->stack_size = 0;
        return;
    }
    e->stack_size += delta;
    // The scope's field is 16 bits, as in MicroPython.
    if (e->stack_size > e->scope->stack_size) {
        e->scope->stack_size = (uint16_t)e->stack_size;
    }
}

// ---------------------------------------------------------------------------
// The line-number table: (bytes skipped, lines skipped) entries in the
// encoding of mpy_line_entry_encode; lines never go backwards in it.
static void line_entries(emitter_t *e, size_t bytes, size_t lines) {
    while (bytes > 0 || lines > 0) {
        uint8_t entry[2];
        size_t n = mpy_line_entry_encode(entry, &bytes, &lines);
        uint8_t *p = code_info_reserve(e, n);
        memcpy(p, entry, n);
    }
}

static void set_source_line(emitter_t *e, uint32_t line) {
    if (e->opt_level >= 3 || line <= e->last_source_line) {
        return;
    }
    line_entries(e, e->bytecode_offset - e->last_source_line_offset, line - e->last_source_line);
    e->last_source_line_offset = e->bytecode_offset;
    e->last_source_line = line;
}

// ---------------------------------------------------------------------------
// Names.

static void load_local(emitter_t *e, qstr_t qst, unsigned local_num, emit_local_kind_t kind) {
    (void)qst;
    if (kind == EMIT_LOCAL_FAST && local_num <= FAST_MULTI_MAX) {
        op_with_delta(e, RANGE_DELTA_LOAD_FAST_MULTI,
            (uint8_t)(MPY_OP_LOAD_FAST_MULTI_FIRST + local_num));
    } else {
        op_uint(e, 1, (uint8_t)(MPY_OP_LOAD_FAST_N + kind), local_num);
    }
}

static void store_local(emitter_t *e, qstr_t qst, unsigned local_num, emit_local_kind_t kind) {
    (void)qst;
    if (kind == EMIT_LOCAL_FAST && local_num <= FAST_MULTI_MAX) {
        op_with_delta(e, RANGE_DELTA_STORE_FAST_MULTI,
            (uint8_t)(MPY_OP_STORE_FAST_MULTI_FIRST + local_num));
    } else {
        op_uint(e, -1, (uint8_t)(MPY_OP_STORE_FAST_N + kind), local_num);
    }
}

static void delete_local(emitter_t *e, qstr_t qst, unsigned local_num, emit_local_kind_t kind) {
    (void)qst;
    op_uint(e, 0, (uint8_t)(MPY_OP_DELETE_FAST + kind), local_num);
}

static void load_global(emitter_t *e, qstr_t qst, emit_global_kind_t kind) {
    op_qstr(e, 1, (uint8_t)(MPY_OP_LOAD_NAME + kind), qst);
}

static void store_global(emitter_t *e, qstr_t qst, emit_global_kind_t kind) {
    op_qstr(e, -1, (uint8_t)(MPY_OP_STORE_NAME + kind), qst);
}

static void delete_global(emitter_t *e, qstr_t qst, emit_global_kind_t kind) {
    op_qstr(e, 0, (uint8_t)(MPY_OP_DELETE_NAME + kind), qst);
}

static void label_assign(emitter_t *e, label_t l) {
    // A label can be jumped to, so the code after it is live again.
    e->is_suppressed = false;
    if (e->pass == EMIT_PASS_SCOPE) {
        return;
    }
    if (l >= e->max_num_labels) {
        internal_error(e, "label beyond the scope's count");
        return;
    }
    e->label_offsets[l] = e->bytecode_offset;
}

static void import(emitter_t *e, qstr_t qst, emit_import_kind_t kind) {
    if (kind == EMIT_IMPORT_STAR) {
        op_fixed(e, MPY_OP_IMPORT_STAR);
    } else {
        op_qstr(e, kind == EMIT_IMPORT_FROM ? 1 : -1, (uint8_t)(MPY_OP_IMPORT_NAME + kind), qst);
    }
}

// ---------------------------------------------------------------------------
// Constants.

static const cobj_t ellipsis_obj = {.kind = COBJ_ELLIPSIS};

static void load_const_obj(emitter_t *e, const cobj_t *obj) {
    op_uint(e, 1, MPY_OP_LOAD_CONST_OBJ, emit_module_use_const(e->m, obj));
}

static void load_const_tok(emitter_t *e, emit_const_tok_t tok) {
    switch (tok) {
        case EMIT_CONST_NONE:
            op_fixed(e, MPY_OP_LOAD_CONST_NONE);
            break;
        case EMIT_CONST_FALSE:
            op_fixed(e, MPY_OP_LOAD_CONST_FALSE);
            break;
        case EMIT_CONST_TRUE:
            op_fixed(e, MPY_OP_LOAD_CONST_TRUE);
            break;
        case EMIT_CONST_ELLIPSIS:
            load_const_obj(e, &ellipsis_obj);
            break;
    }
}

static void load_const_small_int(emitter_t *e, int64_t v) {
    if (v >= -SMALL_INT_MULTI_EXCESS
        && v < MPY_OP_LOAD_CONST_SMALL_INT_MULTI_COUNT - SMALL_INT_MULTI_EXCESS) {
        op_with_delta(e, RANGE_DELTA_LOAD_CONST_SMALL_INT_MULTI,
            (uint8_t)(MPY_OP_LOAD_CONST_SMALL_INT_MULTI_FIRST + SMALL_INT_MULTI_EXCESS + v));
    } else {
        op_sint(e, 1, MPY_OP_LOAD_CONST_SMALL_INT, v);
    }
}

static void load_const_str(emitter_t *e, qstr_t qst) {
    op_qstr(e, 1, MPY_OP_LOAD_CONST_STRING, qst);
}

static void load_null(emitter_t *e) {
    op_fixed(e, MPY_OP_LOAD_NULL);
}

// ---------------------------------------------------------------------------
// Attributes, subscripts and the stack.

static void load_method(emitter_t *e, qstr_t qst, bool is_super) {
    op_qstr(e, is_super ? -1 : 1, is_super ? MPY_OP_LOAD_SUPER_METHOD : MPY_OP_LOAD_METHOD, qst);
}

static void load_build_class(emitter_t *e) {
    op_fixed(e, MPY_OP_LOAD_BUILD_CLASS);
}

static void rot_two(emitter_t *e) {
    op_fixed(e, MPY_OP_ROT_TWO);
}

static void rot_three(emitter_t *e) {
    op_fixed(e, MPY_OP_ROT_THREE);
}

// Deleting stores NULL: `del x[i]` is STORE_SUBSCR of NULL.
static void subscr(emitter_t *e, emit_access_kind_t kind) {
    if (kind == EMIT_LOAD) {
        op_fixed(e, MPY_OP_LOAD_SUBSCR);
        return;
    }
    if (kind == EMIT_DELETE) {
        load_null(e);
        rot_three(e);
    }
    op_fixed(e, MPY_OP_STORE_SUBSCR);
}

static void attr(emitter_t *e, qstr_t qst, emit_access_kind_t kind) {
    if (kind == EMIT_LOAD) {
        op_qstr(e, 0, MPY_OP_LOAD_ATTR, qst);
        return;
    }
    if (kind == EMIT_DELETE) {
        load_null(e);
        rot_two(e);
    }
    op_qstr(e, -2, MPY_OP_STORE_ATTR, qst);
}

static void dup_top(emitter_t *e) {
    op_fixed(e, MPY_OP_DUP_TOP);
}

static void dup_top_two(emitter_t *e) {
    op_fixed(e, MPY_OP_DUP_TOP_TWO);
}

static void pop_top(emitter_t *e) {
    op_fixed(e, MPY_OP_POP_TOP);
}

// ---------------------------------------------------------------------------
// Control flow.

static void jump(emitter_t *e, label_t l) {
    op_jump(e, 0, MPY_OP_JUMP, l);
    e->is_suppressed = true;
}

static void pop_jump_if(emitter_t *e, bool cond, label_t l) {
    op_jump(e, -1, cond ? MPY_OP_POP_JUMP_IF_TRUE : MPY_OP_POP_JUMP_IF_FALSE, l);
}

static void jump_if_or_pop(emitter_t *e, bool cond, label_t l) {
    op_jump(e, -1, cond ? MPY_OP_JUMP_IF_TRUE_OR_POP : MPY_OP_JUMP_IF_FALSE_OR_POP, l);
}

// break/continue: a plain jump when no handler is in the way (popping a
// for loop's iterator first on break), else UNWIND_JUMP with the number of
// handlers to unwind (bit 7: pop the iterator as well).
static void unwind_jump(emitter_t *e, label_t l, unsigned except_depth) {
    bool from_for = (l & EMIT_BREAK_FROM_FOR) != 0;
    label_t target = l & ~(label_t)EMIT_BREAK_FROM_FOR;
    if (except_depth == 0) {
        if (from_for) {
            for (int i = 0; i < ITER_BUF_SLOTS; i++) {
                op_raw(e, MPY_OP_POP_TOP);
            }
        }
        op_jump(e, 0, MPY_OP_JUMP, target);
    } else {
        op_jump(e, 0, MPY_OP_UNWIND_JUMP, target);
        op_raw(e, (uint8_t)((from_for ? 0x80 : 0) | except_depth));
    }
    e->is_suppressed = true;
}

// SETUP_WITH pops the context manager and pushes __exit__, the manager and
// the value of __enter__: +2.
static void setup_block(emitter_t *e, label_t l, emit_block_kind_t kind) {
    op_jump(e, kind == EMIT_SETUP_BLOCK_WITH ? 2 : 0, (uint8_t)(MPY_OP_SETUP_WITH + kind), l);
}

// The +2 leaves room to call __exit__; the -4 then undoes it and the +2 of
// SETUP_WITH.
static void with_cleanup(emitter_t *e, label_t l) {
    load_const_tok(e, EMIT_CONST_NONE);
    label_assign(e, l);
    op_with_delta(e, 2, MPY_OP_WITH_CLEANUP);
    stack_adjust(e, -4);
}

static void end_finally(emitter_t *e) {
    op_with_delta(e, -1, MPY_OP_END_FINALLY);
}

static void get_iter(emitter_t *e, bool use_stack) {
    if (use_stack) {
        op_with_delta(e, ITER_BUF_SLOTS - 1, MPY_OP_GET_ITER_STACK);
    } else {
        op_fixed(e, MPY_OP_GET_ITER);
    }
}

static void for_iter(emitter_t *e, label_t l) {
    op_jump(e, 1, MPY_OP_FOR_ITER, l);
}

static void for_iter_end(emitter_t *e) {
    stack_adjust(e, -ITER_BUF_SLOTS);
}

static void pop_except_jump(emitter_t *e, label_t l, bool within_exc_handler) {
    (void)within_exc_handler;
    op_jump(e, 0, MPY_OP_POP_EXCEPT_JUMP, l);
    e->is_suppressed = true;
}

// ---------------------------------------------------------------------------
// Operators and containers.

static void unary_op(emitter_t *e, mpy_unary_op_t op) {
    op_with_delta(e, RANGE_DELTA_UNARY_OP_MULTI, (uint8_t)(MPY_OP_UNARY_OP_MULTI_FIRST + op));
}

// `not in` and `is not` are IN and IS followed by NOT.
static void binary_op(emitter_t *e, mpy_binary_op_t op) {
    bool is_inverted = op == MPY_BINARY_OP_NOT_IN || op == MPY_BINARY_OP_IS_NOT;
    if (op == MPY_BINARY_OP_NOT_IN) {
        op = MPY_BINARY_OP_IN;
    } else if (op == MPY_BINARY_OP_IS_NOT) {
        op = MPY_BINARY_OP_IS;
    }
    op_with_delta(e, RANGE_DELTA_BINARY_OP_MULTI, (uint8_t)(MPY_OP_BINARY_OP_MULTI_FIRST + op));
    if (is_inverted) {
        unary_op(e, MPY_UNARY_OP_NOT);
    }
}

// BUILD_MAP takes a size hint and pushes an empty dict; the others pop
// their items.
static void build(emitter_t *e, unsigned n_args, emit_build_kind_t kind) {
    int delta = kind == EMIT_BUILD_MAP ? 1 : 1 - (int)n_args;
    op_uint(e, delta, (uint8_t)(MPY_OP_BUILD_TUPLE + kind), n_args);
}

static void store_map(emitter_t *e) {
    op_fixed(e, MPY_OP_STORE_MAP);
}

// The operand's low 2 bits say list (0), dict (1) or set (2); the rest is
// how deep the collection is (a dict item pops key and value).
static void store_comp(emitter_t *e, scope_kind_t kind, unsigned collection_stack_index) {
    unsigned n = kind == SCOPE_DICT_COMP ? 1 : 0;
    unsigned t = kind == SCOPE_LIST_COMP ? 0 : kind == SCOPE_DICT_COMP ? 1 : 2;
    op_uint(e, -1 - (int)n, MPY_OP_STORE_COMP, ((uint64_t)(collection_stack_index + n) << 2) | t);
}

static void unpack_sequence(emitter_t *e, unsigned n_args) {
    op_uint(e, -1 + (int)n_args, MPY_OP_UNPACK_SEQUENCE, n_args);
}

static void unpack_ex(emitter_t *e, unsigned n_left, unsigned n_right) {
    op_uint(e, (int)(n_left + n_right), MPY_OP_UNPACK_EX, n_left | ((uint64_t)n_right << 8));
}

// ---------------------------------------------------------------------------
// Functions and calls.

static void make_function(emitter_t *e, scope_t *scope, unsigned n_pos_defaults,
    unsigned n_kw_defaults) {
    if (n_pos_defaults == 0 && n_kw_defaults == 0) {
        op_child(e, 1, MPY_OP_MAKE_FUNCTION, scope);
    } else {
        op_child(e, -1, MPY_OP_MAKE_FUNCTION_DEFARGS, scope);
    }
}

static void make_closure(emitter_t *e, scope_t *scope, unsigned n_closed_over,
    unsigned n_pos_defaults, unsigned n_kw_defaults) {
    if (n_pos_defaults == 0 && n_kw_defaults == 0) {
        op_child(e, 1 - (int)n_closed_over, MPY_OP_MAKE_CLOSURE, scope);
    } else {
        op_child(e, -1 - (int)n_closed_over, MPY_OP_MAKE_CLOSURE_DEFARGS, scope);
    }
    op_raw(e, (uint8_t)n_closed_over);
}

// Positional arguments are one slot each, keyword arguments two (name and
// value); *args/**kwargs add one slot for the bitmap of starred arguments.
static void call_helper(emitter_t *e, int delta, uint8_t op, unsigned n_positional,
    unsigned n_keyword, unsigned star_flags) {
    delta -= (int)n_positional + 2 * (int)n_keyword;
    if (star_flags != 0) {
        delta -= 1;
        op += 1;
    }
    op_uint(e, delta, op, ((uint64_t)n_keyword << 8) | n_positional);
}

static void call_function(emitter_t *e, unsigned n_positional, unsigned n_keyword,
    unsigned star_flags) {
    call_helper(e, 0, MPY_OP_CALL_FUNCTION, n_positional, n_keyword, star_flags);
}

static void call_method(emitter_t *e, unsigned n_positional, unsigned n_keyword,
    unsigned star_flags) {
    call_helper(e, -1, MPY_OP_CALL_METHOD, n_positional, n_keyword, star_flags);
}

static void return_value(emitter_t *e) {
    op_fixed(e, MPY_OP_RETURN_VALUE);
    e->is_suppressed = true;
}

static void raise_varargs(emitter_t *e, unsigned n_args) {
    if (n_args > 2) {
        internal_error(e, "raise with more than 2 arguments");
        return;
    }
    op_with_delta(e, -(int)n_args, (uint8_t)(MPY_OP_RAISE_LAST + n_args));
    e->is_suppressed = true;
}

static void yield(emitter_t *e, emit_yield_kind_t kind) {
    op_with_delta(e, -(int)kind, (uint8_t)(MPY_OP_YIELD_VALUE + kind));
    e->scope->scope_flags |= MPY_SCOPE_FLAG_GENERATOR;
}

// A handler starts with the exception on the stack, plus room for the
// state an UNWIND_JUMP out of it pushes.
static void start_except_handler(emitter_t *e) {
    stack_adjust(e, 4);
}

static void end_except_handler(emitter_t *e) {
    stack_adjust(e, -3);
}

const emit_ops_t emit_bc_ops = {
    .start_pass = start_pass,
    .end_pass = end_pass,
    .is_dead_code = is_dead_code,
    .adjust_stack_size = stack_adjust,
    .set_source_line = set_source_line,
    .load_local = load_local,
    .load_global = load_global,
    .store_local = store_local,
    .store_global = store_global,
    .delete_local = delete_local,
    .delete_global = delete_global,
    .label_assign = label_assign,
    .import = import,
    .load_const_tok = load_const_tok,
    .load_const_small_int = load_const_small_int,
    .load_const_str = load_const_str,
    .load_const_obj = load_const_obj,
    .load_null = load_null,
    .load_method = load_method,
    .load_build_class = load_build_class,
    .subscr = subscr,
    .attr = attr,
    .dup_top = dup_top,
    .dup_top_two = dup_top_two,
    .pop_top = pop_top,
    .rot_two = rot_two,
    .rot_three = rot_three,
    .jump = jump,
    .pop_jump_if = pop_jump_if,
    .jump_if_or_pop = jump_if_or_pop,
    .unwind_jump = unwind_jump,
    .setup_block = setup_block,
    .with_cleanup = with_cleanup,
    .end_finally = end_finally,
    .get_iter = get_iter,
    .for_iter = for_iter,
    .for_iter_end = for_iter_end,
    .pop_except_jump = pop_except_jump,
    .unary_op = unary_op,
    .binary_op = binary_op,
    .build = build,
    .store_map = store_map,
    .store_comp = store_comp,
    .unpack_sequence = unpack_sequence,
    .unpack_ex = unpack_ex,
    .make_function = make_function,
    .make_closure = make_closure,
    .call_function = call_function,
    .call_method = call_method,
    .return_value = return_value,
    .raise_varargs = raise_varargs,
    .yield = yield,
    .start_except_handler = start_except_handler,
    .end_except_handler = end_except_handler,
};
