// tests/emitters/gas_batch.h: collects instructions our assembler encoded
// together with their GNU as text, assembles the text with the host `as`
// and compares byte for byte. Shared by the assembler tests of every
// architecture (header-only: each test program includes it once).
#ifndef TESTS_EMITTERS_GAS_BATCH_H
#define TESTS_EMITTERS_GAS_BATCH_H

#include <stdarg.h>
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

#endif // TESTS_EMITTERS_GAS_BATCH_H
