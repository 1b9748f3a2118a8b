// tests/emitters/test_emit_bc.c: the bytecode emitter and the module
// tables, driven directly through emit_bc_ops on hand-made scopes. Each
// test runs the passes as the compile walk does (SCOPE, STACK_SIZE,
// CODE_SIZE, then EMIT until stable) and checks the exact bytes.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emitters/emit.h"
#include "util/bigint.h"

typedef struct fixture {
    arena_t arena;
    qstr_pool_t *pool;
    emit_module_t *m;
    emitter_t *e;
    diag_t d;
    int n_emit_passes;  // EMIT passes the last run needed
} fixture_t;

// A program: the calls the compile walk would make for one scope, the
// same in every pass.
typedef void (*program_t)(fixture_t *f, scope_t *s);

static const emit_ops_t *const ops = &emit_bc_ops;

static int setup(void **state) {
    fixture_t *f = calloc(1, sizeof(*f));
    arena_init(&f->arena);
    f->pool = qstr_pool_new();
    diag_init(&f->d, "t.py");
    f->m = emit_module_new(&f->arena, f->pool, qstr_intern_cstr(f->pool, "t.py"));
    f->e = emit_bc_new(&f->arena, f->m, &f->d);
    emit_bc_set_max_num_labels(f->e, 16);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    arena_deinit(&f->arena);
    qstr_pool_free(f->pool);
    free(f);
    return 0;
}

static qstr_t q(fixture_t *f, const char *s) {
    return qstr_intern_cstr(f->pool, s);
}

static scope_t *new_scope(fixture_t *f, scope_kind_t kind, const char *name) {
    scope_t *s = arena_alloc(&f->arena, sizeof(*s));
    s->kind = kind;
    s->simple_name = q(f, name);
    s->source_file = q(f, "t.py");
    return s;
}

static void add_id(fixture_t *f, scope_t *s, const char *name, id_kind_t kind, uint8_t flags,
    uint16_t local_num) {
    if (s->id_info_len == s->id_info_cap) {
        size_t cap = s->id_info_cap ? s->id_info_cap * 2 : 8;
        id_info_t *ids = arena_alloc(&f->arena, cap * sizeof(*ids));
        if (s->id_info_len > 0) {
            memcpy(ids, s->id_info, s->id_info_len * sizeof(*ids));
        }
        s->id_info = ids;
        s->id_info_cap = cap;
    }
    s->id_info[s->id_info_len++] = (id_info_t){kind, flags, local_num, q(f, name)};
}

static void run_pass(fixture_t *f, scope_t *s, program_t prog, emit_pass_t pass, bool *done) {
    ops->start_pass(f->e, pass, s);
    prog(f, s);
    *done = ops->end_pass(f->e);
}

// The scope pass for every scope first, then the other passes scope by
// scope, as the official compiler orders them.
static void run_module(fixture_t *f, scope_t **scopes, program_t *progs, size_t n) {
    bool done;
    for (size_t i = 0; i < n; i++) {
        scopes[i]->stack_size = 0;
        scopes[i]->exc_stack_size = 0;
        run_pass(f, scopes[i], progs[i], EMIT_PASS_SCOPE, &done);
    }
    for (size_t i = 0; i < n; i++) {
        run_pass(f, scopes[i], progs[i], EMIT_PASS_STACK_SIZE, &done);
        run_pass(f, scopes[i], progs[i], EMIT_PASS_CODE_SIZE, &done);
        f->n_emit_passes = 0;
        do {
            run_pass(f, scopes[i], progs[i], EMIT_PASS_EMIT, &done);
            f->n_emit_passes++;
        } while (!done && f->n_emit_passes < 10);
        assert_true(done);
    }
    assert_false(diag_failed(&f->d));
}

static void run_one(fixture_t *f, scope_t *s, program_t prog) {
    run_module(f, &s, &prog, 1);
}

static void assert_code(const scope_t *s, const uint8_t *want, size_t n) {
    assert_non_null(s->raw_code);
    const mpy_raw_code_t *rc = &s->raw_code->rc;
    if (rc->code_len != n || memcmp(rc->code, want, n) != 0) {
        for (size_t i = 0; i < rc->code_len; i++) {
            fprintf(stderr, "%02x ", rc->code[i]);
        }
        fprintf(stderr, "(got)\n");
    }
    assert_int_equal(rc->code_len, n);
    assert_memory_equal(rc->code, want, n);
}

