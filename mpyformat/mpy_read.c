// mpyformat/mpy_read.c: parses a .mpy v6 file into the mpy_file_t model and
// validates every part strictly: header, qstrs, constants, the raw-code
// tree, native extras (prelude offset, viper rodata/bss and relocations),
// and for each bytecode function its prelude, line table and opcodes. It
// never reads out of bounds, limits nesting, and checks each length against
// the bytes left before allocating. Printing is the caller's business.
#include <stdlib.h>
#include <string.h>

#include "mpyformat.h"

enum {
    // Deeper nesting than this (functions in functions, tuples in tuples)
    // is rejected rather than followed.
    MAX_DEPTH = 200,
    MPY_FEATURE_ARCH_FLAGS = 0x40,
    MPY_RELOC_END = 0xff,
};

typedef struct reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    arena_t *arena;
    mpy_file_t *f;
    diag_t *d;
} reader_t;

static bool fail_at(reader_t *r, size_t at, const char *why) {
    return diag_error_at(r->d, (long)at, "%s", why);
}

static size_t remaining(const reader_t *r) {
    return r->len - r->pos;
}

static bool read_byte(reader_t *r, uint8_t *out, const char *what) {
    if (r->pos >= r->len) {
        return diag_error_at(r->d, (long)r->pos, "truncated file: %s expected", what);
    }
    *out = r->data[r->pos++];
    return true;
}

static bool read_uint(reader_t *r, uint64_t *out) {
    size_t at = r->pos;
    const char *why = mpy_read_vuint(r->data, r->len, &r->pos, out);
    if (why != NULL) {
        return fail_at(r, at, why);
    }
    return true;
}

// Reads a count of items that each take at least `min_bytes` of the file.
static bool read_count(reader_t *r, size_t min_bytes, const char *what, size_t *out) {
    size_t at = r->pos;
    uint64_t v;
    if (!read_uint(r, &v)) {
        return false;
    }
    if (v > remaining(r) / min_bytes) {
        return diag_error_at(r->d, (long)at, "%s count %llu exceeds the bytes left", what, (unsigned long long)v);
    }
    *out = (size_t)v;
    return true;
}

static bool read_span(reader_t *r, size_t n, const char *what, const uint8_t **out) {
    if (n > remaining(r)) {
        return diag_error_at(r->d, (long)r->pos, "truncated file: %s of %zu bytes, %zu left", what, n, remaining(r));
    }
    *out = r->data + r->pos;
    r->pos += n;
    return true;
}

