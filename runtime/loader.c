// runtime/loader.c: turning .mpy files into running modules. The header is
// checked first exactly as the official VM checks it (version, sub-version,
// architecture, small-int bits) so incompatible files get its messages; the
// structure is then parsed by the shared mpyformat reader, and the result is
// copied onto the GC heap (interned qstrs, constant objects, decoded
// preludes, bytecode) so the file's bytes can be freed. Also here: import,
// which finds modules among the builtins, the port's and sys.path.
#include <string.h>

#include "../mpyformat/mpyformat.h"
#include "frozen.h"
#include "nativeglue.h"
#include "obj.h"
#include "port.h"

enum {
    FEATURE_ARCH_FLAGS = 0x40,
};

static void check_header(const uint8_t *data, size_t len) {
    if (len < 4 || data[0] != 'M' || data[1] != MPY_VERSION) {
        rt_raise_value_error("incompatible .mpy file");
    }
    unsigned arch = (data[2] >> 2) & 0xf;
    unsigned sub = data[2] & 3;
    if ((arch != MPY_ARCH_NONE && sub != MPY_SUB_VERSION) || data[3] > SMALL_INT_BITS) {
        rt_raise_value_error("incompatible .mpy file");
    }
    if (arch != MPY_ARCH_NONE && !rt_native_arch_ok(arch)) {
        rt_raise_value_error(RT_NATIVE_ARCH != MPY_ARCH_NONE ? "incompatible .mpy arch"
                                                             : "native code in .mpy unsupported");
    }
    if (data[2] & FEATURE_ARCH_FLAGS) {
        rt_raise_value_error("incompatible .mpy arch");
    }
}

static obj_t load_const(const mpy_obj_t *o) {
    switch (o->kind) {
        case MPY_OBJ_FUN_TABLE:
            return rt_native_fun_table_obj();
        case MPY_OBJ_NONE:
            return OBJ_NONE;
        case MPY_OBJ_FALSE:
            return OBJ_FALSE;
        case MPY_OBJ_TRUE:
            return OBJ_TRUE;
        case MPY_OBJ_ELLIPSIS:
            return OBJ_ELLIPSIS;
        case MPY_OBJ_STR: {
            // As the official loader: a str already interned is that qstr.
            qstr_t q = rtq_find((const char *)o->data, o->len);
            if (q != QSTR_NULL) {
                return obj_qstr(q);
            }
            return str_new(&type_str, (const char *)o->data, o->len);
        }
        case MPY_OBJ_BYTES:
            return bytes_new(o->data, o->len);
        case MPY_OBJ_INT:
            return int_from_str((const char *)o->data, o->len, 0, true);
        case MPY_OBJ_FLOAT:
        case MPY_OBJ_COMPLEX: {
#if RT_FLOAT
            bool ok;
            obj_t f = float_parse((const char *)o->data, o->len, &ok);
            if (!ok) {
                rt_raise_value_error("malformed .mpy file (bad float constant)");
            }
            return f;
#else
            rt_raise_value_error("float constant without float support");
#endif
        }
        case MPY_OBJ_TUPLE: {
            obj_t t = tuple_new(o->n_items, NULL);
            obj_tuple_t *tp = OBJ_TO_PTR(t);
            for (size_t i = 0; i < o->n_items; i++) {
                tp->items[i] = load_const(&o->items[i]);
            }
            return t;
        }
        default:
            rt_raise_value_error("malformed .mpy file (unsupported constant)");
    }
}

