// compiler/parse_fold.h: constant arithmetic for the parser's folding, with
// the semantics of MicroPython's runtime (mp_binary_op, mp_unary_op on int
// and float objects): Python integers of any size, floor division and
// modulo, true division and negative powers giving floats. An operation
// the runtime would raise on (division by zero, negative shift, a complex
// result, too much memory) is "not foldable" and the parser leaves the
// expression to the compiler. Private to compiler/.
#ifndef COMPILER_PARSE_FOLD_H
#define COMPILER_PARSE_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"
#include "cobj.h"

// Binary operators, in the order of the operator tokens TOKEN_OP_PIPE ..
// TOKEN_OP_DBL_STAR (and of MicroPython's binary ops OR .. POWER).
typedef enum fold_op {
    FOLD_OR,
    FOLD_XOR,
    FOLD_AND,
    FOLD_LSHIFT,
    FOLD_RSHIFT,
    FOLD_ADD,
    FOLD_SUBTRACT,
    FOLD_MULTIPLY,
    FOLD_MAT_MULTIPLY,
    FOLD_FLOOR_DIVIDE,
    FOLD_TRUE_DIVIDE,
    FOLD_MODULO,
    FOLD_POWER,
} fold_op_t;

typedef enum fold_unary {
    FOLD_POSITIVE,
    FOLD_NEGATIVE,
    FOLD_INVERT,
} fold_unary_t;

// Whether o is an int (COBJ_SMALL_INT or COBJ_BIG_INT) or a float.
bool fold_is_int(const cobj_t *o);
bool fold_is_number(const cobj_t *o);

// Computes a op b for ints and floats. Returns false when MicroPython would
// raise (the parser then does not fold). The result lives in `arena`.
bool fold_binary(arena_t *arena, fold_op_t op, const cobj_t *a, const cobj_t *b,
    const cobj_t **out);
bool fold_unary(arena_t *arena, fold_unary_t op, const cobj_t *a, const cobj_t **out);

// Python truth value of a constant.
bool fold_is_true(const cobj_t *o);

// Arena-made constants.
const cobj_t *fold_new_int(arena_t *arena, int64_t v);
const cobj_t *fold_new_simple(arena_t *arena, cobj_kind_t kind);  // None, bools, Ellipsis
const cobj_t *fold_new_float(arena_t *arena, double f);
const cobj_t *fold_new_complex(arena_t *arena, double real, double imag);
const cobj_t *fold_new_bytes(arena_t *arena, cobj_kind_t kind, const uint8_t *data, size_t len);

// Parses the digits of an INTEGER token as mp_parse_num_integer does with
// base 0 (prefixes 0x 0o 0b; underscores were dropped by the lexer). On
// bad text returns false and writes MicroPython's message
// ("invalid syntax for integer with base 16: ''") into msg.
bool fold_parse_int(arena_t *arena, const char *text, size_t len, const cobj_t **out,
    char *msg, size_t msg_size);

#endif // COMPILER_PARSE_FOLD_H
