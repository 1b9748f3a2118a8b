// runtime/obj.h: the VM's object model, shared by every file in runtime/.
// An obj_t is one machine word: a tagged small int, a tagged qstr (an
// interned str), a tagged immediate (None, False, True) or a pointer to a
// heap or ROM object whose first word is its type. Types are C structs of
// slots (print, call, attr, ...) plus a dict of methods. This header is
// private to runtime/; the command line sees runtime/runtime.h only.
#ifndef RUNTIME_OBJ_H
#define RUNTIME_OBJ_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "../util/util.h"
#include "config.h"

// ---------------------------------------------------------------------------
// Words and tags.
typedef uintptr_t obj_t;
typedef intptr_t rt_int_t;
typedef uintptr_t rt_uint_t;
typedef RT_FLOAT_TYPE rt_float_t;

// Low bits: xxx1 small int, x010 qstr, x110 immediate, xx00 pointer.
#define OBJ_NULL ((obj_t)0)
#define OBJ_SENTINEL ((obj_t)4)
#define OBJ_STOP_ITERATION ((obj_t)0)
#define OBJ_NONE ((obj_t)6)     // (0 << 3) | 6, as MicroPython's hash(None) shows
#define OBJ_FALSE ((obj_t)14)   // (1 << 3) | 6
#define OBJ_TRUE ((obj_t)30)    // (3 << 3) | 6
#define OBJ_BOOL(b) ((b) ? OBJ_TRUE : OBJ_FALSE)

#define RT_WORD_BITS (sizeof(obj_t) * 8)
#define SMALL_INT_BITS (RT_WORD_BITS - 1)
#define SMALL_INT_MAX ((rt_int_t)(((rt_uint_t)1 << (SMALL_INT_BITS - 1)) - 1))
#define SMALL_INT_MIN (-SMALL_INT_MAX - 1)

static inline bool obj_is_small_int(obj_t o) {
    return (o & 1) != 0;
}
static inline rt_int_t small_int_value(obj_t o) {
    return ((rt_int_t)o) >> 1;
}
static inline obj_t small_int(rt_int_t v) {
    return (obj_t)(((rt_uint_t)v << 1) | 1);
}
static inline bool small_int_fits(rt_int_t v) {
    return (((rt_uint_t)v ^ ((rt_uint_t)v << 1)) & ((rt_uint_t)1 << (RT_WORD_BITS - 1))) == 0;
}
static inline bool obj_is_qstr(obj_t o) {
    return (o & 7) == 2;
}
static inline qstr_t qstr_value(obj_t o) {
    return (qstr_t)(o >> 3);
}
static inline obj_t obj_qstr(qstr_t q) {
    return ((obj_t)q << 3) | 2;
}
static inline bool obj_is_immediate(obj_t o) {
    return (o & 7) == 6;
}
static inline bool obj_is_ptr(obj_t o) {
    return (o & 3) == 0;
}
#define OBJ_QSTR(q) (((obj_t)(q) << 3) | 2)
#define OBJ_SMALL_INT(v) ((obj_t)((((rt_uint_t)(v)) << 1) | 1))
#define OBJ_FROM_PTR(p) ((obj_t)(p))
#define OBJ_TO_PTR(o) ((void *)(o))

// ---------------------------------------------------------------------------
// Runtime qstrs: the .mpy static qstrs (util.h's QSTR_*), then the names the
// runtime itself needs (runtime/qstrs.def, Q_* here), then interned strings.
enum {
    Q_FIRST_RUNTIME = QSTR_NUM_STATIC - 1,
#define Q(id, text) Q_##id,
#include "qstrs.def"
#undef Q
    Q_NUM_BUILTIN,
};

void rtq_init(void);
qstr_t rtq_intern(const char *s, size_t len);
qstr_t rtq_intern_cstr(const char *s);
// QSTR_NULL when the bytes were never interned.
qstr_t rtq_find(const char *s, size_t len);
const char *rtq_str(qstr_t q);
size_t rtq_len(qstr_t q);
uint32_t rtq_hash(qstr_t q);
// The hash of str/bytes contents, as MicroPython computes it (16 bits, never 0).
uint32_t rt_str_hash(const uint8_t *data, size_t len);

// ---------------------------------------------------------------------------
// Output. A print_t writes bytes somewhere: the console or a vstr.
typedef struct print {
    void *data;
    void (*write)(void *data, const char *s, size_t len);
} print_t;

typedef enum print_kind {
    PRINT_STR,
    PRINT_REPR,
    PRINT_EXC,   // exception as a traceback's last line shows it
} print_kind_t;

extern const print_t print_stdout;
extern const print_t print_stderr;
void print_strn(const print_t *p, const char *s, size_t len);
void print_str(const print_t *p, const char *s);
void print_printf(const print_t *p, const char *fmt, ...);
void print_vprintf(const print_t *p, const char *fmt, va_list ap);

// vstr_t: a growable byte string on the GC heap (for building str results).
typedef struct vstr {
    size_t len;
    size_t alloc;
    char *buf;
} vstr_t;

