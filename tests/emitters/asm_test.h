// tests/emitters/asm_test.h: what the tests of the table-driven assemblers
// (test_asm_thumb.c, test_asm_xtensa.c, test_asm_rv32.c) share: walking
// every row with boundary operands, and comparing assembled code with the
// bytes of a golden, shown disassembled when it differs. Header-only: each
// test program includes it once.
#ifndef TESTS_EMITTERS_ASM_TEST_H
#define TESTS_EMITTERS_ASM_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emitters/asm_base.h"
#include "util/util.h"

// ---------------------------------------------------------------------------
// Boundary operands.

// Candidate values of one operand; the first is the default used while
// another operand is varied.
typedef struct asm_values {
    int32_t v[8];
    int n;
} asm_values_t;

// An architecture's table as the walk sees it: rows are numbered
// 0..n_ops-1 (the op enum), each with n_operands operands.
typedef struct asm_table {
    int n_ops;
    int n_operands;
    // The candidates for operand i of row op.
    asm_values_t (*values)(int op, int i);
} asm_table_t;

// Called with a row and one combination of its operands.
typedef void (*asm_combo_fn)(int op, const int32_t *ops, void *ctx);

// Calls fn for the default operands of row op, then for each candidate of
// each operand with the others at their default.
static inline void asm_test_for_each_combination(const asm_table_t *t, int op, asm_combo_fn fn, void *ctx) {
    asm_values_t vals[8];
    int32_t ops[8];
    assert_true(t->n_operands <= 8);
    for (int i = 0; i < t->n_operands; i++) {
        vals[i] = t->values(op, i);
        ops[i] = vals[i].v[0];
    }
    fn(op, ops, ctx);
    for (int i = 0; i < t->n_operands; i++) {
        for (int k = 1; k < vals[i].n; k++) {
            ops[i] = vals[i].v[k];
            fn(op, ops, ctx);
        }
        ops[i] = vals[i].v[0];
    }
}

// Every combination of every row, counted in *(size_t *)ctx by fn: fails
// unless there are more than rows.
static inline void asm_test_for_every_row(const asm_table_t *t, asm_combo_fn fn, const char *what) {
    size_t count = 0;
    for (int op = 0; op < t->n_ops; op++) {
        asm_test_for_each_combination(t, op, fn, &count);
    }
    printf("%s %zu encodings\n", what, count);
    assert_true(count > (size_t)t->n_ops);
}

// The first `size` bytes of w, least significant first, as they are in
// memory.
static inline void asm_test_word_bytes(uint32_t w, int size, uint8_t *out) {
    for (int i = 0; i < size; i++) {
        out[i] = (uint8_t)(w >> (8 * i));
    }
}

// Fails unless a row's fixed bits lie inside its mask.
static inline void asm_test_assert_match_in_mask(const char *row, uint32_t match, uint32_t mask) {
    if ((match & ~mask) != 0) {
        fail_msg("row %s: match 0x%08x has bits outside mask 0x%08x", row, match, mask);
    }
}

// ---------------------------------------------------------------------------
// Code against a golden's bytes.

// A copy of the code of a finished emit pass, which must have gone well.
static inline buf_t asm_test_code_of(const asm_base_t *base) {
    assert_int_equal(base->error, ASM_OK);
    assert_int_equal(base->code_offset, base->code_size);
    buf_t out;
    buf_init(&out);
    buf_append(&out, base->code, base->code_offset);
    return out;
}

// A disassembler (dis_thumb and friends).
typedef void (*asm_dis_fn)(const uint8_t *code, size_t len, uint32_t base_addr, buf_t *out);

// Fails unless dis lists code (at base_addr) as `want`.
static inline void asm_test_assert_listing(asm_dis_fn dis, const uint8_t *code, size_t len, uint32_t base_addr,
    const char *want) {
    buf_t out;
    buf_init(&out);
    dis(code, len, base_addr, &out);
    buf_byte(&out, 0);
    assert_string_equal((const char *)out.data, want);
    buf_deinit(&out);
}

// Compares code (which it frees) with `hex`: units of `unit_bytes` bytes
// (1, or 2 for Thumb halfwords), written as hex numbers, stored little
// endian.
static inline void asm_test_assert_code(buf_t code, const char *hex, unsigned unit_bytes, asm_dis_fn dis) {
    buf_t want;
    buf_init(&want);
    for (const char *p = hex; *p != '\0';) {
        char *end;
        unsigned long unit = strtoul(p, &end, 16);
        if (end == p) {
            break;
        }
        for (unsigned i = 0; i < unit_bytes; i++) {
            buf_byte(&want, (uint8_t)(unit >> (8 * i)));
        }
        p = end;
    }
    if (code.len != want.len || memcmp(code.data, want.data, want.len) != 0) {
        buf_t shown;
        buf_init(&shown);
        dis(code.data, code.len, 0, &shown);
        buf_byte(&shown, 0);
        fail_msg("code differs from %s; got:\n%s", hex, (const char *)shown.data);
    }
    buf_deinit(&want);
    buf_deinit(&code);
}

#endif // TESTS_EMITTERS_ASM_TEST_H
