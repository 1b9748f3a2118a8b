// emitters/dis_common.c: the text builder, template expansion and listing
// loop the table-driven disassemblers share (see dis_common.h).
#include "dis_common.h"

#include <stdio.h>
#include <string.h>

void dis_text_put(dis_text_t *t, const char *s) {
    for (; *s != '\0'; s++) {
        if (t->len + 1 < t->cap) {
            t->out[t->len] = *s;
        }
        t->len++;
    }
}

void dis_text_put_int(dis_text_t *t, const char *fmt, long v) {
    char tmp[32];
    snprintf(tmp, sizeof(tmp), fmt, v);
    dis_text_put(t, tmp);
}

size_t dis_format(const char *text, int n_operands, dis_put_operand_fn put_operand, const dis_insn_t *insn,
    char *out, size_t cap) {
    dis_text_t t = {out, cap, 0};
    char one[2] = {0, 0};
    for (const char *p = text; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] >= '0' && p[1] < '0' + n_operands) {
            put_operand(&t, insn, p[1] - '0');
            p++;
        } else {
            one[0] = *p;
            dis_text_put(&t, one);
        }
    }
    if (cap > 0) {
        out[t.len < cap ? t.len : cap - 1] = '\0';
    }
    return t.len;
}

// objdump separates the mnemonic from the operands with a tab.
static void append_text_tabbed(buf_t *out, const char *text) {
    const char *space = strchr(text, ' ');
    if (space == NULL) {
        buf_str(out, text);
        return;
    }
    buf_append(out, text, (size_t)(space - text));
    buf_byte(out, '\t');
    buf_str(out, space + 1);
}

void dis_put_line(buf_t *out, uint32_t addr, const dis_line_t *line) {
    buf_printf(out, "%5x:\t%s\t", addr, line->hex);
    append_text_tabbed(out, line->text);
    buf_byte(out, '\n');
}

void dis_listing(const uint8_t *code, size_t len, size_t pos, uint32_t base_addr, dis_line_fn describe,
    buf_t *out) {
    while (pos < len) {
        uint32_t addr = base_addr + (uint32_t)pos;
        dis_line_t line;
        size_t n = describe(code + pos, len - pos, addr, &line);
        if (n == 0) {
            return;
        }
        dis_put_line(out, addr, &line);
        pos += n;
    }
}
