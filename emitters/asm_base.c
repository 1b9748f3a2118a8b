// emitters/asm_base.c: code buffer, labels and passes shared by the
// machine-code assemblers (see asm_base.h for the pass rules).
#include "asm_base.h"

#include <stdlib.h>
#include <string.h>

static const char *const error_texts[] = {
    [ASM_OK] = "no error",
    [ASM_ERR_NO_MEMORY] = "out of memory",
    [ASM_ERR_LABEL_MOVED] = "label offset changed between passes",
    [ASM_ERR_LABEL_TWICE] = "label assigned twice",
    [ASM_ERR_BAD_LABEL] = "label number out of range",
    [ASM_ERR_TOO_MANY_LOCALS] = "too many locals for native method",
    [ASM_ERR_TOO_BIG] = "native method too big",
    [ASM_ERR_BAD_OPERAND] = "operand does not fit the instruction",
};

bool asm_base_init(asm_base_t *as, size_t max_num_labels) {
    memset(as, 0, sizeof(*as));
    as->pass = ASM_PASS_COMPUTE;
    as->max_num_labels = max_num_labels;
    if (max_num_labels == 0) {
        return true;
    }
    as->label_offsets = malloc(max_num_labels * sizeof(size_t));
    if (as->label_offsets == NULL) {
        as->max_num_labels = 0;
        asm_base_fail(as, ASM_ERR_NO_MEMORY);
        return false;
    }
    for (size_t i = 0; i < max_num_labels; i++) {
        as->label_offsets[i] = ASM_LABEL_UNSET;
    }
    return true;
}

void asm_base_deinit(asm_base_t *as) {
    free(as->label_offsets);
    free(as->code);
    as->label_offsets = NULL;
    as->code = NULL;
    as->code_size = 0;
    as->max_num_labels = 0;
}

void asm_base_start_pass(asm_base_t *as, asm_pass_t pass) {
    if (pass == ASM_PASS_COMPUTE) {
        // Cleared labels let encoders recognise forward references.
        for (size_t i = 0; i < as->max_num_labels; i++) {
            as->label_offsets[i] = ASM_LABEL_UNSET;
        }
    } else {
        free(as->code);
        as->code_size = as->code_offset;
        // One spare byte so a zero-size function still gets a buffer.
        as->code = calloc(as->code_size + 1, 1);
        if (as->code == NULL) {
            as->code_size = 0;
            asm_base_fail(as, ASM_ERR_NO_MEMORY);
        }
    }
    as->pass = pass;
    as->code_offset = 0;
    as->suppress = false;
}

// Grows the emit buffer when a pass writes more than the compute pass
// measured; the label checks then report the disagreement.
static bool grow_code(asm_base_t *as, size_t need) {
    size_t cap = as->code_size * 2 + 16;
    if (cap < need) {
        cap = need;
    }
    uint8_t *p = realloc(as->code, cap);
    if (p == NULL) {
        asm_base_fail(as, ASM_ERR_NO_MEMORY);
        return false;
    }
    memset(p + as->code_size, 0, cap - as->code_size);
    as->code = p;
    as->code_size = cap;
    return true;
}

uint8_t *asm_base_get_cur_to_write_bytes(asm_base_t *as, size_t n) {
    uint8_t *c = NULL;
    if (as->suppress) {
        return NULL;
    }
    if (as->pass == ASM_PASS_EMIT && as->code != NULL) {
        if (as->code_offset + n <= as->code_size || grow_code(as, as->code_offset + n)) {
            c = as->code + as->code_offset;
        }
    }
    as->code_offset += n;
    return c;
}

void asm_base_suppress_code(asm_base_t *as) {
    as->suppress = true;
}

void asm_base_label_assign(asm_base_t *as, size_t label) {
    as->suppress = false;
    if (label >= as->max_num_labels) {
        asm_base_fail(as, ASM_ERR_BAD_LABEL);
        return;
    }
    if (as->pass == ASM_PASS_COMPUTE) {
        if (as->label_offsets[label] != ASM_LABEL_UNSET) {
            asm_base_fail(as, ASM_ERR_LABEL_TWICE);
        }
        as->label_offsets[label] = as->code_offset;
    } else if (as->label_offsets[label] != as->code_offset) {
        asm_base_fail(as, ASM_ERR_LABEL_MOVED);
    }
}

size_t asm_base_label_offset(const asm_base_t *as, size_t label) {
    if (label >= as->max_num_labels) {
        return ASM_LABEL_UNSET;
    }
    return as->label_offsets[label];
}

void asm_base_align(asm_base_t *as, unsigned align) {
    size_t pad = (align - (as->code_offset & (align - 1))) & (align - 1);
    // The padding is written as zeros (the emit buffer starts zeroed).
    asm_base_get_cur_to_write_bytes(as, pad);
}

void asm_base_data(asm_base_t *as, unsigned bytesize, uint64_t val) {
    uint8_t *c = asm_base_get_cur_to_write_bytes(as, bytesize);
    if (c == NULL) {
        return;
    }
    for (unsigned i = 0; i < bytesize; i++) {
        c[i] = (uint8_t)val;
        val >>= 8;
    }
}

void asm_base_insn(asm_base_t *as, bool is_encoded, unsigned size, uint32_t word) {
    if (!is_encoded && as->pass == ASM_PASS_EMIT) {
        asm_base_fail(as, ASM_ERR_BAD_OPERAND);
    }
    asm_base_data(as, size, word);
}

void asm_base_fail(asm_base_t *as, asm_error_t err) {
    if (as->error == ASM_OK) {
        as->error = err;
    }
}

const char *asm_error_text(asm_error_t err) {
    if ((size_t)err >= sizeof(error_texts) / sizeof(error_texts[0])) {
        return "unknown assembler error";
    }
    return error_texts[err];
}
