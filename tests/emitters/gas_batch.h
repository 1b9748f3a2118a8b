// tests/emitters/gas_batch.h: collects instructions our assembler encoded
// together with their GNU as text, assembles the text with the host `as`
// and compares byte for byte; sweeps a table of encoders over operand
// values into such a batch. Shared by the assembler tests of every
// architecture (header-only: each test program includes it once).
#ifndef TESTS_EMITTERS_GAS_BATCH_H
#define TESTS_EMITTERS_GAS_BATCH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/util.h"

typedef struct gas_batch {
    buf_t src;            // the assembly text
    buf_t expect;         // our bytes
    size_t n;             // instructions recorded
    size_t cap;
    size_t *starts;       // where each instruction starts in expect
    char (*texts)[96];
    size_t skip;          // bytes the header puts before the first instruction
    size_t n_rows;        // distinct table rows recorded by gas_batch_add_row
    int last_row;
} gas_batch_t;

static void gas_batch_init(gas_batch_t *b, const char *header) {
    memset(b, 0, sizeof(*b));
    buf_init(&b->src);
    buf_init(&b->expect);
    buf_str(&b->src, header);
    b->last_row = -1;
}

static void gas_batch_deinit(gas_batch_t *b) {
    buf_deinit(&b->src);
    buf_deinit(&b->expect);
    free(b->starts);
    free(b->texts);
}

// Records one instruction: our bytes and the text GNU as should read.
static void gas_batch_add(gas_batch_t *b, const uint8_t *bytes, size_t len, const char *text) {
    if (b->n == b->cap) {
        b->cap = b->cap * 2 + 256;
        b->starts = realloc(b->starts, b->cap * sizeof(*b->starts));
        b->texts = realloc(b->texts, b->cap * sizeof(*b->texts));
        assert_non_null(b->starts);
        assert_non_null(b->texts);
    }
    b->starts[b->n] = b->expect.len;
    snprintf(b->texts[b->n], sizeof(b->texts[0]), "%s", text);
    b->n++;
    buf_append(&b->expect, bytes, len);
    buf_printf(&b->src, "\t%s\n", text);
}

// As gas_batch_add, for an instruction made from table row `row`; the
// rows of consecutive instructions are counted in n_rows.
static inline void gas_batch_add_row(gas_batch_t *b, int row, const uint8_t *bytes, size_t len, const char *text) {
    gas_batch_add(b, bytes, len, text);
    if (row != b->last_row) {
        b->n_rows++;
        b->last_row = row;
    }
}

static uint8_t *gas_read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return data;
}

// Assembles with `as_cmd` (e.g. "as --64"), extracts .text with
// `objcopy_cmd` (the one of the same binutils target) and compares; fails
// loudly when a tool is missing or any instruction differs.
static void gas_batch_check_with(gas_batch_t *b, const char *as_cmd, const char *objcopy_cmd) {
    char probe[200];
    snprintf(probe, sizeof(probe), "command -v %.*s >/dev/null 2>&1 && command -v %s >/dev/null 2>&1",
        (int)strcspn(as_cmd, " "), as_cmd, objcopy_cmd);
    if (system(probe) != 0) {
        fail_msg("%s or %s not found: install the matching binutils to run this test", as_cmd, objcopy_cmd);
    }
    char dir[] = "/tmp/test_asm_gas_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path_s[64], path_o[64], path_bin[64], cmd[400];
    snprintf(path_s, sizeof(path_s), "%s/all.s", dir);
    snprintf(path_o, sizeof(path_o), "%s/all.o", dir);
    snprintf(path_bin, sizeof(path_bin), "%s/all.bin", dir);
    FILE *f = fopen(path_s, "w");
    assert_non_null(f);
    fwrite(b->src.data, 1, b->src.len, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "%s -o %s %s && %s -O binary -j .text %s %s", as_cmd, path_o, path_s,
        objcopy_cmd, path_o, path_bin);
    int rc = system(cmd);
    if (rc != 0) {
        fail_msg("command failed (exit %d): %s", rc, cmd);
    }
    size_t all_len;
    uint8_t *all = gas_read_all(path_bin, &all_len);
    assert_true(all_len >= b->skip);
    const uint8_t *got = all + b->skip;
    size_t got_len = all_len - b->skip;
    int failures = 0;
    for (size_t i = 0; i < b->n && failures < 20; i++) {
        size_t start = b->starts[i];
        size_t end = i + 1 < b->n ? b->starts[i + 1] : b->expect.len;
        if (end <= got_len && memcmp(b->expect.data + start, got + start, end - start) == 0) {
            continue;
        }
        failures++;
        fprintf(stderr, "mismatch at 0x%zx \"%s\": ours", start, b->texts[i]);
        for (size_t k = start; k < end; k++) {
            fprintf(stderr, " %02x", b->expect.data[k]);
        }
        fprintf(stderr, ", as");
        for (size_t k = start; k < end && k < got_len; k++) {
            fprintf(stderr, " %02x", got[k]);
        }
        fprintf(stderr, "\n");
    }
    free(all);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not remove %s\n", dir);
    }
    if (failures > 0 || got_len != b->expect.len) {
        fail_msg("%d instruction(s) differ from GNU as (sizes %zu vs %zu)", failures, b->expect.len, got_len);
    }
    printf("compared %zu instructions with %s\n", b->n, as_cmd);
}

