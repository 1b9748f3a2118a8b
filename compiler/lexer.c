// compiler/lexer.c: MicroPython's tokeniser (py/lexer.c semantics). It
// keeps three characters of lookahead, turns CR and CR LF into LF, adds a
// final newline, tracks indentation to make INDENT/DEDENT tokens, joins
// lines inside brackets and after a backslash, decodes string escapes and
// concatenates adjacent literals. An f-string becomes a plain string plus
// the text ".format((a),(b),)" that is lexed right after it, as MicroPython
// does. Numbers are left as text: the parser converts them.
#include "lexer.h"

#include <stdlib.h>
#include <string.h>

enum {
    TAB_SIZE = 8,
};

static const char *const token_names[] = {
#define TOK(name, spelling) #name,
#include "tokens.def"
#undef TOK
};

static const char *const token_spellings[] = {
#define TOK(name, spelling) spelling,
#include "tokens.def"
#undef TOK
};

// Lengths of the spellings, known at compile time (the per-token keyword
// and operator scans would otherwise measure them again for every token).
static const uint8_t token_spelling_lens[] = {
#define TOK(name, spelling) sizeof(spelling) - 1,
#include "tokens.def"
#undef TOK
};

_Static_assert(TOKEN_OP_MORE == TOKEN_OP_LESS + 1 && TOKEN_OP_NOT_EQUAL == TOKEN_OP_LESS + 5,
    "comparison tokens follow the binary-op order");
_Static_assert(TOKEN_OP_DBL_STAR == TOKEN_OP_PIPE + 12, "13 binary operator tokens");
_Static_assert(TOKEN_DEL_DBL_STAR_EQUAL == TOKEN_DEL_PIPE_EQUAL + 12,
    "13 augmented-assignment tokens in INPLACE order");
_Static_assert(TOKEN_KW_YIELD - TOKEN_KW_FALSE == 35, "36 keywords");

const char *lex_token_name(token_kind_t kind) {
    return kind < TOKEN_COUNT ? token_names[kind] : "?";
}

const char *lex_token_spelling(token_kind_t kind) {
    return kind < TOKEN_COUNT ? token_spellings[kind] : "";
}

// ---------------------------------------------------------------------------
// Characters.