static code_t *load_code(const mpy_raw_code_t *rc, module_ctx_t *ctx) {
    if (rc->kind != MPY_CODE_BYTECODE) {
        code_t *c = rt_new(code_t);
        c->ctx = ctx;
        c->n_children = rc->n_children;
        code_t **children = gc_alloc((rc->n_children + 1) * sizeof(code_t *));
        c->children = (const code_t *const *)children;
        for (size_t i = 0; i < rc->n_children; i++) {
            children[i] = load_code(&rc->children[i], ctx);
        }
        native_code_load(c, rc);
        return c;
    }
    diag_t d;
    diag_init(&d, NULL);
    mpy_prelude_t p;
    if (!mpy_prelude_decode(rc->code, rc->code_len, rc->file_offset, &p, &d)) {
        rt_raise_fmt(&type_ValueError, "malformed .mpy file (%s)", d.msg);
    }
    code_t *c = rt_new(code_t);
    uint8_t *bytes = gc_alloc(rc->code_len + 1);
    memcpy(bytes, rc->code, rc->code_len);
    c->bc = bytes + p.opcodes_offset;
    c->bc_len = rc->code_len - p.opcodes_offset;
    c->line_info = bytes + p.line_info_offset;
    c->line_info_end = bytes + p.cell_offset;
    c->cells = bytes + p.cell_offset;
    c->n_cells = (uint16_t)p.n_cell;
    c->n_state = (uint16_t)p.n_state;
    c->n_exc_stack = (uint16_t)p.n_exc_stack;
    c->scope_flags = (uint8_t)p.scope_flags;
    c->n_pos_args = (uint8_t)p.n_pos_args;
    c->n_kwonly_args = (uint8_t)p.n_kwonly_args;
    c->n_def_pos_args = (uint8_t)p.n_def_pos_args;
    c->ctx = ctx;
    if (p.name >= ctx->n_qstrs) {
        rt_raise_value_error("malformed .mpy file (bad qstr index)");
    }
    c->name = ctx->qstrs[p.name];
    size_t n_names = p.n_pos_args + p.n_kwonly_args;
    qstr_t *arg_names = gc_alloc((n_names + 1) * sizeof(qstr_t));
    c->arg_names = arg_names;
    uint32_t *idx = gc_alloc((n_names + 1) * sizeof(uint32_t));
    mpy_prelude_arg_names(rc->code, &p, idx);
    for (size_t i = 0; i < n_names; i++) {
        if (idx[i] >= ctx->n_qstrs) {
            rt_raise_value_error("malformed .mpy file (bad qstr index)");
        }
        arg_names[i] = ctx->qstrs[idx[i]];
    }
    gc_free(idx);
    c->n_children = rc->n_children;
    code_t **children = gc_alloc((rc->n_children + 1) * sizeof(code_t *));
    c->children = (const code_t *const *)children;
    for (size_t i = 0; i < rc->n_children; i++) {
        children[i] = load_code(&rc->children[i], ctx);
    }
    return c;
}

// Builds the module context and code tree from a parsed file.
static code_t *load_file(const mpy_file_t *mf, obj_t globals) {
    module_ctx_t *ctx = rt_new(module_ctx_t);
    ctx->globals = globals;
    ctx->n_qstrs = mf->n_qstrs;
    qstr_t *qstrs = gc_alloc((mf->n_qstrs + 1) * sizeof(qstr_t));
    ctx->qstrs = qstrs;
    for (size_t i = 0; i < mf->n_qstrs; i++) {
        const mpy_qstr_t *q = &mf->qstrs[i];
        qstrs[i] = q->is_static ? (qstr_t)q->static_id : rtq_intern(q->str, q->len);
    }
    if (mf->arch != MPY_ARCH_NONE) {
        ctx->qstr_short = native_qstr_table(qstrs, mf->n_qstrs);
    }
    ctx->source_file = ctx->qstrs[0];
    ctx->n_consts = mf->n_objs;
    obj_t *consts = gc_alloc((mf->n_objs + 1) * sizeof(obj_t));
    ctx->consts = consts;
    for (size_t i = 0; i < mf->n_objs; i++) {
        consts[i] = load_const(&mf->objs[i]);
    }
    return load_code(&mf->root, ctx);
}

// Parses .mpy bytes into a code tree; the arena is freed on every path.
static code_t *parse_mpy(const uint8_t *data, size_t len, obj_t globals) {
    check_header(data, len);
    arena_t arena;
    arena_init(&arena);
    diag_t d;
    diag_init(&d, NULL);
    mpy_file_t mf;
    if (!mpy_read(data, len, &arena, &mf, &d)) {
        arena_deinit(&arena);
        rt_raise_fmt(&type_ValueError, "malformed .mpy file (offset %ld: %s)", d.offset, d.msg);
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        code_t *c = load_file(&mf, globals);
        nlr_pop();
        arena_deinit(&arena);
        return c;
    }
    arena_deinit(&arena);
    nlr_jump(nlr.ret_val);
}