void vstr_init(vstr_t *v, size_t alloc);
void vstr_clear(vstr_t *v);
char *vstr_extend(vstr_t *v, size_t n);
void vstr_add_strn(vstr_t *v, const char *s, size_t len);
void vstr_add_str(vstr_t *v, const char *s);
void vstr_add_byte(vstr_t *v, uint8_t b);
void vstr_add_char(vstr_t *v, uint32_t codepoint);
void vstr_printf(vstr_t *v, const char *fmt, ...);
void vstr_print_init(vstr_t *v, print_t *p);

// ---------------------------------------------------------------------------
// Non-local return (exceptions). nlr_push returns 0 first, then nonzero when
// an exception arrives, with the exception in buf.ret_val.
typedef struct nlr_buf {
    struct nlr_buf *prev;
    obj_t ret_val;
#if RT_NLR_LIBC
    jmp_buf jmp;
#else
    void *jmp[5];
#endif
} nlr_buf_t;

void nlr_push_tail(nlr_buf_t *buf);
void nlr_pop(void);
noreturn void nlr_jump(obj_t exc);
#if RT_NLR_LIBC
#define nlr_push(buf) (nlr_push_tail(buf), setjmp((buf)->jmp))
#else
#define nlr_push(buf) (nlr_push_tail(buf), __builtin_setjmp((buf)->jmp))
#endif

// ---------------------------------------------------------------------------
// The garbage-collected heap (gc.c).
void gc_init(void *start, size_t size);
// Zeroed memory, or NULL when the heap is full even after a collection.
void *gc_alloc_maybe(size_t n);
// Zeroed memory; raises MemoryError when the heap is full.
void *gc_alloc(size_t n);
void *gc_realloc(void *ptr, size_t n);
void gc_free(void *ptr);
size_t gc_nbytes(const void *ptr);
void gc_collect(void);
void gc_mark_block(const void *ptr);
void gc_mark_words(const void *start, size_t n_words);
void gc_lock(void);
void gc_unlock(void);
bool gc_is_locked(void);
typedef struct gc_info {
    size_t total;
    size_t used;
    size_t free;
    size_t max_free;
    size_t n_collections;
} gc_info_t;
void gc_get_info(gc_info_t *info);
#define rt_new(type) ((type *)gc_alloc(sizeof(type)))
#define rt_new_var(type, item, n) ((type *)gc_alloc(sizeof(type) + sizeof(item) * (n)))

// ---------------------------------------------------------------------------
// Types.
typedef struct type type_t;
typedef struct obj_base {
    const type_t *type;
} obj_base_t;

// An iterator built on the caller's stack: 4 words, the first a type.
typedef struct iter_buf {
    obj_base_t base;
    obj_t words[3];
} iter_buf_t;
#define ITER_BUF_NSLOTS 4

typedef struct buffer_info {
    void *buf;
    size_t len;
    int typecode;
} buffer_info_t;
enum {
    BUFFER_READ = 1,
    BUFFER_WRITE = 2,
};

typedef void (*print_fn_t)(const print_t *p, obj_t o, print_kind_t kind);
typedef obj_t (*make_new_fn_t)(const type_t *type, size_t n_args, size_t n_kw, const obj_t *args);
typedef obj_t (*call_fn_t)(obj_t fun, size_t n_args, size_t n_kw, const obj_t *args);
typedef obj_t (*unary_op_fn_t)(int op, obj_t o);
typedef obj_t (*binary_op_fn_t)(int op, obj_t lhs, obj_t rhs);
typedef void (*attr_fn_t)(obj_t self, qstr_t attr, obj_t *dest);
typedef obj_t (*subscr_fn_t)(obj_t self, obj_t index, obj_t value);
typedef obj_t (*getiter_fn_t)(obj_t self, iter_buf_t *buf);
typedef obj_t (*iternext_fn_t)(obj_t self);
typedef bool (*buffer_fn_t)(obj_t self, buffer_info_t *info, int flags);

enum {
    TYPE_FLAG_USER = 0x0001,          // a class made by a class statement
    TYPE_FLAG_BINDS_SELF = 0x0002,    // functions: become methods on lookup
    TYPE_FLAG_MULTI_BASE = 0x0004,    // `parent` is a tuple of bases
    TYPE_FLAG_HAS_DESCRIPTORS = 0x0008, // class has properties or __getattr__ etc.
    TYPE_FLAG_EQ_BY_ID = 0x0010,      // == is identity unless overridden
    TYPE_FLAG_ITER_SELF = 0x0020,     // iter(x) is x
    TYPE_FLAG_EXC = 0x0040,           // derives from BaseException
    TYPE_FLAG_SUBCLASSED = 0x0080,
};

typedef struct map map_t;
typedef struct obj_dict obj_dict_t;

struct type {
    obj_base_t base;
    uint16_t flags;
    qstr_t name;
    print_fn_t print;
    make_new_fn_t make_new;
    call_fn_t call;
    unary_op_fn_t unary_op;
    binary_op_fn_t binary_op;
    attr_fn_t attr;
    subscr_fn_t subscr;
    getiter_fn_t getiter;
    iternext_fn_t iternext;
    buffer_fn_t buffer;
    const void *protocol;
    const void *parent;   // type_t *, or an obj_tuple_t * with TYPE_FLAG_MULTI_BASE
    obj_dict_t *locals;
};

