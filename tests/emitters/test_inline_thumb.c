// tests/emitters/test_inline_thumb.c: the asm_thumb front end on snippets
// (machine code of each instruction, refusals per architecture, the
// official error messages), then on the corpus: every asm function of
// every asm_thumb program must assemble to the code in its golden .mpy,
// and every program in asm_thumb/errors must fail with the golden message.
// A small stand-in for compiler/compile_asm.c drives the front end here,
// so these tests do not depend on the compile walk.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/parse.h"
#include "compiler/scope.h"
#include "emitters/inline_asm.h"
#include "tests/emitters/inline_test.h"

// ---------------------------------------------------------------------------
// The stand-in walk: one function, its statements, the label/align/data
// directives, and the line of the statement an error is about.

typedef struct asm_fn {
    scope_t scope;
    uint32_t type_sig;
} asm_fn_t;

typedef struct walk {
    const qstr_pool_t *pool;
    emit_inline_asm_t *e;
    diag_t d;
    int line;   // line of the first error, 0 if none
} walk_t;

// The items of an optional list node (NULL: none, another node: one).
static size_t items_of(pnode_t *const *slot, rule_id_t list_rule, pnode_t *const **items) {
    if (*slot == NULL) {
        *items = NULL;
        return 0;
    }
    if (pn_is_rule(*slot, list_rule)) {
        *items = (*slot)->u.kids;
        return (*slot)->n_kids;
    }
    *items = slot;
    return 1;
}

static bool is_name(const walk_t *w, const pnode_t *pn, const char *name) {
    return pn != NULL && pn->kind == PN_ID && strcmp(qstr_str(w->pool, pn->u.qst), name) == 0;
}

// Small integers, in a node of their own or a constant object (the
// corpus has no data() values beyond 64 bits).
static bool int_value(const pnode_t *pn, int64_t *v) {
    if (pn->kind == PN_SMALL_INT) {
        *v = pn->u.small_int;
        return true;
    }
    if (pn->kind == PN_CONST && pn->u.obj->kind == COBJ_SMALL_INT) {
        *v = pn->u.obj->u.small_int;
        return true;
    }
    return false;
}

static bool walk_fail(walk_t *w, const pnode_t *at, const char *msg) {
    diag_error(&w->d, DIAG_SYNTAX_ERROR, 0, "%s", msg);
    w->line = (int)at->line;
    return false;
}

// label, align and data; anything else goes to the front end.
static bool walk_call(walk_t *w, emit_pass_t pass, const pnode_t *paren, qstr_t op, unsigned *n_labels) {
    pnode_t *const *args;
    size_t n = items_of(&paren->u.kids[0], RULE_arglist, &args);
    const char *name = qstr_str(w->pool, op);
    if (strcmp(name, "label") == 0) {
        assert_true(n == 1 && args[0]->kind == PN_ID);
        if (!emit_inline_asm_ops.label(w->e, (*n_labels)++, args[0]->u.qst)) {
            return walk_fail(w, paren, "label redefined");
        }
    } else if (strcmp(name, "align") == 0) {
        emit_inline_asm_ops.align(w->e, (unsigned)args[0]->u.small_int);
    } else if (strcmp(name, "data") == 0) {
        for (size_t i = 1; i < n; i++) {
            int64_t v;
            if (!int_value(args[i], &v)) {
                return walk_fail(w, paren, "'data' requires integer arguments");
            }
            emit_inline_asm_ops.data(w->e, (unsigned)args[0]->u.small_int, (uint64_t)v);
        }
    } else {
        emit_inline_asm_ops.op(w->e, op, n, args);
    }
    (void)pass;
    if (diag_failed(&w->d)) {
        w->line = (int)paren->line;
        return false;
    }
    return true;
}

