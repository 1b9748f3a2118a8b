// util/util.h: the small pieces every stage shares: growable byte buffers,
// arenas for one compilation's allocations, diagnostics recorded as values,
// string interning (qstrs) and the .mpy variable-length integer.
// Nothing here prints or exits; callers decide what to do with failures.
#ifndef UTIL_UTIL_H
#define UTIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// ---------------------------------------------------------------------------
// buf_t: a growable byte buffer owned by the caller.
// On allocation failure the buffer sets `failed`, keeps its old contents and
// ignores further appends; check `failed` once at the end.
typedef struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool failed;
} buf_t;

void buf_init(buf_t *b);
void buf_deinit(buf_t *b);
void buf_reset(buf_t *b);
// Makes room for n more bytes and returns where they go (NULL on failure).
uint8_t *buf_extend(buf_t *b, size_t n);
void buf_append(buf_t *b, const void *data, size_t n);
void buf_byte(buf_t *b, uint8_t v);
void buf_str(buf_t *b, const char *s);
// printf-style append; the text is not NUL-terminated inside the buffer.
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Appends v as an .mpy varint: 7 bits a byte, most significant group first,
// bit 7 set on every byte but the last.
void buf_vuint(buf_t *b, uint64_t v);
// Number of bytes buf_vuint writes for v.
size_t util_vuint_size(uint64_t v);

// ---------------------------------------------------------------------------
// arena_t: bump allocation for one compilation. Freeing the arena frees all.
// Allocations are 16-byte aligned and zeroed. Returns NULL only when the
// system is out of memory (and records it in `failed`).
typedef struct arena_block arena_block_t;
typedef struct arena {
    arena_block_t *head;
    size_t used_total;
    bool failed;
} arena_t;

void arena_init(arena_t *a);
void arena_deinit(arena_t *a);
void *arena_alloc(arena_t *a, size_t n);
// Copies n bytes into the arena and adds a NUL after them.
char *arena_strndup(arena_t *a, const char *s, size_t n);

// ---------------------------------------------------------------------------
// diag_t: the first error of an operation. Later reports are ignored so one
// mistake does not bury itself under a cascade.
enum {
    DIAG_MSG_MAX = 256,
};

typedef enum diag_kind {
    DIAG_NONE = 0,
    DIAG_SYNTAX_ERROR,     // Python SyntaxError: printed as a traceback
    DIAG_INDENT_ERROR,     // IndentationError (a SyntaxError subclass)
    DIAG_VALUE_ERROR,      // ValueError raised by the compiler
    DIAG_NOT_IMPLEMENTED,  // NotImplementedError raised by the compiler
    DIAG_RUNTIME_ERROR,    // RuntimeError raised by the compiler
    DIAG_OVERFLOW_ERROR,   // OverflowError raised by the compiler
    DIAG_VIPER_TYPE_ERROR, // ViperTypeError raised by the native emitter
    DIAG_MEMORY_ERROR,     // MemoryError: out of memory
    DIAG_IO_ERROR,         // a file could not be read or written
    DIAG_FORMAT_ERROR,     // malformed input file (byte offset in `offset`)
    DIAG_USAGE_ERROR,      // bad option or argument
} diag_kind_t;

typedef struct diag {
    diag_kind_t kind;
    const char *file;   // not owned; NULL when unknown
    int line;           // 0 when unknown
    long offset;        // byte offset for file-format errors, -1 when unknown
    // For compile errors: the scope the error is in ("<module>", "f",
    // "<lambda>"), shown as ", in NAME" in the traceback; empty for lexer
    // and parser errors, whose traceback line has no ", in" part.
    char scope[64];
    char msg[DIAG_MSG_MAX];
} diag_t;

void diag_init(diag_t *d, const char *file);
bool diag_failed(const diag_t *d);
// Records an error unless one is already recorded. Returns false so callers
// can write `return diag_error(...)`.
bool diag_error(diag_t *d, diag_kind_t kind, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool diag_error_at(diag_t *d, long offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// ---------------------------------------------------------------------------
// qstr: interned strings. Ids below QSTR_NUM_STATIC are the VM's static qstrs
// in the order .mpy files encode them (mpyformat/static_qstrs.def), so a
// static qstr's id is also its .mpy static index. Id 0 is the empty
// "null" qstr, never stored in a file.
typedef uint32_t qstr_t;

enum {
#define Q(id, text) QSTR_##id,
    QSTR_NULL,
#include "../mpyformat/static_qstrs.def"
#undef Q
    QSTR_NUM_STATIC,
};

typedef struct qstr_pool qstr_pool_t;

// A pool holds the static qstrs plus every string interned since. Pools are
// independent: each compilation or VM may use its own.
qstr_pool_t *qstr_pool_new(void);
void qstr_pool_free(qstr_pool_t *p);
// Returns the id for the bytes (interning a copy), or QSTR_NULL when out of
// memory.
qstr_t qstr_intern(qstr_pool_t *p, const char *s, size_t len);
qstr_t qstr_intern_cstr(qstr_pool_t *p, const char *s);
// Returns the id of the bytes if interned, else QSTR_NULL.
qstr_t qstr_find(const qstr_pool_t *p, const char *s, size_t len);
const char *qstr_str(const qstr_pool_t *p, qstr_t q);
size_t qstr_len(const qstr_pool_t *p, qstr_t q);
// The hash MicroPython computes for a qstr (used by the VM's dict order).
uint32_t qstr_compute_hash(const uint8_t *data, size_t len);
// Text of a static qstr without a pool (NULL when q is not static).
const char *qstr_static_str(qstr_t q);
bool qstr_is_static(qstr_t q);

// ---------------------------------------------------------------------------
// Whole files.
// Reads a file into a malloc'd buffer (caller frees). On failure records a
// DIAG_IO_ERROR naming the path and the system's reason.
uint8_t *util_read_file(const char *path, size_t *len_out, diag_t *d);
// Reads an open descriptor to its end the same way; `what` names it in the
// error ("standard input" gives "can't read standard input: ...").
uint8_t *util_read_fd(int fd, const char *what, size_t *len_out, diag_t *d);
// Writes data to path through a temporary file in the same directory and a
// rename, so readers never see a partial file. Records DIAG_IO_ERROR.
bool util_write_file_atomic(const char *path, const uint8_t *data, size_t len, diag_t *d);

#endif // UTIL_UTIL_H