static inline const type_t *obj_type(obj_t o);
extern const type_t type_type, type_object, type_none, type_bool, type_int, type_float,
    type_str, type_bytes, type_bytearray, type_memoryview, type_tuple, type_list, type_dict,
    type_set, type_frozenset, type_range, type_slice, type_ellipsis, type_fun_bc,
    type_fun_builtin, type_bound_meth, type_cell, type_module, type_gen,
    type_property, type_staticmethod, type_classmethod, type_super, type_not_implemented,
    type_array, type_enumerate, type_zip, type_map, type_filter, type_reversed,
    type_dict_view, type_stringio, type_bytesio, type_deque, type_ordereddict, type_complex;

static inline const type_t *obj_type(obj_t o) {
    if (obj_is_small_int(o)) {
        return &type_int;
    }
    if (obj_is_qstr(o)) {
        return &type_str;
    }
    if (obj_is_immediate(o)) {
        return o == OBJ_NONE ? &type_none : &type_bool;
    }
    return ((const obj_base_t *)o)->type;
}
static inline bool obj_is_type(obj_t o, const type_t *t) {
    return obj_is_ptr(o) && o != OBJ_NULL && ((const obj_base_t *)o)->type == t;
}
static inline bool obj_is_str(obj_t o) {
    return obj_is_qstr(o) || obj_is_type(o, &type_str);
}
static inline bool obj_is_int(obj_t o);
static inline bool obj_is_instance_type(const type_t *t) {
    return (t->flags & TYPE_FLAG_USER) != 0;
}

// Helpers for defining ROM tables.
typedef struct map_elem {
    obj_t key;
    obj_t value;
} map_elem_t;

struct map {
    size_t all_keys_are_qstrs : 1;
    size_t is_fixed : 1;
    size_t is_ordered : 1;
    size_t used : (8 * sizeof(size_t) - 3);
    size_t alloc;
    map_elem_t *table;
};

struct obj_dict {
    obj_base_t base;
    map_t map;
};

#define ROM_DICT(name, table_name)                                                      \
    obj_dict_t name = {                                                                  \
        {&type_dict},                                                                    \
        {1, 1, 1, sizeof(table_name) / sizeof(map_elem_t),                               \
         sizeof(table_name) / sizeof(map_elem_t), (map_elem_t *)(table_name)},           \
    }
#define ROM_ENTRY(q, v) {OBJ_QSTR(q), (obj_t)(v)}
#define ROM_PTR(p) ((obj_t)(p))

// ---------------------------------------------------------------------------
// Maps and dicts (map.c, objdict.c). Open addressing with MicroPython's
// probing and growth, so iteration order matches the reference VM.
typedef enum map_lookup {
    MAP_LOOKUP,
    MAP_LOOKUP_ADD_IF_NOT_FOUND,
    MAP_LOOKUP_REMOVE_IF_FOUND,
} map_lookup_t;

void map_init(map_t *m, size_t n);
void map_init_fixed(map_t *m, size_t n, const obj_t *kw_pairs);
void map_clear(map_t *m);
map_elem_t *map_lookup(map_t *m, obj_t key, map_lookup_t kind);
// Fast path for qstr keys in a map (attribute lookups).
map_elem_t *map_lookup_qstr(const map_t *m, qstr_t q);
static inline bool map_slot_filled(const map_t *m, size_t i) {
    return m->table[i].key != OBJ_NULL && m->table[i].key != OBJ_SENTINEL;
}

typedef struct set {
    size_t alloc;
    size_t used;
    obj_t *table;
} set_t;
void set_init(set_t *s, size_t n);
obj_t set_lookup(set_t *s, obj_t key, map_lookup_t kind);
obj_t set_remove_first(set_t *s);
void set_clear(set_t *s);

obj_t dict_new(size_t n);
void dict_store(obj_t d, obj_t key, obj_t value);
obj_t dict_get(obj_t d, obj_t key);   // OBJ_NULL when missing
void dict_delete(obj_t d, obj_t key);
map_t *dict_map(obj_t d);
size_t dict_len(obj_t d);
obj_t dict_copy(obj_t d);

// ---------------------------------------------------------------------------
// Objects.
typedef struct obj_float {
    obj_base_t base;
    rt_float_t value;
} obj_float_t;

typedef struct obj_str {
    obj_base_t base;
    uint32_t hash;     // 0 until computed; see STR_HASH_MASK
    size_t len;        // bytes
    const uint8_t *data;
} obj_str_t;

// obj_str_t.hash: the 16-bit hash (0 until computed) and whether the bytes
// are known to be ASCII. Static (ROM) strings have all of it filled in.
enum {
    STR_HASH_MASK = 0xffff,
    STR_ASCII_KNOWN = 0x10000,
    STR_ASCII_YES = 0x20000,
};

typedef struct obj_tuple {
    obj_base_t base;
    size_t len;
    obj_t items[];
} obj_tuple_t;

typedef struct obj_list {
    obj_base_t base;
    size_t len;
    size_t alloc;
    obj_t *items;
} obj_list_t;

typedef struct obj_set {
    obj_base_t base;
    set_t set;
} obj_set_t;