obj_t rt_run_module_code(const code_t *c, obj_t globals, obj_t locals) {
    obj_t fun = fun_bc_new(c, OBJ_NULL, OBJ_NULL, 0, NULL);
    obj_t old_locals = rt.cur_locals;
    obj_t old_globals = rt.cur_globals;
    rt.cur_locals = locals;
    rt.cur_globals = globals;   // native module code reads names through it
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        obj_t ret = rt_call0(fun);
        nlr_pop();
        rt.cur_locals = old_locals;
        rt.cur_globals = old_globals;
        return ret;
    }
    rt.cur_locals = old_locals;
    rt.cur_globals = old_globals;
    nlr_jump(nlr.ret_val);
}

obj_t rt_import_mpy_data(qstr_t module_name, const uint8_t *data, size_t len, obj_t globals) {
    (void)module_name;
    code_t *c = parse_mpy(data, len, globals);
    rt_run_module_code(c, globals, globals);
    return globals;
}

code_t *rt_load_mpy_code(const uint8_t *data, size_t len, obj_t globals) {
    return parse_mpy(data, len, globals);
}

obj_t rt_module_get_globals(obj_t module) {
    return ((obj_module_t *)OBJ_TO_PTR(module))->globals;
}

// ---------------------------------------------------------------------------
// Import.
static bool try_load_path(obj_t module, const char *path) {
    uint8_t *data;
    size_t len;
    if (!port_read_file(path, &data, &len)) {
        return false;
    }
    obj_t globals = rt_module_get_globals(module);
    dict_store(globals, obj_qstr(Q___file__), str_new_cstr(path));
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        code_t *c = parse_mpy(data, len, globals);
        nlr_pop();
        port_free_file(data);
        rt_run_module_code(c, globals, globals);
        return true;
    }
    port_free_file(data);
    nlr_jump(nlr.ret_val);
}

// Builds "dir/name" (with the dots of name turned into slashes).
static char *join_path(const char *dir, size_t dir_len, const char *name, size_t name_len,
                       const char *suffix) {
    size_t n = dir_len + 1 + name_len + strlen(suffix) + 1;
    char *p = gc_alloc(n);
    size_t k = 0;
    if (dir_len) {
        memcpy(p, dir, dir_len);
        k = dir_len;
        p[k++] = '/';
    }
    for (size_t i = 0; i < name_len; i++) {
        p[k++] = name[i] == '.' ? '/' : name[i];
    }
    strcpy(p + k, suffix);
    return p;
}

static obj_t find_on_path(qstr_t full_name) {
    const char *name = rtq_str(full_name);
    size_t name_len = rtq_len(full_name);
    obj_list_t *path = OBJ_TO_PTR(rt.sys_path);
    for (size_t i = 0; i < path->len; i++) {
        size_t dir_len;
        const char *dir = str_get_data(path->items[i], &dir_len);
        if (dir_len == 7 && memcmp(dir, ".frozen", 7) == 0) {
            obj_t frozen = rt_frozen_import(full_name);
            if (frozen != OBJ_NULL) {
                return frozen;
            }
            continue;
        }
        if (!RT_LOADER) {
            continue;   // no .mpy files: only frozen modules import
        }
        char *base = join_path(dir, dir_len, name, name_len, "");
        char *file = join_path(dir, dir_len, name, name_len, ".mpy");
        obj_t module = OBJ_NULL;
        if (port_is_dir(base)) {
            module = module_new(full_name);
            dict_store(rt_module_get_globals(module), obj_qstr(Q___path__), str_new_cstr(base));
            dict_store(rt.modules, obj_qstr(full_name), module);
            char *init = join_path(base, strlen(base), "__init__", 8, ".mpy");
            try_load_path(module, init);
            return module;
        }
        module = module_new(full_name);
        dict_store(rt.modules, obj_qstr(full_name), module);
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            bool found = try_load_path(module, file);
            nlr_pop();
            if (found) {
                return module;
            }
        } else {
            dict_delete(rt.modules, obj_qstr(full_name));
            nlr_jump(nlr.ret_val);
        }
        dict_delete(rt.modules, obj_qstr(full_name));
    }
    return OBJ_NULL;
}