static bool walk_pass(walk_t *w, asm_fn_t *fn, emit_pass_t pass) {
    const pnode_t *def = fn->scope.pn;
    emit_inline_asm_ops.start_pass(w->e, pass, &fn->scope, &w->d);
    if (pass == EMIT_PASS_CODE_SIZE) {
        pnode_t *const *params;
        size_t n = items_of(&def->u.kids[1], RULE_typedargslist, &params);
        fn->scope.num_pos_args = (uint16_t)emit_inline_asm_ops.count_params(w->e, n, params);
        if (diag_failed(&w->d)) {
            w->line = (int)def->line;
            return false;
        }
    }
    pnode_t *const *stmts;
    size_t n = items_of(&def->u.kids[3], RULE_suite_block_stmts, &stmts);
    unsigned n_labels = 0;
    for (size_t i = 0; i < n; i++) {
        const pnode_t *call = pn_is_rule(stmts[i], RULE_expr_stmt) ? stmts[i]->u.kids[0] : NULL;
        if (!pn_is_rule(call, RULE_atom_expr_normal) || !pn_is_rule(call->u.kids[1], RULE_trailer_paren)) {
            return walk_fail(w, stmts[i], "expecting an assembler instruction");
        }
        if (!walk_call(w, pass, call->u.kids[1], call->u.kids[0]->u.qst, &n_labels)) {
            return false;
        }
    }
    emit_inline_asm_ops.end_pass(w->e, fn->type_sig);
    return !diag_failed(&w->d);
}

// MicroPython's native types, by the return annotation.
static bool return_type(const walk_t *w, const pnode_t *ann, uint32_t *type_sig) {
    static const char *const names[] = {"object", "bool", "int", "uint"};
    *type_sig = 2;
    for (uint32_t i = 0; ann != NULL && i < 4; i++) {
        if (is_name(w, ann, names[i])) {
            *type_sig = i;
            return true;
        }
    }
    return ann == NULL;
}

// Collects the funcdefs decorated @micropython.asm_thumb, in source order.
static void find_asm_defs(const walk_t *w, const pnode_t *pn, const pnode_t **defs, size_t *n, size_t cap) {
    if (pn == NULL || pn->kind != PN_RULE) {
        return;
    }
    if (pn_is_rule(pn, RULE_decorated) && pn_is_rule(pn->u.kids[0], RULE_decorator)) {
        const pnode_t *dotted = pn->u.kids[0]->u.kids[0];
        if (pn_is_rule(dotted, RULE_dotted_name) && is_name(w, dotted->u.kids[1], "asm_thumb") && *n < cap) {
            defs[(*n)++] = pn->u.kids[1];
        }
    }
    for (uint32_t i = 0; i < pn->n_kids; i++) {
        find_asm_defs(w, pn->u.kids[i], defs, n, cap);
    }
}

enum {
    MAX_FUNCS = 64,
};

// One program: its asm functions' raw code, or the first error.
typedef struct result {
    size_t n_funcs;
    const mpy_raw_code_t *funcs[MAX_FUNCS];
    int line;
    char msg[DIAG_MSG_MAX];
} result_t;

typedef struct program {
    arena_t arena;
    qstr_pool_t *pool;
    asm_fn_t fns[MAX_FUNCS];
} program_t;

static void assemble_defs(program_t *p, walk_t *w, const pnode_t *const *defs, size_t n, result_t *r) {
    for (size_t i = 0; i < n && !diag_failed(&w->d); i++) {
        asm_fn_t *fn = &p->fns[i];
        memset(fn, 0, sizeof(*fn));
        fn->scope.kind = SCOPE_FUNCTION;
        fn->scope.pn = defs[i];
        if (!return_type(w, defs[i]->u.kids[2], &fn->type_sig)) {
            walk_fail(w, defs[i], "unknown type");
            break;
        }
        if (walk_pass(w, fn, EMIT_PASS_CODE_SIZE) && walk_pass(w, fn, EMIT_PASS_EMIT)) {
            r->funcs[r->n_funcs++] = &fn->scope.raw_code->rc;
        }
    }
}

// Assembles every asm_thumb function of src for arch. The raw code stays
// valid until program_free(p).
static void assemble_program(program_t *p, const char *src, mpy_arch_t arch, result_t *r) {
    memset(r, 0, sizeof(*r));
    arena_init(&p->arena);
    p->pool = qstr_pool_new();
    parse_intern_builtin_qstrs(p->pool);
    walk_t w = {.pool = p->pool};
    diag_init(&w.d, "test.py");
    lexer_t lex;
    lex_init(&lex, (const uint8_t *)src, strlen(src), "test.py", 0);
    parse_tree_t tree;
    bool parsed = parse(&lex, PARSE_FILE_INPUT, &p->arena, p->pool, 31, &tree, &w.d);
    lex_deinit(&lex);
    assert_true(parsed);
    const pnode_t *defs[MAX_FUNCS];
    size_t n = 0;
    find_asm_defs(&w, tree.root, defs, &n, MAX_FUNCS);
    w.e = emit_inline_thumb_new(&p->arena, p->pool, arch);
    assert_non_null(w.e);
    assemble_defs(p, &w, defs, n, r);
    emit_inline_asm_free(w.e);
    if (diag_failed(&w.d)) {
        r->line = w.line;
        snprintf(r->msg, sizeof(r->msg), "%s", w.d.msg);
    }
}

