// tests/mpyformat/test_mutations.c: derives malformed files from the corpus
// goldens (truncations, bit flips, byte insertions, deletions and
// overwrites) and runs the reader, the disassembler (text and JSON) and the
// writer on each. Every mutant must be accepted (and then disassemble and
// write) or rejected with a message and an offset inside the file; run
// under AddressSanitizer (make check-san) nothing may read out of bounds.
//   MPY_MUTANTS=N     how many mutants (default 2000; the full run uses 12000)
//   MPY_MUTANT_DIR=D  also write the first 200 mutants to D for the
//                     end-to-end script (tests/mpyformat/check-mutants.sh)
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mpyformat/mpyformat.h"

enum {
    MAX_SOURCES = 400,
    MAX_SOURCE_LEN = 64 * 1024,
    FILES_TO_WRITE = 200,
};

typedef struct source {
    uint8_t *data;
    size_t len;
} source_t;

typedef struct mutant_stats {
    size_t accepted;
    size_t rejected;
} mutant_stats_t;

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

// xorshift64*: deterministic, so a failure can be reproduced.
static uint32_t rnd(uint32_t below) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1du) >> 32) % (below ? below : 1);
}

static size_t load_sources(source_t *out) {
    static const char *const folders[] = {"bytecode", "native", "generated", "asm_thumb", "asm_xtensa", "asm_rv32"};
    const char *root = getenv("MPY_CORPUS") ? getenv("MPY_CORPUS") : "../shared/corpus";
    size_t n = 0;
    for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s/%s", root, folders[i]);
        DIR *dp = opendir(dir);
        if (dp == NULL) {
            continue;
        }
        struct dirent *e;
        size_t taken = 0;
        while ((e = readdir(dp)) != NULL && n < MAX_SOURCES && taken < MAX_SOURCES / 6 + 1) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".mpy") != 0) {
                continue;
            }
            char path[8192];
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            diag_t d;
            diag_init(&d, path);
            source_t s;
            s.data = util_read_file(path, &s.len, &d);
            if (s.data == NULL || s.len > MAX_SOURCE_LEN) {
                free(s.data);
                continue;
            }
            out[n++] = s;
            taken++;
        }
        closedir(dp);
    }
    return n;
}

// Applies one to three random edits to a copy of src.
static uint8_t *mutate(const source_t *src, size_t *len_out) {
    size_t len = src->len;
    uint8_t *m = malloc(len + 8);
    memcpy(m, src->data, len);
    int edits = 1 + (int)rnd(3);
    for (int e = 0; e < edits && len > 0; e++) {
        size_t at = rnd((uint32_t)len);
        static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x3f};
        switch (rnd(5)) {
            case 0: len = at; break;
            case 1: m[at] ^= (uint8_t)(1u << rnd(8)); break;
            case 2:
                memmove(m + at + 1, m + at, len - at);
                m[at] = (uint8_t)rnd(256);
                len++;
                break;
            case 3:
                memmove(m + at, m + at + 1, len - at - 1);
                len--;
                break;
            default: m[at] = values[rnd(sizeof(values))]; break;
        }
        if (len + 1 > src->len + 8 - 1) {
            break;
        }
    }
    *len_out = len;
    return m;
}

static void exercise(const uint8_t *data, size_t len, mutant_stats_t *stats) {
    arena_t a;
    arena_init(&a);
    mpy_file_t f;
    diag_t d;
    diag_init(&d, NULL);
    if (mpy_read(data, len, &a, &f, &d)) {
        buf_t b;
        buf_init(&b);
        assert_true(mpy_dis_file(&f, &(mpy_dis_options_t){.json = false}, &b));
        buf_reset(&b);
        assert_true(mpy_dis_file(&f, &(mpy_dis_options_t){.json = true}, &b));
        buf_reset(&b);
        assert_true(mpy_write(&f, &b, &d));
        buf_deinit(&b);
        stats->accepted++;
    } else {
        assert_int_equal(d.kind, DIAG_FORMAT_ERROR);
        assert_true(d.msg[0] != '\0');
        assert_true(d.offset >= 0 && (size_t)d.offset <= len);
        stats->rejected++;
    }
    arena_deinit(&a);
}

static void write_mutant(const char *dir, size_t i, const uint8_t *data, size_t len) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/m%04zu.mpy", dir, i);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
}

static void test_mutants_are_accepted_or_rejected_with_a_message(void **state) {
    (void)state;
    static source_t sources[MAX_SOURCES];
    size_t n_sources = load_sources(sources);
    if (n_sources == 0) {
        fail_msg("no corpus .mpy files to mutate (the corpus is part of what this test checks)");
    }
    const char *count = getenv("MPY_MUTANTS");
    size_t n = count != NULL ? (size_t)strtoul(count, NULL, 10) : 2000;
    const char *dir = getenv("MPY_MUTANT_DIR");
    mutant_stats_t stats = {0, 0};
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *m = mutate(&sources[rnd((uint32_t)n_sources)], &len);
        if (dir != NULL && i < FILES_TO_WRITE) {
            write_mutant(dir, i, m, len);
        }
        exercise(m, len, &stats);
        free(m);
    }
    printf("%zu mutants from %zu goldens: %zu accepted, %zu rejected\n", n, n_sources, stats.accepted,
        stats.rejected);
    for (size_t i = 0; i < n_sources; i++) {
        free(sources[i].data);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutants_are_accepted_or_rejected_with_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
