// runtime/objmodule.c: module objects (a name space dict with attribute
// access) and the table of modules built into the runtime.
#include "obj.h"

obj_t module_new(qstr_t name) {
    obj_module_t *m = rt_new(obj_module_t);
    m->base.type = &type_module;
    m->globals = dict_new(3);
    dict_store(m->globals, obj_qstr(QSTR___name__), obj_qstr(name));
    return (obj_t)m;
}

static void module_print(const print_t *p, obj_t o, print_kind_t kind) {
    (void)kind;
    obj_t name = dict_get(rt_module_get_globals(o), obj_qstr(QSTR___name__));
    print_str(p, "<module '");
    if (name != OBJ_NULL) {
        obj_print(p, name, PRINT_STR);
    }
    print_str(p, "'>");
}

static void module_attr(obj_t self, qstr_t attr, obj_t *dest) {
    obj_module_t *m = OBJ_TO_PTR(self);
    map_t *map = dict_map(m->globals);
    if (dest[0] == OBJ_NULL) {
        map_elem_t *e = map_lookup_qstr(map, attr);
        if (e != NULL) {
            dest[0] = e->value;
        } else if (attr == Q___dict__) {
            dest[0] = m->globals;
        }
        return;
    }
    if (map->is_fixed) {
        return;
    }
    if (dest[1] == OBJ_NULL) {
        if (map_lookup(map, obj_qstr(attr), MAP_LOOKUP_REMOVE_IF_FOUND) != NULL) {
            dest[0] = OBJ_NULL;
        }
        return;
    }
    map_lookup(map, obj_qstr(attr), MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = dest[1];
    dest[0] = OBJ_NULL;
}

const type_t type_module = {
    {&type_type}, 0, Q_module, module_print, NULL, NULL, NULL, NULL,
    module_attr, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

// Modules whose name space is ROM. A module marked writable gets a heap
// copy of its dict the first time it is imported (sys needs its path,
// argv and modules filled in).
typedef struct builtin_module {
    qstr_t name;
    const obj_module_t *module;
} builtin_module_t;

extern const obj_module_t module_sys, module_micropython, module_gc, module_builtins;
#if RT_MOD_MATH
extern const obj_module_t module_math;
#endif
#if RT_MOD_STRUCT
extern const obj_module_t module_struct;
#endif
#if RT_MOD_COLLECTIONS
extern const obj_module_t module_collections;
#endif
#if RT_MOD_IO
extern const obj_module_t module_io;
#endif
#if RT_MOD_JSON
extern const obj_module_t module_json;
#endif
extern const obj_module_t module_time, module_array, module_binascii, module_heapq,
    module_random, module_errno, module_asyncio_core;

static const builtin_module_t builtin_modules[] = {
    {QSTR_builtins, &module_builtins},
#if RT_MOD_MICROPYTHON
    {QSTR_micropython, &module_micropython},
    {Q_gc, &module_gc},
#endif
#if RT_MOD_MATH
    {Q_math, &module_math},
#endif
#if RT_MOD_STRUCT
    {Q_struct, &module_struct},
#endif
#if RT_MOD_COLLECTIONS
    {Q_collections, &module_collections},
#endif
#if RT_MOD_IO
    {Q_io, &module_io},
#endif
#if RT_MOD_JSON
    {Q_json, &module_json},
#endif
#if RT_MOD_SMALL
    {Q_time, &module_time},
    {Q_array, &module_array},
    {Q_heapq, &module_heapq},
    {Q_random, &module_random},
    {Q_errno, &module_errno},
#endif
#if RT_MOD_BINASCII
    {Q_binascii, &module_binascii},
#endif
};

obj_t builtins_find_module(qstr_t name) {
    if (name == Q_sys) {
        return rt.sys_module;
    }
    for (size_t i = 0; i < sizeof(builtin_modules) / sizeof(builtin_modules[0]); i++) {
        if (builtin_modules[i].name == name) {
            return (obj_t)builtin_modules[i].module;
        }
    }
    // u-prefixed aliases (utime, ustruct...) name the same modules.
    const char *s = rtq_str(name);
    if (s[0] == 'u' && s[1] != 0) {
        qstr_t base = rtq_find(s + 1, rtq_len(name) - 1);
        if (base != QSTR_NULL && base != name) {
            return builtins_find_module(base);
        }
    }
    return OBJ_NULL;
}