// The host's own binutils.
static inline void gas_batch_check(gas_batch_t *b, const char *as_cmd) {
    gas_batch_check_with(b, as_cmd, "objcopy");
}

// ---------------------------------------------------------------------------
// Sweeping a table of encoders: each row is tried with every combination of
// the values of its (up to three) operands.

// The values one operand is tried with.
typedef struct gas_values {
    int64_t v[16];
    int n;
} gas_values_t;

// What a test supplies about its rows. `a` holds one value per operand.
typedef struct gas_sweep {
    size_t n_rows;
    gas_values_t (*values)(size_t row, int operand);
    // False for a combination GNU as encodes another (equally valid) way.
    bool (*is_compared)(size_t row, const int64_t *a);
    // Our bytes (at most 16) and their count.
    size_t (*encode)(size_t row, const int64_t *a, uint8_t *out);
    // The GNU as text, at most cap bytes with the terminator.
    void (*render)(size_t row, const int64_t *a, char *out, size_t cap);
} gas_sweep_t;

static inline void gas_batch_sweep(gas_batch_t *b, const gas_sweep_t *s) {
    for (size_t row = 0; row < s->n_rows; row++) {
        gas_values_t v0 = s->values(row, 0), v1 = s->values(row, 1), v2 = s->values(row, 2);
        for (int i = 0; i < v0.n; i++) {
            for (int j = 0; j < v1.n; j++) {
                for (int k = 0; k < v2.n; k++) {
                    const int64_t a[3] = {v0.v[i], v1.v[j], v2.v[k]};
                    if (!s->is_compared(row, a)) {
                        continue;
                    }
                    uint8_t bytes[16];
                    char text[80];
                    size_t n = s->encode(row, a, bytes);
                    s->render(row, a, text, sizeof(text));
                    gas_batch_add(b, bytes, n, text);
                }
            }
        }
    }
}

// Writes `text` to out (at most cap bytes with the terminator), each %0..%2
// replaced by what put(operand number) appends.
typedef void (*gas_put_fn_t)(buf_t *t, int operand, const void *ctx);

static inline void gas_expand(const char *text, gas_put_fn_t put, const void *ctx, char *out, size_t cap) {
    buf_t t;
    buf_init(&t);
    for (const char *p = text; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] >= '0' && p[1] <= '2') {
            put(&t, p[1] - '0', ctx);
            p++;
        } else {
            buf_byte(&t, (uint8_t)*p);
        }
    }
    snprintf(out, cap, "%.*s", (int)t.len, (const char *)t.data);
    buf_deinit(&t);
}

// Fails with our bytes printed when the code is not `want`; frees got.
static inline void gas_assert_bytes(buf_t got, const uint8_t *want, size_t n) {
    if (got.len != n || memcmp(got.data, want, n) != 0) {
        for (size_t i = 0; i < got.len; i++) {
            fprintf(stderr, "%02x ", got.data[i]);
        }
        fprintf(stderr, "\n");
        fail_msg("code differs (%zu bytes, want %zu)", got.len, n);
    }
    buf_deinit(&got);
}

#endif // TESTS_EMITTERS_GAS_BATCH_H
