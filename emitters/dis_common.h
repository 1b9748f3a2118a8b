// emitters/dis_common.h: what the table-driven disassemblers (dis_thumb.c,
// dis_xtensa.c, dis_rv32.c) share: a bounded text builder, the expansion of
// a row's text ("add %0, %1, %2") with the architecture's operand
// formatting, and the objdump-style listing of a function. Decoding and
// formatting operands stay with each architecture. Private to emitters/.
#ifndef EMITTERS_DIS_COMMON_H
#define EMITTERS_DIS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

// A small bounded string builder: it keeps counting past the end so the
// caller learns the length it needed.
typedef struct dis_text {
    char *out;
    size_t cap;
    size_t len;
} dis_text_t;

void dis_text_put(dis_text_t *t, const char *s);
// Appends v formatted by fmt (one long conversion, e.g. "%ld" or "0x%lx").
void dis_text_put_int(dis_text_t *t, const char *fmt, long v);

// A decoded instruction being written out.
typedef struct dis_insn {
    int op;                   // the row, as the architecture's op enum
    const int32_t *operands;
    uint32_t addr;            // the instruction's address
    bool is_for_gas;          // pc-relative operands as GNU as reads them
} dis_insn_t;

// Appends operand i of the instruction.
typedef void (*dis_put_operand_fn)(dis_text_t *t, const dis_insn_t *insn, int i);

// Writes `text` into out with each "%N" (N below n_operands) replaced by
// operand N (always NUL-terminated; returns the length it wanted).
size_t dis_format(const char *text, int n_operands, dis_put_operand_fn put_operand, const dis_insn_t *insn,
    char *out, size_t cap);

// One line of a listing: the bytes as objdump shows them (padded as it
// pads them) and the text, a space between mnemonic and operands.
typedef struct dis_line {
    char hex[24];
    char text[96];
} dis_line_t;

// Appends "  addr:\thex\tmnemonic\toperands\n", as objdump lays it out.
void dis_put_line(buf_t *out, uint32_t addr, const dis_line_t *line);

// Describes the line at code[0..len) (len > 0), at address addr; returns
// the bytes it covers, 0 when the rest is not worth a line.
typedef size_t (*dis_line_fn)(const uint8_t *code, size_t len, uint32_t addr, dis_line_t *line);

// Appends the lines of code[pos..len), code[0] being at base_addr.
void dis_listing(const uint8_t *code, size_t len, size_t pos, uint32_t base_addr, dis_line_fn describe,
    buf_t *out);

#endif // EMITTERS_DIS_COMMON_H