// Bytecode part of a function, after the prelude and source info
// (n_info and n_cell decoded from the prelude).
static const uint8_t *opcodes_of(const scope_t *s, size_t *len) {
    const uint8_t *c = s->raw_code->rc.code;
    size_t i = 0;
    while (c[i] & 0x80) {
        i++;
    }
    i++;
    size_t n_info = 0;
    size_t n_cell = 0;
    for (unsigned k = 0;; k++) {
        uint8_t z = c[i++];
        n_cell |= (size_t)(z & 1) << k;
        n_info |= (size_t)((z & 0x7e) >> 1) << (6 * k);
        if (!(z & 0x80)) {
            break;
        }
    }
    i += n_info + n_cell;
    *len = s->raw_code->rc.code_len - i;
    return c + i;
}

// ---------------------------------------------------------------------------

static void prog_x_equals_1(fixture_t *f, scope_t *s) {
    (void)s;
    ops->set_source_line(f->e, 1);
    ops->load_const_small_int(f->e, 1);
    ops->store_global(f->e, q(f, "x"), EMIT_GLOBAL_NAME);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_module_assignment_encodes_like_the_official_compiler(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_x_equals_1);
    // n_state 1, n_info 1, name qstr 1, LOAD_CONST_SMALL_INT 1, STORE_NAME x.
    static const uint8_t want[] = {0x00, 0x02, 0x01, 0x81, 0x16, 0x02, 0x51, 0x63};
    assert_code(s, want, sizeof(want));
    assert_int_equal(emit_module_num_qstrs(f->m), 3);
    assert_int_equal(s->stack_size, 1);
}

// def f(x): return x * 2   (the body on line 3)
static void prog_double(fixture_t *f, scope_t *s) {
    (void)s;
    ops->set_source_line(f->e, 3);
    ops->load_local(f->e, q(f, "x"), 0, EMIT_LOCAL_FAST);
    ops->load_const_small_int(f->e, 2);
    ops->binary_op(f->e, MPY_BINARY_OP_MULTIPLY);
    ops->return_value(f->e);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_function_prelude_has_arg_names_and_drops_dead_return(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_FUNCTION, "f");
    add_id(f, s, "x", ID_KIND_LOCAL, ID_FLAG_IS_PARAM, 0);
    s->num_pos_args = 1;
    s->num_locals = 1;
    run_one(f, s, prog_double);
    // S=2 (n_state 3), A=1; n_info 3; name f=1, arg x=2; line +2.
    static const uint8_t want[] = {0x11, 0x06, 0x01, 0x02, 0x40, 0xb0, 0x82, 0xf4, 0x63};
    assert_code(s, want, sizeof(want));
}

// ---------------------------------------------------------------------------
// Jumps.

static unsigned g_body_pairs;
static bool g_extra_byte;

// A body of g_body_pairs * 2 bytes, plus one if g_extra_byte.
static void body(fixture_t *f) {
    if (g_extra_byte) {
        ops->rot_two(f->e);
    }
    for (unsigned i = 0; i < g_body_pairs; i++) {
        ops->load_null(f->e);
        ops->pop_top(f->e);
    }
}

// if True-ish: a conditional forward jump over the body.
static void prog_forward(fixture_t *f, scope_t *s) {
    (void)s;
    ops->load_const_tok(f->e, EMIT_CONST_TRUE);
    ops->pop_jump_if(f->e, false, 0);
    body(f);
    ops->label_assign(f->e, 0);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void check_forward(fixture_t *f, unsigned pairs, const uint8_t *jump, size_t n) {
    g_body_pairs = pairs;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_forward);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    assert_int_equal(len, 1 + n + 2 * pairs + g_extra_byte + 2);
    assert_memory_equal(code + 1, jump, n);
}

static void test_forward_signed_jump_of_62_bytes_takes_one_byte(void **state) {
    static const uint8_t want[] = {MPY_OP_POP_JUMP_IF_FALSE, 0x40 + 62};
    check_forward(*state, 31, want, sizeof(want));
}

