// runtime/frozen.h: modules frozen into the firmware image by mpy-freeze.
// Two audiences: a port's main (run the frozen `main` module, list what is
// frozen) and the C file mpy-freeze generates (the data types below). The
// generated file defines `rt_frozen_table`; a program linked without one
// gets the empty default (runtime/frozen_none.c), so libmpyvm never needs a
// generated file to link.
//
// Frozen modules run in place: bytecode, code_t records, qstr maps, new qstr
// texts and most constants are `const` and stay in flash. The RAM a frozen
// module needs is its module_ctx_t (one per module, static, for the globals
// pointer), its globals dict at import, and the few constants that cannot
// be static objects (big ints, floats, complex numbers: see `lazy`).
//
// Import finds frozen modules at the ".frozen" entry of sys.path, as
// MicroPython does (mpy-vm puts it after the script's folder; the frozen
// main runner uses [".frozen"] alone).
#ifndef RUNTIME_FROZEN_H
#define RUNTIME_FROZEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obj.h"

// ---------------------------------------------------------------------------
// For ports.

// Runs the frozen module `name` (dotted) as the main program: __name__ is
// "__main__", sys.path is [".frozen"] unless already set. Uncaught
// exceptions print their traceback. Returns the exit status as rt_run_file
// does: 0, 1 after an uncaught exception, the value given to sys.exit(), or
// 2 when no frozen module has that name. Call after rt_init().
int rt_frozen_run(const char *name);
// rt_frozen_run("main"): what a VM-only firmware's main calls.
int rt_frozen_run_main(void);
// Number of frozen modules and the dotted name of the i-th (sorted order).
size_t rt_frozen_count(void);
const char *rt_frozen_name(size_t i);

// ---------------------------------------------------------------------------
// For runtime/ (import hook and qstr pool).

// Imports the frozen module or package named full_name: makes the module,
// enters it in sys.modules and runs it (removing it again if that raises).
// Returns OBJ_NULL when nothing frozen has that name. Called by import for
// the ".frozen" entry of sys.path.
obj_t rt_frozen_import(qstr_t full_name);

// Frozen qstrs take the ids right after the runtime's built-in ones.
qstr_t rt_frozen_qstr_end(void);    // first id after the frozen qstrs
qstr_t rt_frozen_qstr_find(const char *s, size_t len, uint32_t hash);  // QSTR_NULL if absent

// ---------------------------------------------------------------------------
// The generated data. mpy-freeze writes these; nothing else should.

// The id of the k-th new qstr of the frozen image.
#define RT_FROZEN_QSTR(k) ((qstr_t)(Q_NUM_BUILTIN + (k)))

typedef struct rt_frozen_qstr {
    const char *str;     // NUL-terminated
    uint32_t len;
    uint32_t hash;       // rt_str_hash of the bytes
} rt_frozen_qstr_t;

// A static str or bytes object: the hash and "is ASCII" bits that objstr.c
// would otherwise compute on first use (flash cannot be written).
#define RT_FROZEN_STR_HASH(hash, is_ascii) \
    ((uint32_t)(hash) | STR_ASCII_KNOWN | ((is_ascii) ? STR_ASCII_YES : 0))

typedef struct rt_frozen_module {
    const char *name;            // dotted: "pkg.sub.mod"; "pkg" for pkg/__init__.py
    const char *file;            // __file__: the source name stored in the module
    bool is_package;
    module_ctx_t *ctx;           // static RAM: globals filled at import
    const code_t *code;          // the module's outermost code
    // Constants that cannot be static objects, in .mpy constant encoding:
    // for each, a varint slot number then the object. Built at import into
    // a heap copy of the constant table.
    const uint8_t *lazy;
    size_t lazy_len;
} rt_frozen_module_t;

typedef struct rt_frozen_table {
    uint32_t n_builtin_qstrs;          // Q_NUM_BUILTIN the image was made for
    size_t n_modules;
    const rt_frozen_module_t *modules; // sorted by name (strcmp)
    size_t n_qstrs;                    // ids RT_FROZEN_QSTR(0 .. n_qstrs - 1)
    const rt_frozen_qstr_t *qstrs;
    size_t qstr_table_size;            // power of two, or 0
    const uint16_t *qstr_table;        // by hash, open addressing: index + 1, 0 empty
} rt_frozen_table_t;

extern const rt_frozen_table_t rt_frozen_table;

#endif // RUNTIME_FROZEN_H