// MicroPython's character classes are ASCII only; bytes >= 0x80 count as
// identifier characters so UTF-8 names work.
static bool is_space_char(int32_t c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_alpha_char(int32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit_char(int32_t c) {
    return c >= '0' && c <= '9';
}

static bool is_xdigit_char(int32_t c) {
    return is_digit_char(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int xdigit_value(int32_t c) {
    return is_digit_char(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

// Next raw byte: injected f-string text first, then the source.
static int32_t read_byte(lexer_t *lex) {
    if (lex->n_pending > 0) {
        return lex->pending[--lex->n_pending];
    }
    if (lex->src_pos < lex->src_len) {
        return lex->src[lex->src_pos++];
    }
    return LEX_EOF;
}

static void push_pending(lexer_t *lex, int32_t c) {
    if (lex->n_pending == lex->cap_pending) {
        size_t cap = lex->cap_pending ? lex->cap_pending * 2 : 64;
        int32_t *p = realloc(lex->pending, cap * sizeof *p);
        if (p == NULL) {
            lex->fatal = LEX_FATAL_NO_MEMORY;
            return;
        }
        lex->pending = p;
        lex->cap_pending = cap;
    }
    lex->pending[lex->n_pending++] = c;
}

// Advances one character, keeping line and column of chr0 up to date.
static void next_char(lexer_t *lex) {
    if (lex->chr0 == '\n') {
        lex->line += 1;
        lex->column = 1;
    } else if (lex->chr0 == '\t') {
        lex->column = ((lex->column - 1 + TAB_SIZE) / TAB_SIZE) * TAB_SIZE + 1;
    } else {
        lex->column += 1;
    }
    lex->chr0 = lex->chr1;
    lex->chr1 = lex->chr2;
    lex->chr2 = read_byte(lex);
    if (lex->chr1 == '\r') {
        lex->chr1 = '\n';
        if (lex->chr2 == '\n') {
            lex->chr2 = read_byte(lex);
        }
    }
    // A source that does not end in a newline gets one.
    if (lex->chr2 == LEX_EOF && lex->chr1 != LEX_EOF && lex->chr1 != '\n') {
        lex->chr2 = '\n';
    }
}

static bool is_char(const lexer_t *lex, int32_t c) {
    return lex->chr0 == c;
}

static bool is_end(const lexer_t *lex) {
    return lex->chr0 == LEX_EOF;
}

static bool is_quote(int32_t c) {
    return c == '\'' || c == '"';
}

// Prefixes MicroPython accepts (lower case only): r u b f, rb br, rf fr.
static bool is_string_start(const lexer_t *lex) {
    int32_t c0 = lex->chr0;
    int32_t c1 = lex->chr1;
    if (is_quote(c0)) {
        return true;
    }
    if ((c0 == 'r' || c0 == 'u' || c0 == 'b' || c0 == 'f') && is_quote(c1)) {
        return true;
    }
    bool two = (c0 == 'r' && (c1 == 'b' || c1 == 'f')) || ((c0 == 'b' || c0 == 'f') && c1 == 'r');
    return two && is_quote(lex->chr2);
}

static bool is_identifier_head(int32_t c) {
    return is_alpha_char(c) || c == '_' || c >= 0x80;
}

static bool is_identifier_tail(int32_t c) {
    return is_identifier_head(c) || is_digit_char(c);
}

// Appends code point c to a str value as UTF-8.
static void add_utf8(buf_t *b, uint32_t c) {
    if (c < 0x80) {
        buf_byte(b, (uint8_t)c);
    } else if (c < 0x800) {
        buf_byte(b, (uint8_t)(0xc0 | (c >> 6)));
        buf_byte(b, (uint8_t)(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
        buf_byte(b, (uint8_t)(0xe0 | (c >> 12)));
        buf_byte(b, (uint8_t)(0x80 | ((c >> 6) & 0x3f)));
        buf_byte(b, (uint8_t)(0x80 | (c & 0x3f)));
    } else {
        buf_byte(b, (uint8_t)(0xf0 | (c >> 18)));
        buf_byte(b, (uint8_t)(0x80 | ((c >> 12) & 0x3f)));
        buf_byte(b, (uint8_t)(0x80 | ((c >> 6) & 0x3f)));
        buf_byte(b, (uint8_t)(0x80 | (c & 0x3f)));
    }
}

// ---------------------------------------------------------------------------
// Indentation stack.

static void indent_push(lexer_t *lex, size_t column) {
    if (lex->n_indent == lex->cap_indent) {
        size_t cap = lex->cap_indent ? lex->cap_indent * 2 : 16;
        uint16_t *p = realloc(lex->indent, cap * sizeof *p);
        if (p == NULL) {
            lex->fatal = LEX_FATAL_NO_MEMORY;
            return;
        }
        lex->indent = p;
        lex->cap_indent = cap;
    }
    // MicroPython keeps indentation in 16 bits.
    lex->indent[lex->n_indent++] = (uint16_t)column;
}

static size_t indent_top(const lexer_t *lex) {
    return lex->indent[lex->n_indent - 1];
}

// ---------------------------------------------------------------------------
// Strings.

// Reads `digits` hex digits after an escape letter; chr0 ends on the last.
static bool read_hex_escape(lexer_t *lex, int digits, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < digits; i++) {
        next_char(lex);
        if (!is_xdigit_char(lex->chr0)) {
            return false;
        }
        v = (v << 4) + (uint32_t)xdigit_value(lex->chr0);
    }
    *out = v;
    return true;
}

// Decodes the escape whose backslash was just passed (chr0 is the letter).
// Returns the value to add, or -1 when nothing is added.
static int64_t decode_escape(lexer_t *lex) {
    int32_t c = lex->chr0;
    switch (c) {
        case '\n':
            return -1;  // an escaped newline joins the lines
        case '\\':
        case '\'':
        case '"':
            return c;
        case 'a':
            return 0x07;
        case 'b':
            return 0x08;
        case 't':
            return 0x09;
        case 'n':
            return 0x0a;
        case 'v':
            return 0x0b;
        case 'f':
            return 0x0c;
        case 'r':
            return 0x0d;
        case 'N':
            // Unicode names are not supported: MicroPython raises
            // NotImplementedError here.
            if (lex->fatal == LEX_FATAL_NONE) {
                lex->fatal = LEX_FATAL_UNICODE_NAME_ESCAPE;
            }
            return -1;
        default:
            break;
    }
    if ((c == 'u' || c == 'U') && lex->tok_kind == TOKEN_BYTES) {
        buf_byte(&lex->vstr, '\\');  // b'\u1234' keeps the backslash
        return c;
    }
    if (c == 'x' || c == 'u' || c == 'U') {
        uint32_t v = 0;
        if (!read_hex_escape(lex, c == 'x' ? 2 : c == 'u' ? 4 : 8, &v)) {
            lex->tok_kind = TOKEN_INVALID;
        }
        return v;
    }
    if (c >= '0' && c <= '7') {
        uint32_t v = (uint32_t)(c - '0');
        for (int n = 1; n < 3 && lex->chr1 >= '0' && lex->chr1 <= '7'; n++) {
            next_char(lex);
            v = v * 8 + (uint32_t)(lex->chr0 - '0');
        }
        return v;
    }
    buf_byte(&lex->vstr, '\\');  // unknown escapes stay as written
    return c;
}

static void add_escaped_value(lexer_t *lex, int64_t v) {
    if (v < 0) {
        return;
    }
    if (lex->tok_kind == TOKEN_STRING && v < 0x110000) {
        add_utf8(&lex->vstr, (uint32_t)v);
    } else if (lex->tok_kind == TOKEN_BYTES && v < 0x100) {
        buf_byte(&lex->vstr, (uint8_t)v);
    } else {
        lex->tok_kind = TOKEN_INVALID;
    }
}

// Inside an f-string at '{': copies the replacement field's expression into
// the .format() arguments and leaves chr0 on the ':', '}' or '!' after it.
static void read_fstring_field(lexer_t *lex) {
    buf_byte(&lex->fstring_args, '(');
    size_t start = lex->fstring_args.len;
    unsigned depth = 0;
    while (!is_end(lex)) {
        int32_t c = lex->chr0;
        if (depth == 0) {
            bool conversion = c == '!' && (lex->chr1 == 'r' || lex->chr1 == 's')
                && (lex->chr2 == ':' || lex->chr2 == '}');
            if (c == ':' || c == '}' || conversion) {
                break;
            }
        }
        if (c == '[' || c == '{') {
            depth += 1;
        } else if (c == ']' || c == '}') {
            depth -= 1;
        }
        buf_byte(&lex->fstring_args, (uint8_t)c);
        next_char(lex);
    }
    size_t len = lex->fstring_args.len - start;
    if (len == 0) {
        lex->tok_kind = TOKEN_MALFORMED_FSTRING;
    } else if (lex->fstring_args.data[lex->fstring_args.len - 1] == '=') {
        // f'{x=}' prints the expression text before the value.
        buf_append(&lex->vstr, lex->fstring_args.data + start, len);
        lex->fstring_args.len -= 1;
    }
    buf_byte(&lex->fstring_args, ')');
    buf_byte(&lex->fstring_args, ',');
}

// Handles the '{' characters at chr0 of an f-string body.
static void read_fstring_braces(lexer_t *lex) {
    while (is_char(lex, '{')) {
        next_char(lex);
        if (is_char(lex, '{')) {
            buf_byte(&lex->vstr, '{');  // '{{' stays '{{' for str.format
            next_char(lex);
        } else {
            read_fstring_field(lex);
        }
        buf_byte(&lex->vstr, '{');
    }
}

// Reads one quoted literal (chr0 on the opening quote) and appends its
// value to vstr.
static void read_string_literal(lexer_t *lex, bool is_raw, bool is_fstring) {
    int32_t quote = lex->chr0;
    next_char(lex);
    size_t n_quotes = 1;
    if (lex->chr0 == quote && lex->chr1 == quote) {
        next_char(lex);
        next_char(lex);
        n_quotes = 3;
    }
    if (is_fstring && lex->fstring_args.len == 0) {
        buf_str(&lex->fstring_args, ".format(");
    }
    size_t n_closing = 0;
    while (!is_end(lex) && (n_quotes > 1 || !is_char(lex, '\n')) && n_closing < n_quotes) {
        if (is_char(lex, quote)) {
            n_closing += 1;
            buf_byte(&lex->vstr, (uint8_t)quote);
        } else {
            n_closing = 0;
            if (is_fstring) {
                read_fstring_braces(lex);
                if (is_end(lex)) {
                    break;
                }
            }
            if (is_char(lex, '\\')) {
                next_char(lex);
                if (is_raw) {
                    // raw strings keep the backslash (and it can escape a quote)
                    buf_byte(&lex->vstr, '\\');
                    add_escaped_value(lex, lex->chr0);
                } else {
                    add_escaped_value(lex, decode_escape(lex));
                }
            } else {
                // Bytes go through as they are, so UTF-8 stays intact.
                buf_byte(&lex->vstr, (uint8_t)lex->chr0);
            }
        }
        next_char(lex);
    }
    if (n_closing < n_quotes) {
        lex->tok_kind = TOKEN_LONELY_STRING_OPEN;
    }
    lex->vstr.len -= n_closing;
}

// ---------------------------------------------------------------------------
// Whitespace and comments.

// Skips spaces, comments and line continuations. With stop_at_newline, a
// newline outside brackets stops the skip and true is returned.
static bool skip_whitespace(lexer_t *lex, bool stop_at_newline) {
    while (!is_end(lex)) {
        if (is_char(lex, '\n')) {
            if (stop_at_newline && lex->nested_bracket_level == 0) {
                return true;
            }
            next_char(lex);
        } else if (is_space_char(lex->chr0)) {
            next_char(lex);
        } else if (is_char(lex, '#')) {
            while (!is_end(lex) && !is_char(lex, '\n')) {
                next_char(lex);
            }
        } else if (is_char(lex, '\\') && lex->chr1 == '\n') {
            next_char(lex);
            next_char(lex);
        } else {
            break;
        }
    }
    return false;
}

// ---------------------------------------------------------------------------
// Tokens.

// After a newline: emits NEWLINE and works out the INDENTs or DEDENTs to
// follow from the new line's column.
static void lex_newline(lexer_t *lex) {
    skip_whitespace(lex, false);
    lex->tok_kind = TOKEN_NEWLINE;
    size_t column = lex->column - 1;
    if (column == indent_top(lex)) {
        return;
    }
    if (column > indent_top(lex)) {
        indent_push(lex, column);
        lex->emit_dent += 1;
        return;
    }
    while (column < indent_top(lex)) {
        lex->n_indent -= 1;
        lex->emit_dent -= 1;
    }
    if (column != indent_top(lex)) {
        lex->tok_kind = TOKEN_DEDENT_MISMATCH;
    }
}

// One or more adjacent string or bytes literals. Mixing str and bytes ends
// the token (the parser then fails on the next one).
static void lex_strings(lexer_t *lex) {
    lex->tok_kind = TOKEN_END;
    do {
        bool is_raw = false;
        bool is_fstring = false;
        token_kind_t kind = TOKEN_STRING;
        int n_prefix = 0;
        int32_t c0 = lex->chr0;
        int32_t c1 = lex->chr1;
        if (c0 == 'u') {
            n_prefix = 1;
        } else if (c0 == 'b') {
            kind = TOKEN_BYTES;
            n_prefix = 1;
            if (c1 == 'r') {
                is_raw = true;
                n_prefix = 2;
            }
        } else if (c0 == 'r') {
            is_raw = true;
            n_prefix = 1;
            if (c1 == 'b') {
                kind = TOKEN_BYTES;
                n_prefix = 2;
            } else if (c1 == 'f') {
                is_fstring = true;
                n_prefix = 2;
            }
        } else if (c0 == 'f') {
            is_fstring = true;
            n_prefix = 1;
            if (c1 == 'r') {
                is_raw = true;
                n_prefix = 2;
            }
        }
        if (lex->tok_kind == TOKEN_END) {
            lex->tok_kind = kind;
        } else if (lex->tok_kind != kind) {
            break;
        }
        for (int i = 0; i < n_prefix; i++) {
            next_char(lex);
        }
        read_string_literal(lex, is_raw, is_fstring);
        skip_whitespace(lex, true);
    } while (is_string_start(lex));
}

static void lex_name(lexer_t *lex) {
    lex->tok_kind = TOKEN_NAME;
    while (!is_end(lex) && is_identifier_tail(lex->chr0)) {
        buf_byte(&lex->vstr, (uint8_t)lex->chr0);
        next_char(lex);
    }
    size_t len = lex->vstr.len;
    for (int k = TOKEN_KW_FALSE; k <= TOKEN_KW_YIELD; k++) {
        const char *kw = token_spellings[k];
        if (token_spelling_lens[k] == len && memcmp(kw, lex->vstr.data, len) == 0) {
            lex->tok_kind = (token_kind_t)k;
            break;
        }
    }
    if (lex->tok_kind == TOKEN_KW___DEBUG__) {
        lex->tok_kind = lex->debug_is_true ? TOKEN_KW_TRUE : TOKEN_KW_FALSE;
    }
}

// Numbers are scanned loosely, as MicroPython does ("1abc" is one INTEGER
// token); the parser's conversion reports what is wrong with them.
static void lex_number(lexer_t *lex) {
    bool forced_integer = false;
    if (is_char(lex, '.')) {
        lex->tok_kind = TOKEN_FLOAT_OR_IMAG;
    } else {
        lex->tok_kind = TOKEN_INTEGER;
        int32_t base_char = lex->chr1 | 0x20;
        if (is_char(lex, '0') && (base_char == 'b' || base_char == 'o' || base_char == 'x')) {
            forced_integer = true;
        }
    }
    buf_byte(&lex->vstr, (uint8_t)lex->chr0);
    next_char(lex);
    while (!is_end(lex)) {
        int32_t c = lex->chr0;
        if (!forced_integer && (c == 'e' || c == 'E')) {
            lex->tok_kind = TOKEN_FLOAT_OR_IMAG;
            buf_byte(&lex->vstr, 'e');
            next_char(lex);
            if (is_char(lex, '+') || is_char(lex, '-')) {
                buf_byte(&lex->vstr, (uint8_t)lex->chr0);
                next_char(lex);
            }
        } else if (is_alpha_char(c) || is_digit_char(c) || c == '.') {
            if (c == '.' || c == 'j' || c == 'J') {
                lex->tok_kind = TOKEN_FLOAT_OR_IMAG;
            }
            buf_byte(&lex->vstr, (uint8_t)c);
            next_char(lex);
        } else if (c == '_') {
            next_char(lex);
        } else {
            break;
        }
    }
}

// Operators and delimiters: the longest spelling that matches.
static void lex_operator(lexer_t *lex) {
    token_kind_t best = TOKEN_INVALID;
    size_t best_len = 0;
    int32_t ahead[3] = {lex->chr0, lex->chr1, lex->chr2};
    for (int k = TOKEN_ELLIPSIS; k < TOKEN_COUNT; k++) {
        const char *s = token_spellings[k];
        size_t n = token_spelling_lens[k];
        if (n == 0 || n <= best_len || (k >= TOKEN_KW_FALSE && k <= TOKEN_KW_YIELD)) {
            continue;
        }
        size_t i = 0;
        while (i < n && ahead[i] == (uint8_t)s[i]) {
            i++;
        }
        if (i == n) {
            best = (token_kind_t)k;
            best_len = n;
        }
    }
    if (best_len == 0) {
        best_len = 1;  // an unknown character is one invalid token
    }
    for (size_t i = 0; i < best_len; i++) {
        next_char(lex);
    }
    lex->tok_kind = best;
    if (best == TOKEN_DEL_PAREN_OPEN || best == TOKEN_DEL_BRACKET_OPEN || best == TOKEN_DEL_BRACE_OPEN) {
        lex->nested_bracket_level += 1;
    } else if (best == TOKEN_DEL_PAREN_CLOSE || best == TOKEN_DEL_BRACKET_CLOSE
        || best == TOKEN_DEL_BRACE_CLOSE) {
        lex->nested_bracket_level -= 1;
    }
}

// After an f-string token, its ".format(...)" text is read next, ahead of
// the rest of the source (and of any f-string that contains this one).
static void inject_fstring_args(lexer_t *lex) {
    buf_byte(&lex->fstring_args, ')');
    push_pending(lex, lex->chr2);
    push_pending(lex, lex->chr1);
    push_pending(lex, lex->chr0);
    const uint8_t *t = lex->fstring_args.data;
    for (size_t i = lex->fstring_args.len; i > 3; i--) {
        push_pending(lex, t[i - 1]);
    }
    lex->chr0 = t[0];
    lex->chr1 = t[1];
    lex->chr2 = t[2];
    buf_reset(&lex->fstring_args);
}

void lex_next(lexer_t *lex) {
    if (lex->fstring_args.len > 0) {
        inject_fstring_args(lex);
    }
    buf_reset(&lex->vstr);
    bool at_newline = skip_whitespace(lex, true);
    lex->tok_line = lex->line;
    lex->tok_column = lex->column;
    if (lex->emit_dent < 0) {
        lex->tok_kind = TOKEN_DEDENT;
        lex->emit_dent += 1;
    } else if (lex->emit_dent > 0) {
        lex->tok_kind = TOKEN_INDENT;
        lex->emit_dent -= 1;
    } else if (at_newline) {
        lex_newline(lex);
    } else if (is_end(lex)) {
        lex->tok_kind = TOKEN_END;
    } else if (is_string_start(lex)) {
        lex_strings(lex);
    } else if (is_identifier_head(lex->chr0)) {
        lex_name(lex);
    } else if (is_digit_char(lex->chr0) || (is_char(lex, '.') && is_digit_char(lex->chr1))) {
        lex_number(lex);
    } else {
        lex_operator(lex);
    }
    if (lex->vstr.failed || lex->fstring_args.failed) {
        lex->fatal = LEX_FATAL_NO_MEMORY;
    }
}

void lex_init(lexer_t *lex, const uint8_t *src, size_t len, const char *source_name,
    int opt_level) {
    memset(lex, 0, sizeof *lex);
    lex->src = src;
    lex->src_len = len;
    lex->source_name = source_name;
    lex->debug_is_true = opt_level == 0;
    lex->line = 1;
    lex->column = (size_t)-2;  // three next_char() calls bring it to 1
    buf_init(&lex->vstr);
    buf_init(&lex->fstring_args);
    indent_push(lex, 0);
    next_char(lex);
    next_char(lex);
    next_char(lex);
    lex_next(lex);
    // Text before the first token of the file is an unexpected indent.
    if (lex->tok_column != 1 && lex->tok_kind != TOKEN_NEWLINE) {
        lex->tok_kind = TOKEN_INDENT;
    }
}

void lex_deinit(lexer_t *lex) {
    buf_deinit(&lex->vstr);
    buf_deinit(&lex->fstring_args);
    free(lex->indent);
    lex->indent = NULL;
    free(lex->pending);
    lex->pending = NULL;
}