// The CODE_SIZE pass sees the label where STACK_SIZE put it, with this jump
// counted at 3 bytes: 63 bytes of body look like an offset of 64, so the
// jump takes 2 bytes, and keeps them (its offset is then 63 + 1 again).
static void test_forward_signed_jump_over_63_bytes_keeps_two_bytes(void **state) {
    g_extra_byte = true;
    static const uint8_t want[] = {MPY_OP_POP_JUMP_IF_FALSE, 0x80 | 63, 0x4000 >> 7};
    check_forward(*state, 31, want, sizeof(want));
    g_extra_byte = false;
}

static void test_forward_signed_jump_of_64_bytes_takes_two_bytes(void **state) {
    // 2-byte form: offset + 0x4000, low 7 bits first with bit 7 set.
    static const uint8_t want[] = {MPY_OP_POP_JUMP_IF_FALSE, 0x80 | 64, 0x4000 >> 7};
    check_forward(*state, 32, want, sizeof(want));
}

// A backward jump: `while True: <body>` with the body g_body_pairs * 2 bytes.
static void prog_backward(fixture_t *f, scope_t *s) {
    (void)s;
    ops->label_assign(f->e, 0);
    for (unsigned i = 0; i < g_body_pairs; i++) {
        ops->load_null(f->e);
        ops->pop_top(f->e);
    }
    ops->jump(f->e, 0);
    ops->label_assign(f->e, 1);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_backward_jump_of_minus_64_is_the_last_one_byte_offset(void **state) {
    fixture_t *f = *state;
    g_body_pairs = 31;  // 62 bytes + the 2-byte jump itself: -64
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_backward);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    assert_int_equal(code[62], MPY_OP_JUMP);
    assert_int_equal(code[63], 0x40 - 64);
}

static void test_backward_jump_of_minus_66_takes_two_bytes(void **state) {
    fixture_t *f = *state;
    g_body_pairs = 32;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_backward);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    // -64 - 3 = -67 biased by 0x4000.
    unsigned off = 0x4000 - 67;
    assert_int_equal(code[64], MPY_OP_JUMP);
    assert_int_equal(code[65], 0x80 | (off & 0x7f));
    assert_int_equal(code[66], off >> 7);
}

// Two forward jumps, the outer one over the inner. CODE_SIZE sees the
// outer label where STACK_SIZE put it (both jumps 3 bytes) and picks 2
// bytes for the outer jump; the first EMIT pass sees the inner jump's
// saving and picks 1, the code shrinks, and EMIT runs once more.
static void prog_nested_forward(fixture_t *f, scope_t *s) {
    (void)s;
    ops->load_const_tok(f->e, EMIT_CONST_TRUE);
    ops->pop_jump_if(f->e, false, 0);
    ops->load_const_tok(f->e, EMIT_CONST_TRUE);
    ops->pop_jump_if(f->e, false, 1);
    ops->label_assign(f->e, 1);
    body(f);
    ops->label_assign(f->e, 0);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_jump_that_fits_only_after_inner_jump_shrinks_needs_second_emit_pass(void **state) {
    fixture_t *f = *state;
    g_body_pairs = 29;
    g_extra_byte = true;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_nested_forward);
    g_extra_byte = false;
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    static const uint8_t want[] = {0x52, MPY_OP_POP_JUMP_IF_FALSE, 0x40 + 62, 0x52,
        MPY_OP_POP_JUMP_IF_FALSE, 0x40, 0x5a};
    assert_memory_equal(code, want, sizeof(want));
    assert_int_equal(f->n_emit_passes, 2);
}

// `a or b`-style unsigned forward jump over the body.
static void prog_unsigned_forward(fixture_t *f, scope_t *s) {
    (void)s;
    ops->load_const_tok(f->e, EMIT_CONST_TRUE);
    ops->jump_if_or_pop(f->e, true, 0);
    body(f);
    ops->label_assign(f->e, 0);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_unsigned_forward_jump_over_126_bytes_takes_one_byte(void **state) {
    fixture_t *f = *state;
    g_body_pairs = 63;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_unsigned_forward);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    assert_int_equal(code[1], MPY_OP_JUMP_IF_TRUE_OR_POP);
    assert_int_equal(code[2], 126);
    assert_int_equal(code[3], MPY_OP_LOAD_NULL);
}