typedef struct obj_range {
    obj_base_t base;
    rt_int_t start;
    rt_int_t stop;
    rt_int_t step;
} obj_range_t;

typedef struct obj_slice {
    obj_base_t base;
    obj_t start;
    obj_t stop;
    obj_t step;
} obj_slice_t;

typedef struct obj_array {
    obj_base_t base;
    uint8_t typecode;   // 'B' for bytearray, or an array module code
    uint8_t is_readonly;
    size_t len;         // items
    size_t alloc;       // items
    uint8_t *items;
    obj_t owner;        // memoryview: the object viewed
} obj_array_t;

typedef struct obj_cell {
    obj_base_t base;
    obj_t value;
} obj_cell_t;

typedef struct obj_bound_meth {
    obj_base_t base;
    obj_t meth;
    obj_t self;
} obj_bound_meth_t;

typedef struct obj_module {
    obj_base_t base;
    obj_t globals;   // a dict
} obj_module_t;

typedef struct obj_instance {
    obj_base_t base;
    map_t members;
    obj_t subobj[];  // the native base object, when the class derives one
} obj_instance_t;

typedef struct obj_exc {
    obj_base_t base;
    obj_t args;         // a tuple
    size_t tb_len;      // words used in tb: (file qstr, line, block qstr) triples
    size_t tb_alloc;
    uintptr_t *tb;
} obj_exc_t;

typedef struct obj_wrapper {
    obj_base_t base;
    obj_t fun;
} obj_wrapper_t;   // staticmethod, classmethod

typedef struct obj_property {
    obj_base_t base;
    obj_t fget;
    obj_t fset;
    obj_t fdel;
} obj_property_t;

// Built-in functions. A ROM object names its C function and argument shape.
typedef enum fun_kind {
    FUN_0,
    FUN_1,
    FUN_2,
    FUN_3,
    FUN_VAR,      // positional only, n_min..n_max
    FUN_KW,       // positional and keyword
} fun_kind_t;

typedef obj_t (*fun_0_t)(void);
typedef obj_t (*fun_1_t)(obj_t);
typedef obj_t (*fun_2_t)(obj_t, obj_t);
typedef obj_t (*fun_3_t)(obj_t, obj_t, obj_t);
typedef obj_t (*fun_var_t)(size_t n, const obj_t *args);
typedef obj_t (*fun_kw_t)(size_t n, const obj_t *args, map_t *kw);

typedef struct obj_fun_builtin {
    obj_base_t base;
    uint8_t kind;
    uint8_t n_min;
    uint16_t n_max;
    union {
        fun_0_t f0;
        fun_1_t f1;
        fun_2_t f2;
        fun_3_t f3;
        fun_var_t var;
        fun_kw_t kw;
    } fun;
} obj_fun_builtin_t;

#define BUILTIN_FUN_0(name, f) const obj_fun_builtin_t name = {{&type_fun_builtin}, FUN_0, 0, 0, {.f0 = f}}
#define BUILTIN_FUN_1(name, f) const obj_fun_builtin_t name = {{&type_fun_builtin}, FUN_1, 1, 1, {.f1 = f}}
#define BUILTIN_FUN_2(name, f) const obj_fun_builtin_t name = {{&type_fun_builtin}, FUN_2, 2, 2, {.f2 = f}}
#define BUILTIN_FUN_3(name, f) const obj_fun_builtin_t name = {{&type_fun_builtin}, FUN_3, 3, 3, {.f3 = f}}
#define BUILTIN_FUN_VAR(name, lo, hi, f) \
    const obj_fun_builtin_t name = {{&type_fun_builtin}, FUN_VAR, lo, hi, {.var = f}}
#define BUILTIN_FUN_KW(name, lo, f) \
    const obj_fun_builtin_t name = {{&type_fun_builtin}, FUN_KW, lo, 0xffff, {.kw = f}}
#define ROM_STATICMETHOD(name, fun) const obj_wrapper_t name = {{&type_staticmethod}, ROM_PTR(fun)}
#define ROM_CLASSMETHOD(name, fun) const obj_wrapper_t name = {{&type_classmethod}, ROM_PTR(fun)}

// ---------------------------------------------------------------------------
// Bytecode functions, frames and modules.
// The first four words are laid out as MicroPython's mp_module_context_t
// because native code reads them (runtime/nativeglue.h checks the offsets).
// Initialise with designated initializers: the order may change.
typedef struct module_ctx {
    obj_base_t base;      // unused; keeps globals at word 1
    obj_t globals;        // the module's dict
    const uint16_t *qstr_short;  // as qstrs, for native code (NULL: none)
    const obj_t *consts;
    const qstr_t *qstrs;  // file qstr index -> runtime qstr
    size_t n_qstrs;
    size_t n_consts;
    qstr_t source_file;
} module_ctx_t;

typedef struct code {
    const uint8_t *bc;          // the first opcode
    const uint8_t *line_info;   // line-number table
    const uint8_t *line_info_end;
    const uint8_t *cells;       // local numbers that become cells
    uint16_t n_state;
    uint16_t n_exc_stack;
    uint8_t scope_flags;
    uint8_t n_pos_args;
    uint8_t n_kwonly_args;
    uint8_t n_def_pos_args;
    uint16_t n_cells;
    qstr_t name;
    const qstr_t *arg_names;    // n_pos_args + n_kwonly_args
    module_ctx_t *ctx;
    const struct code *const *children;
    size_t n_children;
    size_t bc_len;
    const struct native_code *native;  // machine code (nativeglue.h), or NULL
} code_t;