static void *alloc_array(reader_t *r, size_t n, size_t size) {
    if (n == 0) {
        return NULL;
    }
    void *p = arena_alloc(r->arena, n * size);
    if (p == NULL) {
        diag_error(r->d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    return p;
}

// ---------------------------------------------------------------------------
// Header: 'M', version, feature byte, small-int bits, [arch flags].

static bool read_feature_byte(reader_t *r, uint8_t feat) {
    mpy_file_t *f = r->f;
    if (feat & 0x80) {
        return fail_at(r, 2, "bad feature byte (bit 7 set)");
    }
    unsigned arch = (feat >> 2) & 0xf;
    if (arch >= MPY_ARCH_COUNT) {
        return diag_error_at(r->d, 2, "unknown architecture %u", arch);
    }
    f->arch = (mpy_arch_t)arch;
    f->sub_version = feat & 3;
    f->has_arch_flags = (feat & MPY_FEATURE_ARCH_FLAGS) != 0;
    if (f->arch != MPY_ARCH_NONE && f->sub_version != MPY_SUB_VERSION) {
        return diag_error_at(r->d, 2, "unsupported sub-version %u (expected %d)", f->sub_version, MPY_SUB_VERSION);
    }
    if (f->arch == MPY_ARCH_NONE && f->sub_version != 0 && f->sub_version != MPY_SUB_VERSION) {
        return diag_error_at(r->d, 2, "unsupported sub-version %u (expected 0 or %d)", f->sub_version, MPY_SUB_VERSION);
    }
    if (f->arch == MPY_ARCH_NONE && f->has_arch_flags) {
        return fail_at(r, 2, "architecture flags without an architecture");
    }
    return true;
}

static bool read_header(reader_t *r) {
    mpy_file_t *f = r->f;
    if (r->len < 1 || r->data[0] != 'M') {
        return fail_at(r, 0, r->len < 1 ? "empty file" : "not an .mpy file (bad magic byte)");
    }
    if (r->len < 4) {
        return fail_at(r, r->len, "truncated header");
    }
    if (r->data[1] != MPY_VERSION) {
        return diag_error_at(r->d, 1, "unsupported .mpy version %u (expected %d)", r->data[1], MPY_VERSION);
    }
    f->version = r->data[1];
    if (!read_feature_byte(r, r->data[2])) {
        return false;
    }
    f->small_int_bits = r->data[3];
    if (f->small_int_bits == 0 || f->small_int_bits > 64) {
        return diag_error_at(r->d, 3, "bad small-int bit count %u", f->small_int_bits);
    }
    r->pos = 4;
    if (f->has_arch_flags) {
        uint64_t flags;
        if (!read_uint(r, &flags)) {
            return false;
        }
        if (flags > UINT32_MAX) {
            return fail_at(r, 4, "architecture flags out of range");
        }
        f->arch_flags = (uint32_t)flags;
    }
    return true;
}

// ---------------------------------------------------------------------------
// qstrs: (static_index << 1) | 1, or (len << 1), the bytes and a NUL.

static bool read_qstr(reader_t *r, mpy_qstr_t *q) {
    size_t at = r->pos;
    uint64_t v;
    if (!read_uint(r, &v)) {
        return false;
    }
    q->file_offset = (long)at;
    if (v & 1) {
        uint64_t id = v >> 1;
        if (id == QSTR_NULL || id >= QSTR_NUM_STATIC) {
            return diag_error_at(r->d, (long)at, "static qstr index %llu out of range (1..%d)",
                (unsigned long long)id, QSTR_NUM_STATIC - 1);
        }
        q->is_static = true;
        q->static_id = (uint32_t)id;
        q->str = qstr_static_str((qstr_t)id);
        q->len = strlen(q->str);
        return true;
    }
    uint64_t n = v >> 1;
    if (n >= remaining(r)) {
        return diag_error_at(r->d, (long)at, "qstr length %llu exceeds the bytes left", (unsigned long long)n);
    }
    q->str = (const char *)r->data + r->pos;
    q->len = (size_t)n;
    r->pos += (size_t)n;
    if (r->data[r->pos] != 0) {
        return fail_at(r, r->pos, "qstr not terminated by a NUL byte");
    }
    r->pos++;
    return true;
}

static bool read_qstrs(reader_t *r, size_t n) {
    r->f->n_qstrs = n;
    r->f->qstrs = alloc_array(r, n, sizeof(mpy_qstr_t));
    if (n > 0 && r->f->qstrs == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!read_qstr(r, &r->f->qstrs[i])) {
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Constant objects.

static bool is_int_text(const uint8_t *s, size_t n) {
    size_t i = (n > 0 && s[0] == '-') ? 1 : 0;
    if (i == n) {
        return false;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

static bool is_number_text(const uint8_t *s, size_t n) {
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] <= ' ' || s[i] >= 0x7f) {
            return false;
        }
    }
    return true;
}

static bool read_obj(reader_t *r, mpy_obj_t *o, int depth);

static bool read_tuple(reader_t *r, mpy_obj_t *o, int depth) {
    if (depth >= MAX_DEPTH) {
        return fail_at(r, r->pos, "constant tuples nested too deeply");
    }
    if (!read_count(r, 1, "tuple item", &o->n_items)) {
        return false;
    }
    o->items = alloc_array(r, o->n_items, sizeof(mpy_obj_t));
    if (o->n_items > 0 && o->items == NULL) {
        return false;
    }
    for (size_t i = 0; i < o->n_items; i++) {
        if (!read_obj(r, &o->items[i], depth + 1)) {
            return false;
        }
    }
    return true;
}

static bool read_obj_data(reader_t *r, mpy_obj_t *o) {
    size_t at = r->pos;
    uint64_t n;
    if (!read_uint(r, &n)) {
        return false;
    }
    bool has_nul = o->kind == MPY_OBJ_STR || o->kind == MPY_OBJ_BYTES;
    if (n > remaining(r) || (has_nul && n == remaining(r))) {
        return diag_error_at(r->d, (long)at, "constant length %llu exceeds the bytes left", (unsigned long long)n);
    }
    o->data = r->data + r->pos;
    o->len = (size_t)n;
    r->pos += o->len;
    if (has_nul) {
        if (r->data[r->pos] != 0) {
            return fail_at(r, r->pos, "string constant not terminated by a NUL byte");
        }
        r->pos++;
        return true;
    }
    if (o->kind == MPY_OBJ_INT ? !is_int_text(o->data, o->len) : !is_number_text(o->data, o->len)) {
        return fail_at(r, at, o->kind == MPY_OBJ_INT ? "malformed int constant" : "malformed number constant");
    }
    return true;
}

static bool read_obj(reader_t *r, mpy_obj_t *o, int depth) {
    size_t at = r->pos;
    uint8_t kind = 0;
    if (!read_byte(r, &kind, "constant type")) {
        return false;
    }
    o->file_offset = (long)at;
    o->kind = (mpy_obj_kind_t)kind;
    switch (kind) {
        case MPY_OBJ_FUN_TABLE:
            if (r->f->arch == MPY_ARCH_NONE) {
                return fail_at(r, at, "native function table constant in a bytecode-only file");
            }
            return true;
        case MPY_OBJ_NONE:
        case MPY_OBJ_FALSE:
        case MPY_OBJ_TRUE:
        case MPY_OBJ_ELLIPSIS:
            return true;
        case MPY_OBJ_STR:
        case MPY_OBJ_BYTES:
        case MPY_OBJ_INT:
        case MPY_OBJ_FLOAT:
        case MPY_OBJ_COMPLEX:
            return read_obj_data(r, o);
        case MPY_OBJ_TUPLE:
            return read_tuple(r, o, depth);
        default:
            return diag_error_at(r->d, (long)at, "unknown constant type %u", kind);
    }
}

static bool read_objs(reader_t *r, size_t n) {
    r->f->n_objs = n;
    r->f->objs = alloc_array(r, n, sizeof(mpy_obj_t));
    if (n > 0 && r->f->objs == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!read_obj(r, &r->f->objs[i], 0)) {
            return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Bytecode validation: the prelude, then every instruction's operands, then
// that each jump lands on the start of an instruction.

static bool check_qstr_index(reader_t *r, long at, uint64_t idx) {
    if (idx >= r->f->n_qstrs) {
        return diag_error_at(r->d, at, "qstr index %llu out of range (%zu qstrs)", (unsigned long long)idx,
            r->f->n_qstrs);
    }
    return true;
}

static bool check_prelude_names(reader_t *r, const mpy_raw_code_t *rc, size_t code_base, const mpy_prelude_t *p) {
    const uint8_t *code = rc->code + code_base;
    long base = rc->file_offset + (long)code_base;
    if (!check_qstr_index(r, base + (long)p->info_offset, p->name)) {
        return false;
    }
    size_t at = p->args_offset;
    for (uint32_t i = 0; i < p->n_pos_args + p->n_kwonly_args; i++) {
        size_t start = at;
        uint64_t v = 0;
        mpy_read_vuint(code, p->cell_offset, &at, &v);
        if (!check_qstr_index(r, base + (long)start, v)) {
            return false;
        }
    }
    return true;
}

static bool is_local_op(const mpy_insn_t *in) {
    switch (in->op) {
        case MPY_OP_LOAD_FAST_N:
        case MPY_OP_STORE_FAST_N:
        case MPY_OP_DELETE_FAST:
        case MPY_OP_LOAD_DEREF:
        case MPY_OP_STORE_DEREF:
        case MPY_OP_DELETE_DEREF:
            return true;
        default:
            return (unsigned)(in->op - MPY_OP_LOAD_FAST_MULTI_FIRST) < MPY_OP_LOAD_FAST_MULTI_COUNT
                || (unsigned)(in->op - MPY_OP_STORE_FAST_MULTI_FIRST) < MPY_OP_STORE_FAST_MULTI_COUNT;
    }
}

static bool check_operand(reader_t *r, const mpy_raw_code_t *rc, const mpy_prelude_t *p, const mpy_insn_t *in,
    size_t pos) {
    long at = rc->file_offset + (long)pos;
    switch (in->fmt) {
        case MPY_FMT_QSTR:
            return check_qstr_index(r, at, in->arg);
        case MPY_FMT_CONST:
            if (in->arg >= r->f->n_objs) {
                return diag_error_at(r->d, at, "constant index %llu out of range (%zu constants)",
                    (unsigned long long)in->arg, r->f->n_objs);
            }
            return true;
        case MPY_FMT_CHILD:
        case MPY_FMT_CHILD_X:
            if (in->arg >= rc->n_children) {
                return diag_error_at(r->d, at, "child index %llu out of range (%zu children)",
                    (unsigned long long)in->arg, rc->n_children);
            }
            return true;
        default:
            break;
    }
    if (in->is_jump && (in->target < (int64_t)p->opcodes_offset || in->target >= (int64_t)rc->code_len)) {
        return diag_error_at(r->d, at, "jump outside the code (to offset %lld of %zu)",
            (long long)(in->target - (int64_t)p->opcodes_offset), rc->code_len - p->opcodes_offset);
    }
    if (is_local_op(in) && in->arg >= p->n_state) {
        return diag_error_at(r->d, at, "local %llu out of range (%u state slots)", (unsigned long long)in->arg,
            (unsigned)p->n_state);
    }
    return true;
}

static bool check_jump_targets(reader_t *r, const mpy_raw_code_t *rc, const mpy_prelude_t *p, const uint8_t *starts) {
    for (size_t pos = p->opcodes_offset; pos < rc->code_len;) {
        mpy_insn_t in;
        mpy_insn_decode(rc->code, rc->code_len, pos, &in);
        if (in.is_jump && !starts[in.target]) {
            return diag_error_at(r->d, rc->file_offset + (long)pos, "jump into the middle of an instruction");
        }
        pos += in.len;
    }
    return true;
}

static bool check_opcodes(reader_t *r, const mpy_raw_code_t *rc, const mpy_prelude_t *p) {
    uint8_t *starts = calloc(rc->code_len, 1);
    if (starts == NULL) {
        return diag_error(r->d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    bool ok = true;
    for (size_t pos = p->opcodes_offset; ok && pos < rc->code_len;) {
        mpy_insn_t in;
        const char *why = mpy_insn_decode(rc->code, rc->code_len, pos, &in);
        if (why != NULL) {
            ok = diag_error_at(r->d, rc->file_offset + (long)pos, "%s 0x%02x", why, rc->code[pos]);
            break;
        }
        ok = check_operand(r, rc, p, &in, pos);
        starts[pos] = 1;
        pos += in.len;
    }
    if (ok) {
        ok = check_jump_targets(r, rc, p, starts);
    }
    free(starts);
    return ok;
}

static bool check_bytecode(reader_t *r, const mpy_raw_code_t *rc) {
    mpy_prelude_t p;
    if (!mpy_prelude_decode(rc->code, rc->code_len, rc->file_offset, &p, r->d)) {
        return false;
    }
    if (!check_prelude_names(r, rc, 0, &p)) {
        return false;
    }
    if (p.opcodes_offset >= rc->code_len) {
        return fail_at(r, (size_t)rc->file_offset + rc->code_len, "function has no opcodes");
    }
    return check_opcodes(r, rc, &p);
}

// ---------------------------------------------------------------------------
// Native code: extra fields after the machine code, and the relocations
// (read after the children, as the official loader does).

static unsigned arch_word_size(mpy_arch_t arch) {
    return (arch == MPY_ARCH_X64 || arch == MPY_ARCH_RV64IMC) ? 8 : 4;
}

// Decodes a native function's prelude at `off`; it must run exactly to the
// end of the machine code, as the native emitters place it.
static bool decode_native_prelude(const mpy_raw_code_t *rc, size_t off, mpy_prelude_t *p, diag_t *d) {
    long base = rc->file_offset + (long)off;
    if (!mpy_prelude_decode(rc->code + off, rc->code_len - off, base, p, d)) {
        return false;
    }
    if (p->opcodes_offset != rc->code_len - off) {
        return diag_error_at(d, base + (long)p->opcodes_offset, "native prelude does not end with the code");
    }
    return true;
}

// The official tool keeps the prelude offset in 16 bits, so functions of
// 64 KiB or more store it modulo 0x10000. The true offset is the candidate
// whose prelude ends exactly at the end of the code.
static bool find_wrapped_prelude(mpy_raw_code_t *rc, size_t off, mpy_prelude_t *p) {
    for (size_t real = off + 0x10000; real < rc->code_len; real += 0x10000) {
        diag_t quiet;
        diag_init(&quiet, NULL);
        if (decode_native_prelude(rc, real, p, &quiet)) {
            rc->prelude_offset = (uint32_t)real;
            return true;
        }
    }
    return false;
}

static bool read_native_prelude(reader_t *r, mpy_raw_code_t *rc) {
    size_t at = r->pos;
    uint64_t off;
    if (!read_uint(r, &off)) {
        return false;
    }
    if (off >= rc->code_len) {
        return diag_error_at(r->d, (long)at, "prelude offset %llu outside the code (%zu bytes)",
            (unsigned long long)off, rc->code_len);
    }
    rc->prelude_offset = (uint32_t)off;
    mpy_prelude_t p;
    diag_t first;
    diag_init(&first, NULL);
    if (!decode_native_prelude(rc, (size_t)off, &p, &first)) {
        if (off > 0xffff || !find_wrapped_prelude(rc, (size_t)off, &p)) {
            return diag_error_at(r->d, first.offset, "%s", first.msg);
        }
    }
    rc->scope_flags = p.scope_flags;
    return check_prelude_names(r, rc, rc->prelude_offset, &p);
}

static bool read_scope_u32(reader_t *r, uint32_t *out, const char *what) {
    size_t at = r->pos;
    uint64_t v;
    if (!read_uint(r, &v)) {
        return false;
    }
    if (v > UINT32_MAX) {
        return diag_error_at(r->d, (long)at, "%s out of range", what);
    }
    *out = (uint32_t)v;
    return true;
}

static bool read_viper_data(reader_t *r, mpy_raw_code_t *rc) {
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRODATA) {
        if (!read_scope_u32(r, &rc->rodata_size, "rodata size")) {
            return false;
        }
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERBSS) {
        if (!read_scope_u32(r, &rc->bss_size, "bss size")) {
            return false;
        }
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRODATA) {
        return read_span(r, rc->rodata_size, "rodata", &rc->rodata);
    }
    return true;
}

static bool read_native_extras(reader_t *r, mpy_raw_code_t *rc) {
    size_t at = r->pos;
    if (r->f->arch == MPY_ARCH_NONE) {
        return fail_at(r, (size_t)rc->file_offset, "machine code in a file without an architecture");
    }
    if (rc->kind == MPY_CODE_NATIVE) {
        return read_native_prelude(r, rc);
    }
    if (!read_scope_u32(r, &rc->scope_flags, "scope flags")) {
        return false;
    }
    if (rc->scope_flags & MPY_SCOPE_FLAG_ALL_SIG) {
        return fail_at(r, at, "viper or asm function with generator or argument scope flags");
    }
    if (rc->kind == MPY_CODE_ASM) {
        if (!read_scope_u32(r, &rc->n_pos_args, "argument count") || !read_scope_u32(r, &rc->type_sig, "type signature")) {
            return false;
        }
        return true;
    }
    return read_viper_data(r, rc);
}

// One relocation: op byte (bit 0: an address varint follows; then the kind:
// 0..5 text/rodata/bss with an optional count, 6 qstr table, 7 object
// table, 8 the function table, 9+ a function table entry). Checks that each
// adjusted word lies inside the text or rodata it points into.
typedef struct reloc_state {
    size_t word;        // next word to adjust
    bool in_rodata;
    bool has_addr;
} reloc_state_t;

static bool read_reloc_op(reader_t *r, mpy_raw_code_t *rc, uint8_t op, reloc_state_t *st) {
    size_t at = r->pos - 1;
    if (op & 1) {
        uint64_t addr;
        if (!read_uint(r, &addr)) {
            return false;
        }
        st->in_rodata = addr & 1;
        st->word = (size_t)(addr >> 1);
        st->has_addr = true;
    }
    if (!st->has_addr) {
        return fail_at(r, at, "relocation before any address");
    }
    op >>= 1;
    uint64_t n = 1;
    if (op <= 5) {
        if ((op & 1) && !read_uint(r, &n)) {
            return false;
        }
        unsigned dest = op >> 1;
        if ((dest == 1 && rc->rodata == NULL) || (dest == 2 && !(rc->scope_flags & MPY_SCOPE_FLAG_VIPERBSS))) {
            return fail_at(r, at, "relocation against missing rodata or bss");
        }
    }
    size_t region = st->in_rodata ? rc->rodata_size : rc->code_len;
    size_t words = region / arch_word_size(r->f->arch);
    if ((st->in_rodata && rc->rodata == NULL) || st->word > words || n > words - st->word) {
        return fail_at(r, at, "relocation outside the code or rodata");
    }
    st->word += (size_t)n;
    return true;
}

static bool read_relocs(reader_t *r, mpy_raw_code_t *rc) {
    size_t start = r->pos;
    reloc_state_t st = {0, false, false};
    for (;;) {
        uint8_t op = 0;
        if (!read_byte(r, &op, "relocation")) {
            return false;
        }
        if (op == MPY_RELOC_END) {
            break;
        }
        if (!read_reloc_op(r, rc, op, &st)) {
            return false;
        }
    }
    rc->reloc = r->data + start;
    rc->reloc_len = r->pos - start;
    return true;
}

// ---------------------------------------------------------------------------
// Raw codes: varint (len << 3 | has_children << 2 | kind), the code, the
// native extras, [count and children], [relocations].

static bool read_raw_code(reader_t *r, mpy_raw_code_t *rc, int depth);

static bool read_children(reader_t *r, mpy_raw_code_t *rc, int depth) {
    size_t at = r->pos;
    if (!read_count(r, 2, "child", &rc->n_children)) {
        return false;
    }
    if (rc->n_children == 0) {
        return fail_at(r, at, "children flag set but no children");
    }
    if (rc->rodata != NULL || rc->bss_size != 0) {
        return fail_at(r, at, "viper function with rodata or bss has children");
    }
    rc->children = alloc_array(r, rc->n_children, sizeof(mpy_raw_code_t));
    if (rc->children == NULL) {
        return false;
    }
    for (size_t i = 0; i < rc->n_children; i++) {
        if (!read_raw_code(r, &rc->children[i], depth + 1)) {
            return false;
        }
    }
    return true;
}

static bool read_raw_code(reader_t *r, mpy_raw_code_t *rc, int depth) {
    size_t at = r->pos;
    if (depth >= MAX_DEPTH) {
        return fail_at(r, at, "functions nested too deeply");
    }
    uint64_t kind_len;
    if (!read_uint(r, &kind_len)) {
        return false;
    }
    rc->kind = (mpy_code_kind_t)(kind_len & 3);
    bool has_children = (kind_len & 4) != 0;
    if ((kind_len >> 3) > remaining(r)) {
        return diag_error_at(r->d, (long)at, "function code length %llu exceeds the bytes left",
            (unsigned long long)(kind_len >> 3));
    }
    rc->file_offset = (long)r->pos;
    if (!read_span(r, (size_t)(kind_len >> 3), "code", &rc->code)) {
        return false;
    }
    rc->code_len = (size_t)(kind_len >> 3);
    if (rc->kind != MPY_CODE_BYTECODE && !read_native_extras(r, rc)) {
        return false;
    }
    if (has_children && !read_children(r, rc, depth)) {
        return false;
    }
    if (rc->kind != MPY_CODE_BYTECODE && (rc->scope_flags & MPY_SCOPE_FLAG_VIPERRELOC) && !read_relocs(r, rc)) {
        return false;
    }
    return rc->kind == MPY_CODE_BYTECODE ? check_bytecode(r, rc) : true;
}

bool mpy_read(const uint8_t *data, size_t len, arena_t *arena, mpy_file_t *out, diag_t *d) {
    memset(out, 0, sizeof(*out));
    reader_t r = {data, len, 0, arena, out, d};
    if (!read_header(&r)) {
        return false;
    }
    size_t n_qstrs, n_objs;
    if (!read_count(&r, 1, "qstr", &n_qstrs) || !read_count(&r, 1, "constant", &n_objs)) {
        return false;
    }
    if (n_qstrs == 0) {
        return fail_at(&r, 4, "no qstrs (qstr 0 must name the source file)");
    }
    if (!read_qstrs(&r, n_qstrs) || !read_objs(&r, n_objs)) {
        return false;
    }
    if (!read_raw_code(&r, &out->root, 0)) {
        return false;
    }
    if (r.pos != len) {
        return diag_error_at(d, (long)r.pos, "trailing garbage (%zu bytes after the outermost function)", len - r.pos);
    }
    out->file_len = len;
    return true;
}