static void test_unsigned_forward_jump_over_127_bytes_takes_two_bytes(void **state) {
    fixture_t *f = *state;
    g_body_pairs = 63;
    g_extra_byte = true;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_unsigned_forward);
    g_extra_byte = false;
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    assert_int_equal(code[1], MPY_OP_JUMP_IF_TRUE_OR_POP);
    assert_int_equal(code[2], 0x80 | 127);
    assert_int_equal(code[3], 0);
}

// ---------------------------------------------------------------------------
// Line numbers.

static const uint32_t *g_lines;
static size_t g_n_lines;
static unsigned g_ops_per_line;

static void prog_lines(fixture_t *f, scope_t *s) {
    (void)s;
    for (size_t i = 0; i < g_n_lines; i++) {
        ops->set_source_line(f->e, g_lines[i]);
        for (unsigned k = 0; k < g_ops_per_line; k++) {
            ops->load_null(f->e);
            ops->pop_top(f->e);
        }
    }
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

// The line table of a module scope with one name qstr (1 byte).
static const uint8_t *line_table(const scope_t *s, size_t *n) {
    const uint8_t *c = s->raw_code->rc.code;
    size_t n_info = (c[1] & 0x7e) >> 1;
    assert_int_equal(c[1] & 0x80, 0);
    *n = n_info - 1;
    return c + 3;
}

static void test_line_table_uses_short_and_long_entries(void **state) {
    fixture_t *f = *state;
    static const uint32_t lines[] = {1, 3, 10, 200, 2500};
    g_lines = lines;
    g_n_lines = 5;
    g_ops_per_line = 1;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_lines);
    size_t n;
    const uint8_t *t = line_table(s, &n);
    static const uint8_t want[] = {
        0x42,              // 2 bytes, +2 lines
        0x82, 0x07,        // 2 bytes, +7 lines (long form: more than 6 lines)
        0x82, 0xbe,        // 2 bytes, +190
        0xf2, 0xff,        // 2 bytes, +2047 (the most one entry holds)
        0x80 | 0x10, 0x02, // 0 bytes, +253 (0x0fd: high bits 0x0 -> 0x00|...)
    };
    (void)want;
    // Decode and check the totals rather than the exact split of the last
    // entries, then check the exact first three.
    assert_memory_equal(t, want, 5);
    size_t line = 1;
    size_t off = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = t[i];
        if (c & 0x80) {
            off += c & 0xf;
            line += ((size_t)(c & 0x70) << 4) | t[i + 1];
            i += 2;
        } else {
            off += c & 0x1f;
            line += c >> 5;
            i += 1;
        }
    }
    assert_int_equal(line, 2500);
    assert_int_equal(off, 8);
}

static void test_line_skip_over_31_bytes_splits_bytes_before_lines(void **state) {
    fixture_t *f = *state;
    static const uint32_t lines[] = {1, 2};
    g_lines = lines;
    g_n_lines = 2;
    g_ops_per_line = 20;  // 40 bytes on line 1
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_lines);
    size_t n;
    const uint8_t *t = line_table(s, &n);
    static const uint8_t want[] = {0x1f, 0x29};  // 31 bytes; 9 bytes and +1 line
    assert_int_equal(n, sizeof(want));
    assert_memory_equal(t, want, sizeof(want));
}

static void test_opt_level_3_stores_no_line_numbers(void **state) {
    fixture_t *f = *state;
    static const uint32_t lines[] = {1, 5, 9};
    g_lines = lines;
    g_n_lines = 3;
    g_ops_per_line = 1;
    emit_bc_set_opt_level(f->e, 3);
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_lines);
    size_t n;
    line_table(s, &n);
    assert_int_equal(n, 0);
}

// ---------------------------------------------------------------------------
// Prelude.

typedef struct sig {
    size_t n_state, n_exc, flags, n_pos, n_kwonly, n_def;
} sig_t;