typedef struct obj_fun_bc {
    obj_base_t base;
    const code_t *code;
    obj_t defaults;     // tuple of positional defaults, or OBJ_NULL
    obj_t kwdefaults;   // dict, or OBJ_NULL
    size_t n_closed;
    obj_t closed[];
} obj_fun_bc_t;

typedef struct exc_entry {
    const uint8_t *handler;
    obj_t *val_sp;       // bit 1 set for SETUP_WITH / SETUP_FINALLY blocks
    obj_t prev_exc;
} exc_entry_t;

typedef struct frame {
    const obj_fun_bc_t *fun;
    const uint8_t *ip;
    obj_t *sp;
    exc_entry_t *exc_sp;   // the innermost handler; exc_stack - 1 when none
    uint16_t n_state;
    uint16_t n_exc;
    obj_t state[];         // n_state slots; then n_exc exc_entry_t
} frame_t;

static inline exc_entry_t *frame_exc_stack(frame_t *f) {
    return (exc_entry_t *)(f->state + f->n_state);
}
static inline size_t frame_size(const code_t *c) {
    return sizeof(frame_t) + c->n_state * sizeof(obj_t) + c->n_exc_stack * sizeof(exc_entry_t);
}

typedef enum vm_return {
    VM_RETURN_NORMAL,
    VM_RETURN_YIELD,
    VM_RETURN_EXCEPTION,
} vm_return_t;

// Runs (or resumes) a frame. With inject_exc set, raises it at the current
// instruction first. The result (return value, yielded value or exception)
// goes to *ret.
vm_return_t vm_execute(frame_t *f, obj_t inject_exc, obj_t *ret);
// Fills a fresh frame's state from call arguments (bc.c).
void fun_bc_setup_frame(frame_t *f, const obj_fun_bc_t *fun, size_t n_args, size_t n_kw,
                        const obj_t *args);
size_t code_line_of(const code_t *c, const uint8_t *ip);

typedef struct obj_gen {
    obj_base_t base;
    obj_t pend_exc;     // OBJ_NULL, or OBJ_SENTINEL while running
    bool is_coroutine;
    frame_t frame;      // variable length
} obj_gen_t;

// ---------------------------------------------------------------------------
// The VM's global state. Everything reachable from here is a GC root.
typedef struct rt_state {
    nlr_buf_t *nlr_top;
    obj_t builtins;          // dict of builtin names
    obj_t modules;           // sys.modules
    obj_t main_globals;
    obj_t sys_path;          // list
    obj_t sys_argv;          // list
    obj_t sys_stdout;
    obj_t sys_stderr;
    obj_t sys_stdin;
    obj_t cur_exc;           // the exception being handled (sys.exc_info)
    obj_t cur_locals;        // the dict LOAD_NAME/STORE_NAME use (module or class body)
    obj_t cur_globals;       // the running function's module dict (globals())
    obj_t stop_iter_value;   // what the last exhausted generator returned
    obj_t sys_module;
    void *qstr_table;        // the GC blocks of interned qstrs (qstr.c)
    void *qstr_entries;
    obj_t frozen_roots;      // list: what imported frozen modules keep on the heap
    char *stack_top;
    char *stack_limit;
    size_t depth;
    size_t max_depth;        // call levels before RuntimeError (rt_config_t)
} rt_state_t;

extern rt_state_t rt;

// ---------------------------------------------------------------------------
// Core operations (runtime.c, obj.c).
obj_t rt_call(obj_t fun, size_t n_args, size_t n_kw, const obj_t *args);
obj_t rt_call0(obj_t fun);
obj_t rt_call1(obj_t fun, obj_t a);
obj_t rt_call2(obj_t fun, obj_t a, obj_t b);
// Calls dest[0] with dest[1] as self (when not OBJ_NULL) and n_args more
// arguments from dest + 2.
obj_t rt_call_method(size_t n_args, size_t n_kw, const obj_t *dest);
// The CALL_*_VAR_KW forms: star arguments and ** mappings spread out.
obj_t rt_call_var_kw(bool have_self, rt_uint_t n_args_kw, const obj_t *args);
bool rt_callable(obj_t o);

void rt_load_attr_maybe(obj_t base, qstr_t attr, obj_t *dest);
obj_t rt_load_attr(obj_t base, qstr_t attr);
void rt_load_method(obj_t base, qstr_t attr, obj_t *dest);
void rt_load_method_maybe(obj_t base, qstr_t attr, obj_t *dest);
void rt_load_super_method(qstr_t attr, obj_t *dest);
void rt_store_attr(obj_t base, qstr_t attr, obj_t value);
void rt_delete_attr(obj_t base, qstr_t attr);
obj_t rt_convert_member_lookup(obj_t self, const type_t *type, obj_t member, obj_t *dest);

