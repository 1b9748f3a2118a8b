// mpyformat/mpy_write.c: serialises an mpy_file_t as a .mpy v6 file, byte
// for byte as the official tools lay it out, so that reading a file and
// writing it again gives the same bytes. The model's code bytes are copied
// as they are; building them is the emitters' job.
#include <string.h>

#include "mpyformat.h"

enum {
    MAX_DEPTH = 200,
    MPY_FEATURE_ARCH_FLAGS = 0x40,
};

static bool write_header(const mpy_file_t *f, buf_t *out, diag_t *d) {
    if ((unsigned)f->arch >= MPY_ARCH_COUNT || f->sub_version > 3) {
        return diag_error(d, DIAG_VALUE_ERROR, 0, "can't encode architecture %d, sub-version %u", (int)f->arch,
            f->sub_version);
    }
    uint8_t feature = (uint8_t)(f->sub_version | (unsigned)f->arch << 2);
    if (f->has_arch_flags) {
        feature |= MPY_FEATURE_ARCH_FLAGS;
    }
    uint8_t header[4] = {'M', f->version, feature, f->small_int_bits};
    buf_append(out, header, sizeof(header));
    if (f->has_arch_flags) {
        buf_vuint(out, f->arch_flags);
    }
    return true;
}

static bool write_qstr(const mpy_qstr_t *q, buf_t *out, diag_t *d) {
    if (q->is_static) {
        if (q->static_id == QSTR_NULL || q->static_id >= QSTR_NUM_STATIC) {
            return diag_error(d, DIAG_VALUE_ERROR, 0, "static qstr %u out of range", q->static_id);
        }
        buf_vuint(out, (uint64_t)q->static_id << 1 | 1);
        return true;
    }
    buf_vuint(out, (uint64_t)q->len << 1);
    buf_append(out, q->str, q->len);
    buf_byte(out, 0);
    return true;
}

static bool write_obj(const mpy_obj_t *o, int depth, buf_t *out, diag_t *d) {
    if (depth >= MAX_DEPTH || (unsigned)o->kind > MPY_OBJ_TUPLE) {
        return diag_error(d, DIAG_VALUE_ERROR, 0, "can't encode constant of kind %d", (int)o->kind);
    }
    buf_byte(out, (uint8_t)o->kind);
    switch (o->kind) {
        case MPY_OBJ_STR:
        case MPY_OBJ_BYTES:
            buf_vuint(out, o->len);
            buf_append(out, o->data, o->len);
            buf_byte(out, 0);
            return true;
        case MPY_OBJ_INT:
        case MPY_OBJ_FLOAT:
        case MPY_OBJ_COMPLEX:
            buf_vuint(out, o->len);
            buf_append(out, o->data, o->len);
            return true;
        case MPY_OBJ_TUPLE:
            buf_vuint(out, o->n_items);
            for (size_t i = 0; i < o->n_items; i++) {
                if (!write_obj(&o->items[i], depth + 1, out, d)) {
                    return false;
                }
            }
            return true;
        default:
            return true;
    }
}

// Native extras follow the code. The official tool keeps the prelude offset
// in 16 bits, so it is written modulo 0x10000 (the reader undoes this).
static void write_native_extras(const mpy_raw_code_t *rc, buf_t *out) {
    if (rc->kind == MPY_CODE_NATIVE) {
        buf_vuint(out, rc->prelude_offset & 0xffff);
        return;
    }
    buf_vuint(out, rc->scope_flags);
    if (rc->kind == MPY_CODE_ASM) {
        buf_vuint(out, rc->n_pos_args);
        buf_vuint(out, rc->type_sig);
        return;
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRODATA) {
        buf_vuint(out, rc->rodata_size);
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERBSS) {
        buf_vuint(out, rc->bss_size);
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRODATA) {
        buf_append(out, rc->rodata, rc->rodata_size);
    }
}

static bool write_raw_code(const mpy_raw_code_t *rc, int depth, buf_t *out, diag_t *d) {
    if (depth >= MAX_DEPTH || (unsigned)rc->kind > MPY_CODE_ASM) {
        return diag_error(d, DIAG_VALUE_ERROR, 0, "can't encode function of kind %d", (int)rc->kind);
    }
    buf_vuint(out, (uint64_t)rc->code_len << 3 | (uint64_t)(rc->n_children > 0) << 2 | rc->kind);
    buf_append(out, rc->code, rc->code_len);
    if (rc->kind != MPY_CODE_BYTECODE) {
        write_native_extras(rc, out);
    }
    if (rc->n_children > 0) {
        buf_vuint(out, rc->n_children);
        for (size_t i = 0; i < rc->n_children; i++) {
            if (!write_raw_code(&rc->children[i], depth + 1, out, d)) {
                return false;
            }
        }
    }
    if (rc->kind != MPY_CODE_BYTECODE && (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRELOC)) {
        buf_append(out, rc->reloc, rc->reloc_len);
    }
    return true;
}

bool mpy_write(const mpy_file_t *f, buf_t *out, diag_t *d) {
    if (!write_header(f, out, d)) {
        return false;
    }
    buf_vuint(out, f->n_qstrs);
    buf_vuint(out, f->n_objs);
    for (size_t i = 0; i < f->n_qstrs; i++) {
        if (!write_qstr(&f->qstrs[i], out, d)) {
            return false;
        }
    }
    for (size_t i = 0; i < f->n_objs; i++) {
        if (!write_obj(&f->objs[i], 0, out, d)) {
            return false;
        }
    }
    if (!write_raw_code(&f->root, 0, out, d)) {
        return false;
    }
    if (out->failed) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    return true;
}