static sig_t decode_sig(const uint8_t *c) {
    uint8_t z = *c++;
    sig_t s = {(z >> 3) & 0xf, (z >> 2) & 1, 0, z & 3, 0, 0};
    for (unsigned n = 0; z & 0x80; n++) {
        z = *c++;
        s.n_state |= (size_t)(z & 0x30) << (2 * n);
        s.n_exc |= (size_t)(z & 0x02) << n;
        s.flags |= (size_t)((z & 0x40) >> 6) << n;
        s.n_pos |= (size_t)(z & 0x4) << n;
        s.n_kwonly |= (size_t)((z & 0x08) >> 3) << n;
        s.n_def |= (size_t)(z & 0x1) << n;
    }
    s.n_state += 1;
    return s;
}

static void prog_return_none(fixture_t *f, scope_t *s) {
    (void)s;
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_prelude_signature_round_trips_large_values(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_FUNCTION, "g");
    for (unsigned i = 0; i < 9; i++) {
        char name[8];
        snprintf(name, sizeof(name), "a%u", i);
        add_id(f, s, name, ID_KIND_LOCAL, ID_FLAG_IS_PARAM, (uint16_t)i);
    }
    s->num_pos_args = 6;
    s->num_kwonly_args = 3;
    s->num_def_pos_args = 5;
    s->num_locals = 99;
    s->scope_flags = MPY_SCOPE_FLAG_VARARGS | MPY_SCOPE_FLAG_DEFKWARGS | MPY_SCOPE_FLAG_REFGLOBALS;
    run_one(f, s, prog_return_none);
    s->exc_stack_size = 0;
    sig_t got = decode_sig(s->raw_code->rc.code);
    assert_int_equal(got.n_state, 100);
    assert_int_equal(got.n_exc, 0);
    // REFGLOBALS is not a signature flag.
    assert_int_equal(got.flags, MPY_SCOPE_FLAG_VARARGS | MPY_SCOPE_FLAG_DEFKWARGS);
    assert_int_equal(got.n_pos, 6);
    assert_int_equal(got.n_kwonly, 3);
    assert_int_equal(got.n_def, 5);
}

static void test_missing_argument_slot_is_named_star(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_FUNCTION, "h");
    // Slot 0 is a closed-over value with no parameter; slot 1 is `y`.
    add_id(f, s, "y", ID_KIND_LOCAL, ID_FLAG_IS_PARAM, 1);
    s->num_pos_args = 2;
    s->num_locals = 2;
    run_one(f, s, prog_return_none);
    const uint8_t *c = s->raw_code->rc.code;
    // sig (1 byte), size (1), name h, "*" (static, index 2 in the table), y.
    assert_int_equal(c[3], 2);
    assert_int_equal(c[4], 3);
}

static void prog_cell(fixture_t *f, scope_t *s) {
    (void)s;
    ops->load_local(f->e, q(f, "c"), 2, EMIT_LOCAL_DEREF);
    ops->store_local(f->e, q(f, "d"), 1, EMIT_LOCAL_FAST);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_cells_follow_the_line_table_and_are_counted_in_the_size(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_FUNCTION, "k");
    add_id(f, s, "a", ID_KIND_CELL, ID_FLAG_IS_PARAM, 0);
    add_id(f, s, "d", ID_KIND_LOCAL, 0, 1);
    add_id(f, s, "c", ID_KIND_CELL, 0, 2);
    s->num_pos_args = 1;
    s->num_locals = 3;
    run_one(f, s, prog_cell);
    // sig: n_state 4 -> S=3, A=1: 0x19. size: n_info 2 (name, arg), n_cell
    // 2: 0x84 0x01. name k=1, arg a=2. cells 0 and 2. Then the opcodes.
    static const uint8_t want[] = {0x19, 0x84, 0x01, 0x01, 0x02, 0x00, 0x02, 0x25, 0x02, 0xc1,
        0x51, 0x63};
    assert_code(s, want, sizeof(want));
}

// ---------------------------------------------------------------------------
// Operands.

static const int64_t *g_ints;
static size_t g_n_ints;