obj_t rt_unary_op(int op, obj_t o);
obj_t rt_binary_op(int op, obj_t lhs, obj_t rhs);
obj_t rt_subscr(obj_t base, obj_t index, obj_t value);
obj_t rt_getiter(obj_t o, iter_buf_t *buf);
// The getiter of a type whose objects are their own iterators (objiter.c).
obj_t obj_iter_self(obj_t self, iter_buf_t *buf);
// Returns OBJ_STOP_ITERATION at the end; may also raise StopIteration.
obj_t rt_iternext_allow_raise(obj_t it);
// Returns OBJ_STOP_ITERATION at the end, never raises StopIteration.
obj_t rt_iternext(obj_t it);
vm_return_t rt_resume(obj_t gen, obj_t send, obj_t throw_exc, obj_t *ret);
obj_t rt_make_raise_obj(obj_t o);
void rt_unpack_sequence(obj_t seq, size_t n, obj_t *items);
void rt_unpack_ex(obj_t seq, size_t n_in, obj_t *items);
obj_t rt_import_name(qstr_t name, obj_t fromlist, obj_t level);
obj_t rt_import_from(obj_t module, qstr_t name);
void rt_import_all(obj_t module, obj_t dest_dict);
obj_t rt_load_global(obj_t globals, qstr_t q);
obj_t rt_load_name(obj_t locals, obj_t globals, qstr_t q);
obj_t rt_load_build_class(void);
void rt_check_stack(void);

bool obj_is_true(obj_t o);
bool obj_equal(obj_t a, obj_t b);
rt_int_t obj_hash(obj_t o);
void obj_print(const print_t *p, obj_t o, print_kind_t kind);
obj_t obj_repr(obj_t o);
obj_t obj_str(obj_t o);
const char *obj_type_name(obj_t o);
qstr_t obj_type_qstr(obj_t o);
rt_int_t obj_get_int(obj_t o);
bool obj_get_int_maybe(obj_t o, rt_int_t *v);
rt_int_t obj_get_int_truncated(obj_t o);
rt_float_t obj_get_float(obj_t o);
bool obj_get_float_maybe(obj_t o, rt_float_t *v);
obj_t obj_len(obj_t o);
obj_t obj_len_maybe(obj_t o);
size_t obj_get_index(const type_t *t, size_t len, obj_t index, bool is_slice_ok);
// Returns false when index is out of range (caller raises its own error).
bool obj_get_index_maybe(size_t len, obj_t index, size_t *out);
void obj_get_array(obj_t o, size_t *len, obj_t **items);
void obj_get_array_fixed_n(obj_t o, size_t n, obj_t **items);
bool type_is_subclass(const type_t *t, const type_t *base);
bool obj_is_subclass(obj_t t, obj_t base);
bool obj_isinstance(obj_t o, const type_t *t);
const type_t *type_native_base(const type_t *t);
obj_t instance_native(obj_t o, const type_t *native);
bool obj_get_buffer(obj_t o, buffer_info_t *info, int flags);

// Integers (objint.c). Big ints are boxed; small ones tagged.
static inline bool obj_is_int(obj_t o) {
    extern const type_t type_int;
    return obj_is_small_int(o) || obj_is_type(o, &type_int);
}
obj_t int_from_ll(long long v);
obj_t int_from_ull(unsigned long long v);
obj_t int_from_str(const char *s, size_t len, int base, bool exact);
obj_t int_from_float(rt_float_t f);
obj_t int_binary_op(int op, obj_t lhs, obj_t rhs);
obj_t int_big_binary_op(int op, obj_t lhs, obj_t rhs);
bool int_to_ll_maybe(obj_t o, long long *v);
rt_float_t int_to_float(obj_t o);
void int_print(const print_t *p, obj_t o, int base, bool upper);
int int_sign(obj_t o);
obj_t int_from_bytes(const uint8_t *buf, size_t len, bool big_endian, bool is_signed);
bool int_to_bytes(obj_t o, uint8_t *buf, size_t len, bool big_endian, bool is_signed);
obj_t int_pow3(obj_t base, obj_t exp, obj_t mod);
rt_int_t int_hash(obj_t o);
obj_t int_format_radix(obj_t o, int base, const char *prefix, bool upper);

// Floats (objfloat.c).
obj_t float_new(rt_float_t v);
static inline rt_float_t float_value(obj_t o) {
    return ((const obj_float_t *)o)->value;
}
obj_t float_binary_op(int op, rt_float_t a, obj_t rhs_in);
obj_t float_binary_op_ff(int op, rt_float_t a, rt_float_t b);
void float_format(vstr_t *v, rt_float_t f, char fmt, int prec, int flags);
void float_repr(vstr_t *v, rt_float_t f);
rt_int_t float_hash(rt_float_t f);
obj_t float_parse(const char *s, size_t len, bool *ok);

