// runtime/frozen.c: finding, importing and running the modules mpy-freeze
// put into the image (runtime/frozen.h). The code, qstrs and constants stay
// where the generated file put them; import only makes the globals dict,
// points the module's static context at it and builds the few constants
// that cannot be static objects. The qstr pool (qstr.c) asks here for the
// frozen qstrs.
#include <string.h>

#include "frozen.h"
#include "obj.h"
#include "port.h"

static const rt_frozen_module_t *find_module(const char *name, size_t len) {
    size_t lo = 0;
    size_t hi = rt_frozen_table.n_modules;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *m = rt_frozen_table.modules[mid].name;
        int c = strncmp(m, name, len);
        if (c == 0 && m[len] != 0) {
            c = 1;
        }
        if (c == 0) {
            return &rt_frozen_table.modules[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

// True when some frozen module's name starts with "name." (a package
// folder without __init__.py, which MicroPython imports as an empty package).
static bool is_namespace(const char *name, size_t len) {
    size_t lo = 0;
    size_t hi = rt_frozen_table.n_modules;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(rt_frozen_table.modules[mid].name, name, len) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < rt_frozen_table.n_modules; lo++) {
        const char *m = rt_frozen_table.modules[lo].name;
        if (strncmp(m, name, len) != 0) {
            return false;
        }
        if (m[len] == '.') {
            return true;
        }
    }
    return false;
}

size_t rt_frozen_count(void) {
    return rt_frozen_table.n_modules;
}

const char *rt_frozen_name(size_t i) {
    return i < rt_frozen_table.n_modules ? rt_frozen_table.modules[i].name : NULL;
}

// ---------------------------------------------------------------------------
// Qstrs.
qstr_t rt_frozen_qstr_end(void) {
    return (qstr_t)(Q_NUM_BUILTIN + rt_frozen_table.n_qstrs);
}

qstr_t rt_frozen_qstr_find(const char *s, size_t len, uint32_t hash) {
    size_t size = rt_frozen_table.qstr_table_size;
    if (size == 0) {
        return QSTR_NULL;
    }
    const uint16_t *table = rt_frozen_table.qstr_table;
    for (size_t i = hash & (size - 1); table[i] != 0; i = (i + 1) & (size - 1)) {
        const rt_frozen_qstr_t *q = &rt_frozen_table.qstrs[table[i] - 1];
        if (q->hash == hash && q->len == len && memcmp(q->str, s, len) == 0) {
            return RT_FROZEN_QSTR(table[i] - 1);
        }
    }
    return QSTR_NULL;
}

// ---------------------------------------------------------------------------
// Constants built at import, from the .mpy constant encoding.
typedef struct reader {
    const uint8_t *p;
    const uint8_t *end;
} reader_t;

static size_t read_uint(reader_t *r) {
    size_t v = 0;
    while (r->p < r->end) {
        uint8_t b = *r->p++;
        v = (v << 7) | (b & 0x7f);
        if (!(b & 0x80)) {
            break;
        }
    }
    return v;
}

static obj_t read_const(reader_t *r) {
    uint8_t kind = *r->p++;
    switch (kind) {
        case 1:   // MPY_OBJ_NONE ... MPY_OBJ_ELLIPSIS (mpyformat/mpyformat.h)
            return OBJ_NONE;
        case 2:
            return OBJ_FALSE;
        case 3:
            return OBJ_TRUE;
        case 4:
            return OBJ_ELLIPSIS;
        case 10: {   // tuple
            size_t n = read_uint(r);
            obj_t t = tuple_new(n, NULL);
            obj_tuple_t *tp = OBJ_TO_PTR(t);
            for (size_t i = 0; i < n; i++) {
                tp->items[i] = read_const(r);
            }
            return t;
        }
        default:
            break;
    }
    size_t len = read_uint(r);
    const char *text = (const char *)r->p;
    r->p += len;
    switch (kind) {
        case 5:
            r->p++;   // the NUL after str and bytes
            return str_new(&type_str, text, len);
        case 6:
            r->p++;
            return bytes_new((const uint8_t *)text, len);
        case 7:
            return int_from_str(text, len, 0, true);
        default: {   // float, complex: parsed as the .mpy loader does
#if RT_FLOAT
            bool ok;
            obj_t f = float_parse(text, len, &ok);
            if (!ok) {
                port_fatal("bad frozen float constant");
            }
            return f;
#else
            port_fatal("frozen float constant without float support");
#endif
        }
    }
}

// Gives the module a heap copy of its constant table with the lazy slots
// filled, kept alive through rt.frozen_roots.
static void build_lazy_consts(const rt_frozen_module_t *fm) {
    module_ctx_t *ctx = fm->ctx;
    obj_t table = tuple_new(ctx->n_consts, ctx->consts);
    obj_tuple_t *tp = OBJ_TO_PTR(table);
    reader_t r = {fm->lazy, fm->lazy + fm->lazy_len};
    while (r.p < r.end) {
        size_t slot = read_uint(&r);
        tp->items[slot] = read_const(&r);
    }
    list_append(rt.frozen_roots, table);
    ctx->consts = tp->items;
}

// ---------------------------------------------------------------------------
// Import.

// Points the module's static context at globals (kept alive through
// rt.frozen_roots, since the context is not on the heap) and runs the code.
static void exec_module(const rt_frozen_module_t *fm, obj_t globals) {
    if (rt.frozen_roots == OBJ_NULL) {
        rt.frozen_roots = list_new(0, NULL);
    }
    list_append(rt.frozen_roots, globals);
    if (fm->lazy_len != 0 && fm->ctx->globals == OBJ_NULL) {
        build_lazy_consts(fm);
    }
    fm->ctx->globals = globals;
    dict_store(globals, obj_qstr(Q___file__), str_new_cstr(fm->file));
    rt_run_module_code(fm->code, globals, globals);
}

obj_t rt_frozen_import(qstr_t full_name) {
    const char *name = rtq_str(full_name);
    const rt_frozen_module_t *fm = find_module(name, rtq_len(full_name));
    bool is_package = fm != NULL ? fm->is_package : is_namespace(name, rtq_len(full_name));
    if (fm == NULL && !is_package) {
        return OBJ_NULL;
    }
    obj_t module = module_new(full_name);
    obj_t globals = rt_module_get_globals(module);
    if (is_package) {
        vstr_t v;
        vstr_init(&v, 16);
        vstr_add_str(&v, ".frozen/");
        for (const char *s = name; *s; s++) {
            vstr_add_byte(&v, *s == '.' ? '/' : (uint8_t)*s);
        }
        dict_store(globals, obj_qstr(Q___path__), str_new(&type_str, v.buf, v.len));
    }
    dict_store(rt.modules, obj_qstr(full_name), module);
    if (fm == NULL) {
        return module;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        exec_module(fm, globals);
        nlr_pop();
        return module;
    }
    dict_delete(rt.modules, obj_qstr(full_name));
    nlr_jump(nlr.ret_val);
}

// ---------------------------------------------------------------------------
// Running the main program.

int rt_frozen_run(const char *name) {
    const rt_frozen_module_t *fm = find_module(name, strlen(name));
    if (fm == NULL) {
        print_printf(&print_stderr, "no frozen module named '%s'\n", name);
        port_flush();
        return 2;
    }
    volatile int status = 0;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        if (((obj_list_t *)OBJ_TO_PTR(rt.sys_path))->len == 0) {
            list_append(rt.sys_path, str_new_cstr(".frozen"));
        }
        obj_t module = module_new(QSTR___main__);
        obj_t globals = rt_module_get_globals(module);
        dict_store(rt.modules, obj_qstr(QSTR___main__), module);
        rt.main_globals = globals;
        rt.cur_globals = globals;
        exec_module(fm, globals);
        nlr_pop();
    } else {
        status = rt_uncaught_status(nlr.ret_val);
    }
    port_flush();
    return status;
}

int rt_frozen_run_main(void) {
    return rt_frozen_run("main");
}