static void prog_ints(fixture_t *f, scope_t *s) {
    (void)s;
    for (size_t i = 0; i < g_n_ints; i++) {
        ops->load_const_small_int(f->e, g_ints[i]);
        ops->pop_top(f->e);
    }
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_small_int_operands_carry_their_sign_in_bit_6(void **state) {
    fixture_t *f = *state;
    static const int64_t ints[] = {-16, 47, 48, 64, -17, -65, 1000000};
    g_ints = ints;
    g_n_ints = 7;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_ints);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    static const uint8_t want[] = {
        0x70, 0x59,                    // -16: multi form
        0xaf, 0x59,                    // 47: multi form
        0x22, 0x30, 0x59,              // 48
        0x22, 0x80, 0x40, 0x59,        // 64: bit 6 set, so a leading 0 group
        0x22, 0x6f, 0x59,              // -17
        0x22, 0xff, 0x3f, 0x59,        // -65: a leading 0x7f group
        0x22, 0xbd, 0x84, 0x40, 0x59,  // 1000000
        0x51, 0x63,
    };
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(code, want, sizeof(want));
}

static scope_t *g_child_a;
static scope_t *g_child_b;

static void prog_children(fixture_t *f, scope_t *s) {
    (void)s;
    ops->make_function(f->e, g_child_a, 0, 0);
    ops->return_value(f->e);
    ops->make_function(f->e, g_child_b, 0, 0);  // dead, but still numbered
    ops->return_value(f->e);
    ops->label_assign(f->e, 0);
    ops->load_build_class(f->e);
    ops->make_closure(f->e, g_child_b, 0, 0, 0);
    ops->call_function(f->e, 1, 0, 0);
    ops->return_value(f->e);
}

static void test_children_are_numbered_in_order_even_in_dead_code(void **state) {
    fixture_t *f = *state;
    scope_t *mod = new_scope(f, SCOPE_MODULE, "<module>");
    g_child_a = new_scope(f, SCOPE_FUNCTION, "a");
    g_child_b = new_scope(f, SCOPE_FUNCTION, "b");
    scope_t *scopes[] = {mod, g_child_a, g_child_b};
    program_t progs[] = {prog_children, prog_return_none, prog_return_none};
    run_module(f, scopes, progs, 3);
    size_t len;
    const uint8_t *code = opcodes_of(mod, &len);
    static const uint8_t want[] = {0x32, 0x00, 0x63, 0x54, 0x20, 0x02, 0x00, 0x34, 0x01, 0x63};
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(code, want, sizeof(want));
    assert_int_equal(mod->raw_code->n_children, 3);
    assert_ptr_equal(mod->raw_code->children[0], g_child_a->raw_code);
    assert_ptr_equal(mod->raw_code->children[1], g_child_b->raw_code);
    assert_ptr_equal(mod->raw_code->children[2], g_child_b->raw_code);

    mpy_file_t out;
    memset(&out, 0, sizeof(out));
    assert_true(emit_module_finish(f->m, mod, &out, &f->d));
    assert_int_equal(out.root.n_children, 3);
    assert_int_equal(out.root.children[0].code_len, g_child_a->raw_code->rc.code_len);
    // Qstr order: source, the three names in scope-pass order.
    assert_int_equal(out.n_qstrs, 4);
    assert_string_equal(out.qstrs[0].str, "t.py");
    assert_true(out.qstrs[1].is_static);  // <module>
    assert_memory_equal(out.qstrs[2].str, "a", 1);
    assert_memory_equal(out.qstrs[3].str, "b", 1);
}

static void prog_with_stack(fixture_t *f, scope_t *s) {
    (void)s;
    ops->load_null(f->e);
    ops->setup_block(f->e, 0, EMIT_SETUP_BLOCK_WITH);
    ops->pop_top(f->e);
    ops->with_cleanup(f->e, 0);
    ops->end_finally(f->e);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_with_block_reserves_room_to_call_exit(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_with_stack);
    // NULL, then SETUP_WITH +2 = 3, POP_TOP 2, None 3, WITH_CLEANUP +2 = 5.
    assert_int_equal(s->stack_size, 5);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    static const uint8_t want[] = {0x53, 0x47, 0x02, 0x59, 0x51, 0x5c, 0x5d, 0x51, 0x63};
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(code, want, sizeof(want));
}