// Strings and bytes (objstr.c, strfmt.c).
obj_t str_new(const type_t *t, const char *data, size_t len);
obj_t str_new_cstr(const char *s);
obj_t str_intern_new(const char *data, size_t len);
obj_t str_from_vstr(const type_t *t, vstr_t *v);
obj_t bytes_new(const uint8_t *data, size_t len);
const char *str_get_data(obj_t o, size_t *len);
const char *str_get_cstr(obj_t o);   // a NUL-terminated copy when needed
qstr_t str_get_qstr(obj_t o);
uint32_t str_hash(obj_t o);
bool str_equal(obj_t a, obj_t b);
void str_print_quoted(const print_t *p, const uint8_t *s, size_t len, bool is_bytes);
obj_t str_modulo_format(obj_t fmt, size_t n_args, const obj_t *args, obj_t dict);
obj_t str_format_method(size_t n_args, const obj_t *args, map_t *kw);
obj_t str_join(obj_t sep, obj_t seq);
size_t utf8_charlen(const uint8_t *s, size_t len);
const uint8_t *utf8_offset(const uint8_t *s, size_t len, size_t char_index);
uint32_t utf8_decode(const uint8_t **s);
bool obj_is_bytes_like(obj_t o);
obj_t str_binary_op(int op, obj_t lhs, obj_t rhs);

// Sequences and containers.
obj_t tuple_new(size_t n, const obj_t *items);
obj_t list_new(size_t n, const obj_t *items);
obj_t list_append(obj_t list, obj_t item);
void list_set_len(obj_t list, size_t len);
void list_sort(obj_t list, obj_t key, bool reverse);
obj_t list_from_iter(obj_t iterable);
obj_t tuple_from_iter(obj_t iterable);
obj_t set_new(const type_t *t, size_t n, const obj_t *items);
void set_store(obj_t s, obj_t item);
obj_t range_new(rt_int_t start, rt_int_t stop, rt_int_t step);
obj_t slice_new(obj_t start, obj_t stop, obj_t step);
typedef struct slice_bounds {
    rt_int_t start;
    rt_int_t stop;
    rt_int_t step;
} slice_bounds_t;
// Clamps a slice to a sequence of len items. Returns false when step != 1.
bool slice_indices(obj_t slice, size_t len, slice_bounds_t *out);
void slice_indices_any(obj_t slice, rt_int_t len, slice_bounds_t *out);
// For types that slice only with step 1 (tuple, str, bytes, array): clamps
// as slice_indices with stop >= start; raises NotImplementedError for
// another step.
void slice_indices_step1(obj_t slice, size_t len, slice_bounds_t *out);
obj_t bytearray_new(size_t n, const uint8_t *data);
obj_t array_new(char typecode, size_t n);
size_t array_item_size(char typecode);
obj_t array_get(char typecode, const void *items, size_t i);
void array_set(char typecode, void *items, size_t i, obj_t v);
obj_t seq_count(size_t len, const obj_t *items, obj_t value);
obj_t seq_index(const type_t *t, size_t len, const obj_t *items, size_t n_args, const obj_t *args);
bool seq_cmp_objs(int op, const obj_t *a, size_t na, const obj_t *b, size_t nb);
// `value in items`, as OBJ_TRUE or OBJ_FALSE.
obj_t seq_contains_obj(const obj_t *items, size_t len, obj_t value);
// A comparison of a sequence with an object of another type: == and != are
// False and True, an ordering is unsupported (OBJ_NULL: TypeError follows).
obj_t seq_cmp_other_type(int op);
bool seq_cmp_bytes(int op, const uint8_t *a, size_t na, const uint8_t *b, size_t nb);
obj_t seq_multiply_objs(const obj_t *items, size_t len, size_t times, obj_t (*make)(size_t, const obj_t *));
// a + b as a new sequence from make (list_new or tuple_new).
obj_t seq_concat_objs(const obj_t *a, size_t na, const obj_t *b, size_t nb, obj_t (*make)(size_t, const obj_t *));
obj_t dict_view_new(obj_t dict, int kind);
obj_t dict_fromkeys(obj_t iterable, obj_t value);

// Functions, methods, cells, classes.
obj_t fun_bc_new(const code_t *code, obj_t defaults, obj_t kwdefaults, size_t n_closed,
                 const obj_t *closed);
obj_t bound_meth_new(obj_t meth, obj_t self);
obj_t cell_new(obj_t value);
obj_t gen_new(const obj_fun_bc_t *fun, size_t n_args, size_t n_kw, const obj_t *args);
obj_t module_new(qstr_t name);
obj_t type_new(qstr_t name, obj_t bases, obj_t locals);
obj_t instance_new(const type_t *t);
qstr_t fun_name(obj_t fun);
// True when `method` is defined on the class (not just inherited from object).
bool type_lookup(const type_t *t, qstr_t attr, obj_t *dest_value);

// Exceptions (objexc.c). The exception types are ROM objects.
extern const type_t type_BaseException, type_Exception, type_ArithmeticError,
    type_AssertionError, type_AttributeError, type_EOFError, type_GeneratorExit,
    type_ImportError, type_IndexError, type_KeyError, type_KeyboardInterrupt,
    type_LookupError, type_MemoryError, type_NameError, type_NotImplementedError,
    type_OSError, type_OverflowError, type_RuntimeError, type_StopIteration,
    type_StopAsyncIteration, type_SyntaxError, type_SystemExit, type_TypeError,
    type_ValueError, type_ZeroDivisionError, type_UnicodeError, type_IndentationError,
    type_CancelledError, type_TimeoutError;