static obj_t import_one(qstr_t full_name, bool is_top) {
    obj_t m = dict_get(rt.modules, obj_qstr(full_name));
    if (m != OBJ_NULL) {
        return m;
    }
    if (is_top) {
        m = builtins_find_module(full_name);
        if (m == OBJ_NULL) {
            m = port_find_module(full_name);
        }
        if (m != OBJ_NULL) {
            dict_store(rt.modules, obj_qstr(full_name), m);
            return m;
        }
    }
    m = find_on_path(full_name);
    if (m == OBJ_NULL) {
        rt_raise_fmt(&type_ImportError, "no module named '%s'", rtq_str(full_name));
    }
    return m;
}

obj_t rt_import_name(qstr_t name, obj_t fromlist, obj_t level) {
    if (level != OBJ_NULL && obj_is_small_int(level) && small_int_value(level) != 0) {
        rt_raise(&type_ImportError, "relative import not supported");
    }
    const char *s = rtq_str(name);
    size_t len = rtq_len(name);
    obj_t top = OBJ_NULL;
    obj_t leaf = OBJ_NULL;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            qstr_t part = rtq_intern(s, i);
            leaf = import_one(part, top == OBJ_NULL);
            if (top == OBJ_NULL) {
                top = leaf;
            } else {
                // Make the submodule an attribute of its parent.
                size_t j = i;
                while (j > 0 && s[j - 1] != '.') {
                    j--;
                }
                qstr_t short_name = rtq_intern(s + j, i - j);
                size_t k = j - 1;
                qstr_t parent_name = rtq_intern(s, k);
                obj_t parent = dict_get(rt.modules, obj_qstr(parent_name));
                if (parent != OBJ_NULL && obj_is_type(parent, &type_module)) {
                    dict_store(rt_module_get_globals(parent), obj_qstr(short_name), leaf);
                }
            }
        }
    }
    if (fromlist != OBJ_NONE && fromlist != OBJ_NULL && obj_is_true(fromlist)) {
        return leaf;
    }
    return top;
}

obj_t rt_import_from(obj_t module, qstr_t name) {
    obj_t dest[2];
    rt_load_method_maybe(module, name, dest);
    if (dest[0] != OBJ_NULL && dest[1] == OBJ_NULL) {
        return dest[0];
    }
    if (dest[0] != OBJ_NULL) {
        return rt_load_attr(module, name);
    }
    if (obj_is_type(module, &type_module)) {
        obj_t globals = rt_module_get_globals(module);
        obj_t path = dict_get(globals, obj_qstr(Q___path__));
        obj_t mname = dict_get(globals, obj_qstr(QSTR___name__));
        if (path != OBJ_NULL && mname != OBJ_NULL) {
            vstr_t v;
            vstr_init(&v, 32);
            size_t n;
            const char *s = str_get_data(mname, &n);
            vstr_add_strn(&v, s, n);
            vstr_add_byte(&v, '.');
            vstr_add_str(&v, rtq_str(name));
            qstr_t full = rtq_intern(v.buf, v.len);
            return rt_import_name(full, OBJ_TRUE, small_int(0));
        }
    }
    rt_raise_fmt(&type_ImportError, "cannot import name %s", rtq_str(name));
}

void rt_import_all(obj_t module, obj_t dest_dict) {
    map_t *m = dict_map(rt_module_get_globals(module));
    for (size_t i = 0; i < m->alloc; i++) {
        if (map_slot_filled(m, i)) {
            obj_t key = m->table[i].key;
            size_t n;
            const char *s = str_get_data(key, &n);
            if (n > 0 && s[0] == '_') {
                continue;
            }
            dict_store(dest_dict, key, m->table[i].value);
        }
    }
}