static void prog_break_from_for(fixture_t *f, scope_t *s) {
    (void)s;
    ops->label_assign(f->e, 1);
    ops->unwind_jump(f->e, 0 | EMIT_BREAK_FROM_FOR, 0);
    ops->unwind_jump(f->e, 1 | EMIT_BREAK_FROM_FOR, 2);  // dead
    ops->label_assign(f->e, 2);
    ops->unwind_jump(f->e, 1 | EMIT_BREAK_FROM_FOR, 2);
    ops->label_assign(f->e, 0);
    ops->load_const_tok(f->e, EMIT_CONST_NONE);
    ops->return_value(f->e);
}

static void test_break_pops_the_iterator_or_unwinds_handlers(void **state) {
    fixture_t *f = *state;
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_break_from_for);
    size_t len;
    const uint8_t *code = opcodes_of(s, &len);
    static const uint8_t want[] = {
        0x59, 0x59, 0x59, 0x59, 0x42, 0x40 + 3,  // pop the iterator, jump ahead
        0x40, 0x40 - 8, 0x82,                    // UNWIND_JUMP back, 2 handlers
        0x51, 0x63,
    };
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(code, want, sizeof(want));
}

// ---------------------------------------------------------------------------
// The constant table.

static void test_constants_are_deduplicated_by_strict_equality(void **state) {
    fixture_t *f = *state;
    cobj_t zero = {.kind = COBJ_FLOAT, .u.f = 0.0};
    cobj_t minus_zero = {.kind = COBJ_FLOAT, .u.f = -0.0};
    cobj_t one_f = {.kind = COBJ_FLOAT, .u.f = 1.0};
    cobj_t one_i = {.kind = COBJ_SMALL_INT, .u.small_int = 1};
    cobj_t nan1 = {.kind = COBJ_FLOAT, .u.f = __builtin_nan("")};
    cobj_t nan2 = nan1;
    cobj_t s1 = {.kind = COBJ_STR, .u.str = {(const uint8_t *)"abc", 3}};
    cobj_t s2 = {.kind = COBJ_STR, .u.str = {(const uint8_t *)"abc", 3}};
    cobj_t b1 = {.kind = COBJ_BYTES, .u.str = {(const uint8_t *)"abc", 3}};
    const cobj_t *items1[] = {&one_i, &s1};
    const cobj_t *items2[] = {&one_i, &s2};
    const cobj_t *items3[] = {&one_f, &s2};
    cobj_t t1 = {.kind = COBJ_TUPLE, .u.tuple = {items1, 2}};
    cobj_t t2 = {.kind = COBJ_TUPLE, .u.tuple = {items2, 2}};
    cobj_t t3 = {.kind = COBJ_TUPLE, .u.tuple = {items3, 2}};
    emit_module_t *m = f->m;
    assert_int_equal(emit_module_use_const(m, &zero), 0);
    assert_int_equal(emit_module_use_const(m, &minus_zero), 1);  // bits differ
    assert_int_equal(emit_module_use_const(m, &one_f), 2);
    assert_int_equal(emit_module_use_const(m, &one_i), 3);
    assert_int_equal(emit_module_use_const(m, &nan1), 4);
    assert_int_equal(emit_module_use_const(m, &nan1), 4);
    assert_int_equal(emit_module_use_const(m, &nan2), 4);  // the same bits
    assert_int_equal(emit_module_use_const(m, &s1), 5);
    assert_int_equal(emit_module_use_const(m, &s2), 5);
    assert_int_equal(emit_module_use_const(m, &b1), 6);
    assert_int_equal(emit_module_use_const(m, &t1), 7);
    assert_int_equal(emit_module_use_const(m, &t2), 7);
    assert_int_equal(emit_module_use_const(m, &t3), 8);
    assert_int_equal(emit_module_num_consts(m), 9);
}

static void test_big_int_equal_to_a_small_one_is_the_same_constant(void **state) {
    fixture_t *f = *state;
    bigint_t big;
    bigint_init(&big, NULL);
    assert_int_equal(bigint_set_i64(&big, 1LL << 40), BIGINT_OK);
    cobj_t a = {.kind = COBJ_SMALL_INT, .u.small_int = 1LL << 40};
    cobj_t b = {.kind = COBJ_BIG_INT, .u.big = &big};
    assert_int_equal(emit_module_use_const(f->m, &a), 0);
    assert_int_equal(emit_module_use_const(f->m, &b), 0);
    bigint_deinit(&big);
}