static void program_free(program_t *p) {
    qstr_pool_free(p->pool);
    arena_deinit(&p->arena);
}

// ---------------------------------------------------------------------------
// Snippets: one function f(r0, r1, r2) (def on line 2, the body from line
// 3), shown as the code between the standard entry (push {r1, r4-r7, lr})
// and exit (pop {r1, r4-r7, pc}) as hex, or as "line N: message".

static void hex_body(const mpy_raw_code_t *rc, char *out, size_t size) {
    assert_true(rc->code_len >= 4);
    assert_int_equal(rc->code[0], 0xf2);
    assert_int_equal(rc->code[1], 0xb5);
    assert_int_equal(rc->code[rc->code_len - 2], 0xf2);
    assert_int_equal(rc->code[rc->code_len - 1], 0xbd);
    inline_test_hex(rc->code + 2, rc->code_len - 4, out, size);
}

static void run_snippet(const inline_snippet_t *s, const char *src, char *got, size_t size) {
    program_t p;
    result_t r;
    assemble_program(&p, src, s->target.arch, &r);
    if (r.msg[0] != '\0') {
        snprintf(got, size, "line %d: %s", r.line, r.msg);
    } else {
        assert_int_equal(r.n_funcs, 1);
        hex_body(r.funcs[0], got, size);
    }
    program_free(&p);
}

static void check_snippets(const inline_snippet_t *cases, size_t n) {
    inline_test_check_snippets("@micropython.asm_thumb\ndef f(r0, r1, r2):\n", cases, n, run_snippet);
}

#define V6M {MPY_ARCH_ARMV6M, 0}
#define V7M {MPY_ARCH_ARMV7M, 0}
#define SP {MPY_ARCH_ARMV7EMSP, 0}
#define DP {MPY_ARCH_ARMV7EMDP, 0}

