// compiler/lexer.h: MicroPython's tokeniser. Turns a source buffer into
// tokens on demand, with MicroPython's rules for indentation, line joining,
// string prefixes and escapes, and its rewriting of f-strings into calls of
// str.format. Bad input becomes an error token kind (TOKEN_INVALID, ...)
// that the parser reports; the lexer itself never records diagnostics.
#ifndef COMPILER_LEXER_H
#define COMPILER_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

typedef enum token_kind {
#define TOK(name, spelling) TOKEN_##name,
#include "tokens.def"
#undef TOK
    TOKEN_COUNT,
} token_kind_t;

// A failure the lexer cannot express as a token kind: MicroPython raises
// these as exceptions from inside the lexer, before the parser sees the
// token.
typedef enum lex_fatal {
    LEX_FATAL_NONE,
    LEX_FATAL_UNICODE_NAME_ESCAPE,  // "\N{...}": NotImplementedError
    LEX_FATAL_NO_MEMORY,
} lex_fatal_t;

typedef struct lexer {
    // Input: the whole source. chr0..chr2 look ahead (LEX_EOF at the end),
    // with CR and CR LF already turned into LF.
    const uint8_t *src;
    size_t src_len;
    size_t src_pos;
    const char *source_name;
    int32_t chr0, chr1, chr2;
    // Characters to read before the rest of the source, last one first:
    // the text injected after an f-string and the lookahead it displaced.
    int32_t *pending;
    size_t n_pending;
    size_t cap_pending;
    bool debug_is_true;  // what __debug__ means: opt_level == 0

    size_t line;    // position of chr0
    size_t column;  // 1-based, tabs advance to the next multiple of 8 plus 1
    long emit_dent;              // >0 INDENTs to emit, <0 DEDENTs
    long nested_bracket_level;   // open brackets: newlines do not count
    uint16_t *indent;            // stack of indentation columns
    size_t n_indent;
    size_t cap_indent;

    // The current token.
    token_kind_t tok_kind;
    size_t tok_line;
    size_t tok_column;
    // NAME, INTEGER, FLOAT_OR_IMAG: the source text; STRING and BYTES:
    // the decoded value (UTF-8 for str).
    buf_t vstr;

    // f-strings: the text ".format((a),(b),)" collected while reading the
    // current token and injected after it.
    buf_t fstring_args;

    lex_fatal_t fatal;
} lexer_t;

enum {
    LEX_EOF = -1,
};

// Prepares to tokenise src[0..len) (not copied: it must outlive the
// lexer) and reads the first token. opt_level > 0 makes __debug__ False.
void lex_init(lexer_t *lex, const uint8_t *src, size_t len, const char *source_name,
    int opt_level);
void lex_deinit(lexer_t *lex);
// Moves to the next token. After TOKEN_END it keeps returning TOKEN_END.
void lex_next(lexer_t *lex);

// "NAME", "KW_DEF", "OP_PLUS" ...: for tests and debugging.
const char *lex_token_name(token_kind_t kind);
// Source text of a keyword or operator ("def", "+="), else "".
const char *lex_token_spelling(token_kind_t kind);

#endif // COMPILER_LEXER_H