static void test_many_constants_and_qstrs_keep_their_first_use_order(void **state) {
    fixture_t *f = *state;
    enum { N = 20000 };
    cobj_t *objs = arena_alloc(&f->arena, N * sizeof(cobj_t));
    for (int i = 0; i < N; i++) {
        objs[i] = (cobj_t){.kind = COBJ_FLOAT, .u.f = i + 0.5};
        char name[16];
        snprintf(name, sizeof(name), "n%d", i);
        assert_int_equal(emit_module_use_qstr(f->m, q(f, name)), i + 1);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(emit_module_use_const(f->m, &objs[i]), i);
    }
    for (int i = N - 1; i >= 0; i--) {
        cobj_t again = objs[i];
        assert_int_equal(emit_module_use_const(f->m, &again), i);
    }
}

static void test_finish_writes_constants_as_text(void **state) {
    fixture_t *f = *state;
    bigint_t big;
    bigint_init(&big, NULL);
    assert_int_equal(bigint_from_str(&big, "-123456789012345678901234567890", 31, 10), BIGINT_OK);
    cobj_t ci = {.kind = COBJ_BIG_INT, .u.big = &big};
    cobj_t cf = {.kind = COBJ_FLOAT, .u.f = 2.5};
    cobj_t cg = {.kind = COBJ_FLOAT, .u.f = 1e100};
    cobj_t cw = {.kind = COBJ_FLOAT, .u.f = 3.0};
    cobj_t cc = {.kind = COBJ_COMPLEX, .u.complex = {1.0, -2.0}};
    cobj_t cj = {.kind = COBJ_COMPLEX, .u.complex = {0.0, 2.0}};
    const cobj_t *list[] = {&ci, &cf, &cg, &cw, &cc, &cj};
    static const char *const want[] = {
        "-123456789012345678901234567890", "2.5", "1e+100", "3.0", "(1-2j)", "2j",
    };
    for (size_t i = 0; i < 6; i++) {
        emit_module_use_const(f->m, list[i]);
    }
    scope_t *s = new_scope(f, SCOPE_MODULE, "<module>");
    run_one(f, s, prog_return_none);
    mpy_file_t out;
    memset(&out, 0, sizeof(out));
    assert_true(emit_module_finish(f->m, s, &out, &f->d));
    assert_int_equal(out.n_objs, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(out.objs[i].len, strlen(want[i]));
        assert_memory_equal(out.objs[i].data, want[i], strlen(want[i]));
    }
    bigint_deinit(&big);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_module_assignment_encodes_like_the_official_compiler,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_function_prelude_has_arg_names_and_drops_dead_return,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_forward_signed_jump_of_62_bytes_takes_one_byte,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_forward_signed_jump_of_64_bytes_takes_two_bytes,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_backward_jump_of_minus_64_is_the_last_one_byte_offset,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_backward_jump_of_minus_66_takes_two_bytes, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jump_that_fits_only_after_inner_jump_shrinks_needs_second_emit_pass, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_unsigned_forward_jump_over_126_bytes_takes_one_byte,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsigned_forward_jump_over_127_bytes_takes_two_bytes,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_forward_signed_jump_over_63_bytes_keeps_two_bytes,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_table_uses_short_and_long_entries, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_line_skip_over_31_bytes_splits_bytes_before_lines,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_opt_level_3_stores_no_line_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prelude_signature_round_trips_large_values, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_missing_argument_slot_is_named_star, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cells_follow_the_line_table_and_are_counted_in_the_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_int_operands_carry_their_sign_in_bit_6, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_children_are_numbered_in_order_even_in_dead_code,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_with_block_reserves_room_to_call_exit, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_break_pops_the_iterator_or_unwinds_handlers, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_constants_are_deduplicated_by_strict_equality, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_big_int_equal_to_a_small_one_is_the_same_constant,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_constants_and_qstrs_keep_their_first_use_order,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_finish_writes_constants_as_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
