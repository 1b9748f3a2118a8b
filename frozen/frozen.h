// frozen/frozen.h: the freezer. Collects modules (.py compiled in process,
// precompiled .mpy, directory trees, manifest.py files evaluated in our own
// VM) and writes them as one C file that runtime/frozen.c runs in place.
//
// The frozen representation, and why. The VM's loader copies a .mpy onto the
// heap as code_t records, a qstr map and a constant table (runtime/obj.h);
// the generated C defines those same records as `const` data instead, so
// the interpreter, which already takes `const code_t *` and reads bytecode
// through `const uint8_t *`, runs them unchanged:
// - per function: the raw code bytes (prelude, line table, opcodes) and a
//   `const code_t` pointing into them, its argument-name and child tables;
// - per module: a `const qstr_t` map from the file's qstr indices to runtime
//   ids: the runtime's built-in qstrs by their symbolic names (QSTR_x,
//   Q_x), new ones as RT_FROZEN_QSTR(k), whose texts form one const pool
//   with a const hash table that runtime/qstr.c searches before interning;
// - constants as static const objects where the object model allows (str,
//   bytes, small int, None/True/False/Ellipsis, tuples of these); big ints,
//   floats and complex numbers depend on the target's word and float size,
//   so they are kept in their .mpy encoding and built once at import (the
//   module then uses a heap copy of its constant table);
// - the only RAM is one module_ctx_t per module (its globals pointer).
// This couples the generator to the runtime through runtime/frozen.h and
// the record types only; the interpreter and loader know nothing of it.
#ifndef FROZEN_FROZEN_H
#define FROZEN_FROZEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../mpyformat/mpyformat.h"
#include "../util/util.h"

typedef enum freeze_kind {
    FREEZE_PY,    // compiled by our compiler
    FREEZE_MPY,   // read as it is
} freeze_kind_t;

typedef struct freeze_entry {
    char *path;          // the file on disk
    char *target;        // "pkg/sub/mod.py": the source name, gives the module name
    char *name;          // "pkg.sub.mod"; "pkg" for pkg/__init__.py
    bool is_package;
    freeze_kind_t kind;
    int opt;             // -O for this file; -1 for the freezer's default
    // After freezer_compile:
    mpy_file_t mpy;
    size_t mpy_len;
} freeze_entry_t;

typedef struct freeze_var {
    char *name;          // $(NAME) in manifest paths
    char *value;
} freeze_var_t;

// The highest RT_LEVEL of runtime/config.h the freezer knows the qstrs of.
#define FREEZE_MAX_RT_LEVEL 2

typedef struct freezer {
    arena_t arena;       // every string and parsed file
    freeze_entry_t *entries;
    size_t n_entries;
    size_t cap_entries;
    char **lib_dirs;     // require() searches these, in order
    size_t n_lib_dirs;
    freeze_var_t *vars;
    size_t n_vars;
    int opt_level;              // default -O
    unsigned small_int_bits;    // of the target (31 unless told)
    int rt_level;               // the runtime's RT_LEVEL, 0..FREEZE_MAX_RT_LEVEL (its qstrs)
    size_t max_module_size;     // bytes of code and data per module; 0 = no limit
    // Called after each module compiles (progress lines), may be NULL.
    void (*progress)(void *ctx, size_t done, size_t total, const freeze_entry_t *e);
    void *progress_ctx;
} freezer_t;

void freezer_init(freezer_t *f);
void freezer_deinit(freezer_t *f);
bool freezer_add_lib_dir(freezer_t *f, const char *dir, diag_t *d);
// Sets $(NAME) for manifest paths ("NAME=VALUE").
bool freezer_set_var(freezer_t *f, const char *assignment, diag_t *d);

// Adds one file as module `target` ("pkg/mod.py"). The file must exist.
// Adding the same file under the same name twice is allowed; a different
// file under a name already taken is a name clash. opt -1: default.
bool freezer_add_file(freezer_t *f, const char *path, const char *target, int opt, diag_t *d);
// Adds every .py and .mpy under dir; module names are the paths below dir.
bool freezer_add_tree(freezer_t *f, const char *dir, const char *prefix, int opt, diag_t *d);
// Adds a command-line input: a .py or .mpy file (named after its base
// name), a directory (a tree), or a manifest (see freezer_is_manifest).
bool freezer_add_input(freezer_t *f, const char *path, diag_t *d);
// True for files named manifest.py or *_manifest.py / manifest_*.py.
bool freezer_is_manifest(const char *path);
// Evaluates a manifest.py in the VM (frozen/manifest_vm.c): freeze(),
// module(), package(), include(), require(), metadata(), options.
bool freezer_add_manifest(freezer_t *f, const char *path, diag_t *d);

// Compiles or reads every entry (sorted by module name) and checks the
// target's limits. Errors name the file.
bool freezer_compile(freezer_t *f, diag_t *d);

typedef struct freeze_size {
    size_t bytecode;     // raw code bytes
    size_t records;      // code_t records, argument and child tables
    size_t qstr_map;     // the module's qstr-index table
    size_t qstr_text;    // new qstr texts first used by this module
    size_t consts;       // constant objects and table
} freeze_size_t;

// Flash cost of entry i (after freezer_compile) for a target with
// word_size-byte pointers.
void freezer_module_size(const freezer_t *f, size_t i, size_t word_size, freeze_size_t *out);

// Writes the C file (and, when header is not NULL, the header naming it)
// for the compiled entries. Deterministic: the same inputs give the same
// bytes.
bool freezer_write_c(const freezer_t *f, buf_t *c, buf_t *header, diag_t *d);

#endif // FROZEN_FROZEN_H