static void test_moves_arithmetic_and_logic_encode_as_gas_does(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {V6M, "mov(r0, 255)", "ff 20"},
        {V6M, "mov(r8, r1)", "88 46"},
        {V6M, "mov(r0, sp); mov(pc, lr)", "68 46 f7 46"},
        {V6M, "mov(sl, fp)", "da 46"},
        {V6M, "add(r0, r1, r2)", "88 18"},
        {V6M, "add(r0, r1, 7); sub(r2, r2, 1)", "c8 1d 52 1e"},
        {V6M, "add(r7, 200); sub(r1, 1); cmp(r2, 0)", "c8 37 01 39 00 2a"},
        {V6M, "sub(r0, r1, r2)", "88 1a"},
        {V6M, "and_(r0, r1); orr(r2, r3); eor(r4, r5); bic(r6, r7)", "08 40 1a 43 6c 40 be 43"},
        {V6M, "mvn(r0, r1); neg(r2, r3); mul(r0, r1); tst(r0, r1)", "c8 43 5a 42 48 43 08 42"},
        {V6M, "cmp(r0, r1); cmn(r2, r3); adc(r0, r1); sbc(r0, r1)", "88 42 da 42 48 41 88 41"},
        {V6M, "lsl(r0, r1); lsr(r0, r1); asr(r0, r1); ror(r0, r1)", "88 40 c8 40 08 41 c8 41"},
        {V6M, "lsl(r0, r1, 3); lsr(r0, r1, 31); asr(r0, r1, 1)", "c8 00 c8 0f 48 10"},
        {V6M, "lsl(r0, r1, 0); lsr(r0, r1, 0); asr(r0, r1, 0)", "08 00 08 08 08 10"},
        {V7M, "movw(r0, 0x1234); movt(r9, 0xffff)", "41 f2 34 20 cf f6 ff 79"},
        {V7M, "movwt(r1, 0xdeadbeef)", "4b f6 ef 61 cd f6 ad 61"},
        {V7M, "movwt(r1, -1)", "4f f6 ff 71 cf f6 ff 71"},
        {V7M, "clz(r0, r1); rbit(r10, r12)", "b1 fa 81 f0 9c fa ac fa"},
        {V7M, "sdiv(r0, r1, r2); udiv(r8, r9, r10)", "91 fb f2 f0 b9 fb fa f8"},
        {V6M, "nop(); wfi(); cpsid(i); cpsie(i)", "00 bf 30 bf 72 b6 62 b6"},
        {V7M, "mrs(r0, IPSR); mrs(r12, BASEPRI)", "ef f3 05 80 ef f3 11 8c"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_loads_stores_and_register_lists_encode_as_gas_does(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {V6M, "ldr(r0, [r1, 124]); str(r2, [r3, 0])", "c8 6f 1a 60"},
        {V6M, "ldrb(r0, [r1, 31]); strb(r0, [r1, 1])", "c8 7f 48 70"},
        {V6M, "ldrh(r0, [r1, 62]); strh(r0, [r1, 2])", "c8 8f 48 80"},
        {V7M, "ldrex(r2, [r0, 0]); strex(r3, r2, [r0, 4])", "50 e8 00 2f 40 e8 01 23"},
        {V7M, "ldrex(r2, [r0, 7])", "50 e8 01 2f"},
        {V6M, "push({r0}); pop({r0})", "01 b4 01 bc"},
        {V6M, "push({r0, r1, lr}); pop({r0, r1, pc})", "03 b5 03 bd"},
        {V6M, "push({r7, r0, r3,})", "89 b4"},
        {V7M, "push({r0, r8, lr}); pop({r0, r8, pc})", "2d e9 01 41 bd e8 01 81"},
        {V7M, "push({lr, pc})", "2d e9 00 c0"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_branches_and_it_blocks_encode_as_gas_does(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {V6M, "label(L); b(L)", "fe e7"},
        {V6M, "b(L); label(L)", "ff e7"},
        {V6M, "beq(L); bne(L); bcs_n(L); label(L)", "01 d0 00 d1 ff d2"},
        {V6M, "label(L); bcc(L); bmi(L); bpl(L); bvs(L); bvc(L); bhi(L); bls(L); bge(L); blt(L); bgt(L); ble(L)",
            "fe d3 fd d4 fc d5 fb d6 fa d7 f9 d8 f8 d9 f7 da f6 db f5 dc f4 dd"},
        {V7M, "beq_w(L); label(L)", "00 f0 00 80"},
        {V7M, "label(L); bne_w(L)", "7f f4 fe af"},
        {V6M, "bl(L); label(L)", "00 f0 00 f8"},
        {V6M, "label(L); bl(L)", "ff f7 fe ff"},
        {V6M, "bx(lr); bx(r0)", "70 47 00 47"},
        {V7M, "it(eq); ite(ne); itt(cs); itet(lt); itttt(gt); iteee(le)", "08 bf 14 bf 24 bf b6 bf c1 bf d1 bf"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_float_instructions_encode_as_gas_does(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {SP, "vadd(s0, s1, s2); vsub(s31, s30, s29)", "30 ee 81 0a 7f ee 6e fa"},
        {SP, "vmul(s3, s4, s5); vdiv(s6, s7, s8)", "62 ee 22 1a 83 ee 84 3a"},
        {SP, "vsqrt(s0, s1); vneg(s2, s3); vcmp(s4, s5)", "b1 ee e0 0a b1 ee 61 1a b4 ee e2 2a"},
        {SP, "vcvt_f32_s32(s0, s1); vcvt_s32_f32(s2, s3)", "b8 ee e0 0a bd ee e1 1a"},
        {SP, "vmov(s1, r2); vmov(r3, s31)", "00 ee 90 2a 1f ee 90 3a"},
        {SP, "vmrs(APSR_nzcv, FPSCR); vmrs(r1, FPSCR)", "f1 ee 10 fa f1 ee 10 1a"},
        {SP, "vldr(s0, [r0, 1020]); vstr(s31, [r7, 4])", "90 ed ff 0a c7 ed 01 fa"},
        {DP, "vadd(s0, s0, s0)", "30 ee 00 0a"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_align_and_data_follow_the_official_arithmetic(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {V6M, "data(1, 1); align(4); data(2, 0x1234)", "01 00 34 12"},
        {V6M, "data(4, 0x12345678, -1)", "78 56 34 12 ff ff ff ff"},
        {V6M, "align(2); data(1, 9)", "09"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_instructions_a_target_lacks_are_unsupported(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {V6M, "sdiv(r0, r1, r2)", "line 3: unsupported Thumb instruction 'sdiv' with 3 arguments"},
        {V6M, "clz(r0, r1)", "line 3: unsupported Thumb instruction 'clz' with 2 arguments"},
        {V6M, "movw(r0, 1)", "line 3: unsupported Thumb instruction 'movw' with 2 arguments"},
        {V6M, "it(eq)", "line 3: unsupported Thumb instruction 'it' with 1 arguments"},
        {V6M, "beq_w(L); label(L)", "line 3: unsupported Thumb instruction 'beq_w' with 1 arguments"},
        {V6M, "push({r8})", "line 3: unsupported Thumb instruction 'push' with 1 arguments"},
        {V6M, "mrs(r0, IPSR)", "line 3: unsupported Thumb instruction 'mrs' with 2 arguments"},
        {V7M, "vadd(s0, s1, s2)", "line 3: unsupported Thumb instruction 'vadd' with 3 arguments"},
        {V6M, "vmov(s0, r0)", "line 3: unsupported Thumb instruction 'vmov' with 2 arguments"},
        {V6M, "add(r0, r1)", "line 3: unsupported Thumb instruction 'add' with 2 arguments"},
        {V6M, "nop(r0)", "line 3: unsupported Thumb instruction 'nop' with 1 arguments"},
        {V6M, "bxx(L)", "line 3: unsupported Thumb instruction 'bxx' with 1 arguments"},
        {V7M, "itx(eq)", "line 3: unsupported Thumb instruction 'itx' with 1 arguments"},
        {V7M, "it(al)", "line 3: unsupported Thumb instruction 'it' with 1 arguments"},
        {V7M, "ittttt(eq)", "line 3: unsupported Thumb instruction 'ittttt' with 1 arguments"},
        {SP, "vmrs(r0, FPEXC)", "line 3: unsupported Thumb instruction 'vmrs' with 2 arguments"},
        {SP, "vfoo(s0, s1)", "line 3: unsupported Thumb instruction 'vfoo' with 2 arguments"},
        {V6M, "add(r0, r1, r2, r3)", "line 3: unsupported Thumb instruction 'add' with 4 arguments"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_bad_operands_give_the_official_messages(void **state) {
    (void)state;
    static const inline_snippet_t cases[] = {
        {V6M, "mov(r0, r16)", "line 3: 'mov' expects a register"},
        {V6M, "mov(r0, 256)", "line 3: 'mov' integer 0x100 doesn't fit in mask 0xff"},
        {V6M, "mov(r0, -1)", "line 3: 'mov' integer 0xffffffff doesn't fit in mask 0xff"},
        {V6M, "mov(r0, 1.5)", "line 3: 'mov' expects an integer"},
        {V6M, "add(r8, r0, r1)", "line 3: 'add' expects at most r7"},
        {V6M, "add(r0, r1, 8)", "line 3: 'add' integer 0x8 doesn't fit in mask 0x7"},
        {V6M, "ldr(r0, [r0, 2])", "line 3: 'ldr' integer 0x2 doesn't fit in mask 0x7c"},
        {V6M, "ldr(r0, [r0])", "line 3: unsupported Thumb instruction 'ldr' with 2 arguments"},
        {V6M, "ldr(r0, [r9, 3])", "line 3: 'ldr' integer 0x3 doesn't fit in mask 0x7c"},
        {V6M, "push({r0-r3})", "line 3: 'push' expects {r0, r1, ...}"},
        {V6M, "push([r0])", "line 3: 'push' expects {r0, r1, ...}"},
        {V6M, "pop({r0, x})", "line 3: 'pop' expects a register"},
        {V6M, "b(1)", "line 3: 'b' expects a label"},
        {V6M, "beq(NOWHERE)", "line 3: label 'NOWHERE' not defined"},
        {V6M, "bx(s0)", "line 3: 'bx' expects a register"},
        {V7M, "mrs(r0, PRIMASK)", "line 3: 'mrs' expects a special register"},
        {V7M, "mrs(r13, IPSR)", "line 3: 'mrs' expects at most r12"},
        {V7M, "movw(r0, 0x10000)", "line 3: 'movw' integer 0x10000 doesn't fit in mask 0xffff"},
        {V7M, "ldrex(r0, r1)", "line 3: unsupported Thumb instruction 'ldrex' with 2 arguments"},
        {V7M, "ldrex(r0, [r1, 1, 2])", "line 3: 'ldrex' expects an address of the form [a, b]"},
        {SP, "vadd(s0, s1, s32)", "line 3: 'vadd' expects at most r31"},
        {SP, "vadd(s0, r1, s2)", "line 3: 'vadd' expects an FPU register"},
        {SP, "vmov(s0, s1)", "line 3: 'vmov' expects a register"},
        {SP, "vldr(s0, [r8, 0])", "line 3: 'vldr' expects at most r7"},
        {SP, "vldr(s0, [r0, 2])", "line 3: 'vldr' integer 0x2 doesn't fit in mask 0x3fc"},
        {V6M, "label(A); nop(); label(A)", "line 5: label redefined"},
        {V6M, "beq(FAR); data(2, 0); align(512); label(FAR)", "line 3: branch not in range"},
    };
    check_snippets(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_parameters_must_be_r0_to_r3_in_order(void **state) {
    (void)state;
    static const struct {
        const char *src;
        const char *want;
    } cases[] = {
        {"@micropython.asm_thumb\ndef f(r0, r2):\n    nop()\n",
            "line 2: parameters must be registers in sequence r0 to r3"},
        {"@micropython.asm_thumb\ndef f(r0, r1, r2, r3, r4):\n    nop()\n",
            "line 2: can only have up to 4 parameters to Thumb assembly"},
        {"@micropython.asm_thumb\ndef f(r0=1):\n    nop()\n",
            "line 2: parameters must be registers in sequence r0 to r3"},
        {"@micropython.asm_thumb\ndef f(r0, r1, r2, r3) -> uint:\n    nop()\n", "4 args, type 3"},
        {"@micropython.asm_thumb\ndef f():\n    nop()\n", "0 args, type 2"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        program_t p;
        result_t r;
        assemble_program(&p, cases[i].src, MPY_ARCH_ARMV6M, &r);
        char got[512];
        if (r.msg[0] != '\0') {
            snprintf(got, sizeof(got), "line %d: %s", r.line, r.msg);
        } else {
            snprintf(got, sizeof(got), "%u args, type %u", (unsigned)r.funcs[0]->n_pos_args,
                (unsigned)r.funcs[0]->type_sig);
            assert_int_equal(r.funcs[0]->kind, MPY_CODE_ASM);
            assert_int_equal(r.funcs[0]->scope_flags, 0);
        }
        assert_string_equal(got, cases[i].want);
        program_free(&p);
    }
}

// armv6 code is entered in ARM state: a 20-byte stub comes first.
static void test_armv6_functions_start_with_the_arm_state_stub(void **state) {
    (void)state;
    program_t p;
    result_t r;
    assemble_program(&p, "@micropython.asm_thumb\ndef f():\n    nop()\n", MPY_ARCH_ARMV6, &r);
    assert_string_equal(r.msg, "");
    static const uint8_t want[] = {
        0x10, 0x40, 0x2d, 0xe9, 0x09, 0xe0, 0x8f, 0xe2, 0x3e, 0xff, 0x2f, 0xe1, 0x10, 0x40, 0xbd, 0xe8,
        0x1e, 0xff, 0x2f, 0xe1, 0xf2, 0xb5, 0x00, 0xbf, 0xf2, 0xbd,
    };
    assert_int_equal(r.funcs[0]->code_len, sizeof(want));
    assert_memory_equal(r.funcs[0]->code, want, sizeof(want));
    program_free(&p);
}

static void test_only_thumb_targets_are_served(void **state) {
    (void)state;
    assert_true(emit_inline_thumb_serves(MPY_ARCH_ARMV6));
    assert_true(emit_inline_thumb_serves(MPY_ARCH_ARMV6M));
    assert_true(emit_inline_thumb_serves(MPY_ARCH_ARMV7EMDP));
    assert_false(emit_inline_thumb_serves(MPY_ARCH_X64));
    assert_false(emit_inline_thumb_serves(MPY_ARCH_XTENSA));
    assert_false(emit_inline_thumb_serves(MPY_ARCH_NONE));
}

// ---------------------------------------------------------------------------
// The corpus.

// Prints where our code and the golden's first differ.
static bool same_code(const char *what, const mpy_raw_code_t *got, const mpy_raw_code_t *want) {
    size_t n = got->code_len < want->code_len ? got->code_len : want->code_len;
    size_t i = 0;
    while (i < n && got->code[i] == want->code[i]) {
        i++;
    }
    bool same = i == n && got->code_len == want->code_len && got->n_pos_args == want->n_pos_args
        && got->type_sig == want->type_sig && got->scope_flags == want->scope_flags;
    if (!same) {
        print_error("%s: code differs at offset %zu (lengths %zu, %zu; args %u, %u; type %u, %u)\n", what, i,
            got->code_len, want->code_len, (unsigned)got->n_pos_args, (unsigned)want->n_pos_args,
            (unsigned)got->type_sig, (unsigned)want->type_sig);
    }
    return same;
}

// Compares every asm function of NAME.py with golden NAME.ARCH.mpy.
static bool check_golden(const char *dir, const char *golden) {
    char name[256];
    mpy_arch_t arch = inline_test_golden_source(golden, name);
    size_t len;
    char *src = inline_test_read_file(dir, name, &len);
    char *data = inline_test_read_file(dir, golden, &len);
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    diag_t d;
    diag_init(&d, golden);
    assert_true(mpy_read((const uint8_t *)data, len, &a, &f, &d));
    const mpy_raw_code_t *want[MAX_FUNCS];
    size_t n_want = 0;
    inline_test_collect_asm(&f.root, want, &n_want, MAX_FUNCS);
    program_t p;
    result_t r;
    assemble_program(&p, src, arch, &r);
    bool ok = r.msg[0] == '\0' && r.n_funcs == n_want;
    if (!ok) {
        print_error("%s: %zu functions, %zu in the golden; %s\n", golden, r.n_funcs, n_want, r.msg);
    }
    for (size_t i = 0; ok && i < n_want; i++) {
        ok = same_code(golden, r.funcs[i], want[i]);
    }
    program_free(&p);
    arena_deinit(&a);
    free(data);
    free(src);
    return ok;
}

static void test_corpus_asm_functions_match_their_goldens(void **state) {
    (void)state;
    inline_test_check_corpus("asm_thumb", ".mpy", check_golden);
}

// NAME.err says how NAME.py fails, assembled for armv6m unless a
// "# march: ARCH" comment names another target.
static bool check_error_program(const char *dir, const char *err_file) {
    char name[300];
    size_t len;
    snprintf(name, sizeof(name), "%.*s.py", (int)strlen(err_file) - 4, err_file);
    char *src = inline_test_read_file(dir, name, &len);
    char *err = inline_test_read_file(dir, err_file, &len);
    mpy_arch_t arch = MPY_ARCH_ARMV6M;
    const char *march = strstr(src, "# march: ");
    if (march != NULL) {
        char arch_name[32];
        sscanf(march + 9, "%31s", arch_name);
        assert_true(mpy_arch_from_name(arch_name, &arch));
    }
    char want[1024];
    inline_test_expected_error(err, want, sizeof(want));
    program_t p;
    result_t r;
    assemble_program(&p, src, arch, &r);
    char got[1024];
    snprintf(got, sizeof(got), "line %d: %s", r.line, r.msg);
    bool ok = strcmp(got, want) == 0;
    if (!ok) {
        print_error("%s: got %s\nwant %s\n", err_file, got, want);
    }
    program_free(&p);
    free(src);
    free(err);
    return ok;
}

static void test_corpus_error_programs_fail_with_the_golden_message(void **state) {
    (void)state;
    inline_test_check_corpus("asm_thumb/errors", ".err", check_error_program);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves_arithmetic_and_logic_encode_as_gas_does),
        cmocka_unit_test(test_loads_stores_and_register_lists_encode_as_gas_does),
        cmocka_unit_test(test_branches_and_it_blocks_encode_as_gas_does),
        cmocka_unit_test(test_float_instructions_encode_as_gas_does),
        cmocka_unit_test(test_align_and_data_follow_the_official_arithmetic),
        cmocka_unit_test(test_instructions_a_target_lacks_are_unsupported),
        cmocka_unit_test(test_bad_operands_give_the_official_messages),
        cmocka_unit_test(test_parameters_must_be_r0_to_r3_in_order),
        cmocka_unit_test(test_armv6_functions_start_with_the_arm_state_stub),
        cmocka_unit_test(test_only_thumb_targets_are_served),
        cmocka_unit_test(test_corpus_asm_functions_match_their_goldens),
        cmocka_unit_test(test_corpus_error_programs_fail_with_the_golden_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