obj_t exc_new(const type_t *t, size_t n_args, const obj_t *args);
obj_t exc_new_msg(const type_t *t, const char *msg);
obj_t exc_new_msg_fmt(const type_t *t, const char *fmt, ...);
noreturn void rt_raise(const type_t *t, const char *msg);
noreturn void rt_raise_fmt(const type_t *t, const char *fmt, ...);
noreturn void rt_raise_obj(obj_t exc);
noreturn void rt_raise_type_error(const char *msg);
noreturn void rt_raise_value_error(const char *msg);
noreturn void rt_raise_stop_iteration(obj_t value);
noreturn void rt_raise_memory_error(void);
noreturn void rt_raise_not_impl(const char *msg);
bool obj_is_exception_instance(obj_t o);
bool obj_is_exception_type(obj_t o);
obj_exc_t *exc_native(obj_t o);
void exc_add_traceback(obj_t exc, qstr_t file, size_t line, qstr_t block);
void exc_clear_traceback(obj_t exc);
void exc_print_traceback(const print_t *p, obj_t exc);
obj_t exc_get_value(obj_t exc);   // StopIteration's value
bool exc_match(obj_t exc, obj_t type_or_tuple);
extern const obj_exc_t exc_memory_error_obj;

// Builtins and modules.
extern obj_dict_t builtins_dict;
extern const obj_module_t module_sys, module_micropython, module_gc, module_math,
    module_struct, module_collections, module_io, module_json, module_builtins,
    module_time, module_array, module_binascii, module_heapq, module_random, module_errno,
    module_os;
obj_t builtins_find_module(qstr_t name);
obj_t builtin_print(size_t n, const obj_t *args, map_t *kw);
obj_t builtin_sorted(size_t n, const obj_t *args, map_t *kw);
obj_t builtin_next(obj_t it);
void mod_sys_init(int argc, char **argv);
obj_t rt_import_mpy_data(qstr_t module_name, const uint8_t *data, size_t len, obj_t globals);
// Loads .mpy bytes into a code tree whose functions see `globals`, without
// running it (eval, exec, compile()). The bytes may be freed afterwards.
code_t *rt_load_mpy_code(const uint8_t *data, size_t len, obj_t globals);
// Runs a module's outermost code with `locals` as its top-level name space
// and `globals` as the current globals, and returns what the code returns.
// The caller's locals and globals come back on every path.
obj_t rt_run_module_code(const code_t *code, obj_t globals, obj_t locals);
obj_t rt_module_get_globals(obj_t module);
// The exit status for an exception that reached the top of the main
// program: SystemExit's code (0 for None, the low 8 bits of an int, else
// 1 after printing it), or 1 after printing the traceback.
int rt_uncaught_status(obj_t exc);
bool rt_is_const_obj(obj_t o);

// Formatting helpers shared by str %, format and print.
void fmt_int(vstr_t *v, obj_t i, int base, char sign, int width, char fill, char align,
             bool alt, bool upper, int prec);
void fmt_pad(vstr_t *v, const char *s, size_t len, int width, char fill, char align);

// Keyword-argument parsing for builtin functions.
typedef struct arg_spec {
    qstr_t name;
    uint8_t flags;   // ARG_REQUIRED, ARG_KW_ONLY
    obj_t def;       // default (OBJ_NULL = none given)
} arg_spec_t;
enum {
    ARG_REQUIRED = 1,
    ARG_KW_ONLY = 2,
};
void arg_parse(size_t n_pos, const obj_t *pos, map_t *kw, size_t n_spec, const arg_spec_t *spec,
               obj_t *out);
void arg_check_num(size_t n_args, size_t n_kw, size_t n_min, size_t n_max, bool takes_kw);
obj_t fun_builtin_call(obj_t self, size_t n_args, size_t n_kw, const obj_t *args);

// Unary and binary op numbers (from mpyformat/ops.def).
enum {
#define UNARY(name, n, meth) OP_##name = n,
#define BINARY(name, n, meth, sym)
#include "../mpyformat/ops.def"
#undef UNARY
#undef BINARY
};
enum {
#define UNARY(name, n, meth)
#define BINARY(name, n, meth, sym) OP_##name = n,
#include "../mpyformat/ops.def"
#undef UNARY
#undef BINARY
};
_Static_assert(OP_INPLACE_POWER - OP_INPLACE_OR == OP_POWER - OP_OR, "in-place ops must parallel the plain ones");

// The plain operator an in-place one falls back on (x += y as x + y);
// other ops unchanged.
static inline int rt_op_without_inplace(int op) {
    if (op >= OP_INPLACE_OR && op <= OP_INPLACE_POWER) {
        return op + (OP_OR - OP_INPLACE_OR);
    }
    return op;
}

extern const obj_t rt_const_empty_tuple;
extern const obj_tuple_t rt_empty_tuple_obj;
extern const obj_base_t rt_ellipsis_obj, rt_not_implemented_obj;
#define OBJ_ELLIPSIS ((obj_t)&rt_ellipsis_obj)
#define OBJ_NOT_IMPLEMENTED ((obj_t)&rt_not_implemented_obj)
#define OBJ_EMPTY_TUPLE ((obj_t)&rt_empty_tuple_obj)

#endif // RUNTIME_OBJ_H
