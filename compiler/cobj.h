// compiler/cobj.h: constant objects as the compiler knows them: what a
// PN_CONST leaf holds, what constant folding computes, and what the emitter
// puts in a module's constant table (and mpy_write stores). Values live in
// the compilation's arena and never change once made.
#ifndef COMPILER_COBJ_H
#define COMPILER_COBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cobj_kind {
    COBJ_NONE,
    COBJ_FALSE,
    COBJ_TRUE,
    COBJ_ELLIPSIS,
    COBJ_SMALL_INT,  // fits int64_t (may still exceed the target's small int)
    COBJ_BIG_INT,    // arbitrary precision: `big`
    COBJ_FLOAT,
    COBJ_COMPLEX,    // real and imaginary parts
    COBJ_STR,        // UTF-8 bytes
    COBJ_BYTES,
    COBJ_TUPLE,
    COBJ_FUN_TABLE,  // the VM's native function table (native code only)
} cobj_kind_t;

struct bigint;  // util/bigint.h

typedef struct cobj cobj_t;
struct cobj {
    cobj_kind_t kind;
    union {
        int64_t small_int;
        const struct bigint *big;
        double f;
        struct {
            double real;
            double imag;
        } complex;
        struct {
            const uint8_t *data;
            size_t len;
        } str;  // COBJ_STR, COBJ_BYTES
        struct {
            const cobj_t *const *items;
            size_t n;
        } tuple;
    } u;
};

#endif // COMPILER_COBJ_H
