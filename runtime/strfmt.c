// runtime/strfmt.c: string formatting: the % operator and str.format (which
// f-strings compile to). Numbers go through the same padding code so both
// forms agree; floats use numfmt's MicroPython-exact digits. Widths count
// bytes, as MicroPython's padding does.
#include <string.h>

#include "obj.h"

#if RT_STR_FORMAT

typedef struct spec {
    char fill;
    char align;     // '<', '>', '^', '=' or 0 for the type's default
    char sign;      // '+', '-', ' ' or 0
    bool alt;
    int width;      // -1 when absent
    char comma;     // ',' or '_' to group thousands, else 0
    int prec;       // -1 when absent
    char type;
} spec_t;

static void add_fill(vstr_t *v, char fill, size_t n) {
    for (size_t i = 0; i < n; i++) {
        vstr_add_byte(v, (uint8_t)fill);
    }
}

// Writes prefix (sign, 0x) and body padded to the spec's width.
static void emit(vstr_t *v, const spec_t *sp, const char *prefix, size_t plen, const char *body,
                 size_t blen, char default_align) {
    size_t total = plen + blen;
    size_t pad = sp->width > 0 && (size_t)sp->width > total ? (size_t)sp->width - total : 0;
    char align = sp->align ? sp->align : default_align;
    char fill = sp->fill ? sp->fill : ' ';
    switch (align) {
        case '<':
            vstr_add_strn(v, prefix, plen);
            vstr_add_strn(v, body, blen);
            add_fill(v, fill, pad);
            break;
        case '^':
            add_fill(v, fill, pad / 2);
            vstr_add_strn(v, prefix, plen);
            vstr_add_strn(v, body, blen);
            add_fill(v, fill, pad - pad / 2);
            break;
        case '=':
            vstr_add_strn(v, prefix, plen);
            add_fill(v, fill, pad);
            vstr_add_strn(v, body, blen);
            break;
        default:
            add_fill(v, fill, pad);
            vstr_add_strn(v, prefix, plen);
            vstr_add_strn(v, body, blen);
            break;
    }
}

void fmt_pad(vstr_t *v, const char *s, size_t len, int width, char fill, char align) {
    spec_t sp = {fill, align, 0, false, width, 0, -1, 0};
    emit(v, &sp, "", 0, s, len, '<');
}

static void group_thousands(vstr_t *digits, char sep) {
    size_t n = digits->len;
    if (n <= 3) {
        return;
    }
    vstr_t g;
    vstr_init(&g, n + n / 3 + 1);
    size_t first = n % 3 ? n % 3 : 3;
    vstr_add_strn(&g, digits->buf, first);
    for (size_t i = first; i < n; i += 3) {
        vstr_add_byte(&g, (uint8_t)sep);
        vstr_add_strn(&g, digits->buf + i, 3);
    }
    vstr_clear(digits);
    *digits = g;
}

static void format_int_spec(vstr_t *v, obj_t x, const spec_t *sp) {
    int base = 10;
    bool upper = false;
    const char *pfx = "";
    switch (sp->type) {
        case 'b':
            base = 2;
            pfx = "0b";
            break;
        case 'o':
            base = 8;
            pfx = "0o";
            break;
        case 'x':
            base = 16;
            pfx = "0x";
            break;
        case 'X':
            base = 16;
            pfx = "0X";
            upper = true;
            break;
        default:
            break;
    }
    bool neg = int_sign(x) < 0;
    if (neg) {
        x = rt_unary_op(OP_NEGATIVE, x);
    }
    vstr_t digits;
    vstr_init(&digits, 24);
    print_t p;
    vstr_print_init(&digits, &p);
    int_print(&p, x, base, upper);
    if (sp->comma) {
        group_thousands(&digits, sp->comma);
    }
    char prefix[8];
    size_t plen = 0;
    if (neg) {
        prefix[plen++] = '-';
    } else if (sp->sign == '+' || sp->sign == ' ') {
        prefix[plen++] = sp->sign;
    }
    if (sp->alt && base != 10) {
        prefix[plen++] = pfx[0];
        prefix[plen++] = pfx[1];
    }
    if (sp->prec > 0 && (size_t)sp->prec > digits.len) {
        vstr_t z;
        vstr_init(&z, (size_t)sp->prec + 1);
        add_fill(&z, '0', (size_t)sp->prec - digits.len);
        vstr_add_strn(&z, digits.buf, digits.len);
        vstr_clear(&digits);
        digits = z;
    }
    emit(v, sp, prefix, plen, digits.buf, digits.len, '>');
    vstr_clear(&digits);
}

void fmt_int(vstr_t *v, obj_t i, int base, char sign, int width, char fill, char align, bool alt,
             bool upper, int prec) {
    spec_t sp = {fill, align, sign, alt, width, 0, prec, 0};
    sp.type = base == 16 ? (upper ? 'X' : 'x') : base == 8 ? 'o' : base == 2 ? 'b' : 'd';
    format_int_spec(v, i, &sp);
}

static void format_float_spec(vstr_t *v, rt_float_t f, const spec_t *sp) {
    char type = sp->type;
    int prec = sp->prec;
    bool percent = false;
    if (type == '%') {
        percent = true;
        type = 'f';
        f *= 100;
    }
    if (type == 0) {
        type = 'g';
        if (prec < 0) {
            // No type and no precision: like str(), as MicroPython prints.
            vstr_t r;
            vstr_init(&r, 32);
            float_repr(&r, f);
            char prefix[2];
            size_t plen = 0;
            const char *body = r.buf;
            size_t blen = r.len;
            if (body[0] == '-') {
                prefix[plen++] = '-';
                body++;
                blen--;
            } else if (sp->sign == '+' || sp->sign == ' ') {
                prefix[plen++] = sp->sign;
            }
            emit(v, sp, prefix, plen, body, blen, '>');
            vstr_clear(&r);
            return;
        }
    }
    vstr_t num;
    vstr_init(&num, 32);
    float_format(&num, f < 0 ? -f : f, type, prec < 0 ? 6 : prec, 0);
    if (percent) {
        vstr_add_byte(&num, '%');
    }
    char prefix[2];
    size_t plen = 0;
    if (f < 0 || (f == 0 && 1 / f < 0)) {
        prefix[plen++] = '-';
    } else if (sp->sign == '+' || sp->sign == ' ') {
        prefix[plen++] = sp->sign;
    }
    emit(v, sp, prefix, plen, num.buf, num.len, '>');
    vstr_clear(&num);
}

// ---------------------------------------------------------------------------
// The % operator.
static noreturn void need_more(void) {
    rt_raise_type_error("format string needs more arguments");
}

obj_t str_modulo_format(obj_t fmt_in, size_t n_args, const obj_t *args, obj_t dict) {
    size_t len;
    const char *fmt = str_get_data(fmt_in, &len);
    const char *end = fmt + len;
    vstr_t v;
    vstr_init(&v, len + 16);
    size_t ai = 0;
    for (const char *p = fmt; p < end; p++) {
        if (*p != '%') {
            vstr_add_byte(&v, (uint8_t)*p);
            continue;
        }
        if (++p >= end) {
            rt_raise_value_error("incomplete format");
        }
        if (*p == '%') {
            vstr_add_byte(&v, '%');
            continue;
        }
        obj_t arg = OBJ_NULL;
        if (*p == '(') {
            if (dict == OBJ_NULL) {
                rt_raise_type_error("format requires a dict");
            }
            const char *k = ++p;
            while (p < end && *p != ')') {
                p++;
            }
            if (p >= end) {
                rt_raise_value_error("incomplete format key");
            }
            obj_t key = str_new(&type_str, k, (size_t)(p - k));
            arg = rt_subscr(dict, key, OBJ_SENTINEL);
            p++;
        }
        spec_t sp = {' ', '>', 0, false, -1, 0, -1, 0};
        for (; p < end; p++) {
            if (*p == '-') {
                sp.align = '<';
            } else if (*p == '+') {
                sp.sign = '+';
            } else if (*p == ' ') {
                if (sp.sign != '+') {
                    sp.sign = ' ';
                }
            } else if (*p == '0') {
                if (sp.align != '<') {
                    sp.fill = '0';
                    sp.align = '=';
                }
            } else if (*p == '#') {
                sp.alt = true;
            } else {
                break;
            }
        }
        if (p < end && *p == '*') {
            if (ai >= n_args) {
                need_more();
            }
            sp.width = (int)obj_get_int(args[ai++]);
            p++;
        } else {
            while (p < end && *p >= '0' && *p <= '9') {
                sp.width = (sp.width < 0 ? 0 : sp.width * 10) + (*p++ - '0');
            }
        }
        if (p < end && *p == '.') {
            p++;
            sp.prec = 0;
            if (p < end && *p == '*') {
                if (ai >= n_args) {
                    need_more();
                }
                sp.prec = (int)obj_get_int(args[ai++]);
                p++;
            } else {
                while (p < end && *p >= '0' && *p <= '9') {
                    sp.prec = sp.prec * 10 + (*p++ - '0');
                }
            }
        }
        if (p >= end) {
            rt_raise_value_error("incomplete format");
        }
        if (arg == OBJ_NULL) {
            if (ai >= n_args) {
                need_more();
            }
            arg = args[ai++];
        }
        char c = *p;
        switch (c) {
            case 'c': {
                if (obj_is_str(arg)) {
                    size_t l;
                    const char *s = str_get_data(arg, &l);
                    emit(&v, &sp, "", 0, s, l, '>');
                } else {
                    vstr_t ch;
                    vstr_init(&ch, 8);
                    vstr_add_char(&ch, (uint32_t)obj_get_int(arg));
                    emit(&v, &sp, "", 0, ch.buf, ch.len, '>');
                    vstr_clear(&ch);
                }
                break;
            }
            case 's':
            case 'r': {
                bool raw = c == 's' && !obj_is_str(fmt_in) && obj_is_bytes_like(arg);
                obj_t s = raw ? arg : c == 's' ? obj_str(arg) : obj_repr(arg);
                size_t l;
                const char *d = str_get_data(s, &l);
                if (sp.prec >= 0 && (size_t)sp.prec < l) {
                    l = (size_t)sp.prec;
                }
                if (sp.fill == '0') {
                    sp.fill = ' ';
                    sp.align = '>';
                }
                emit(&v, &sp, "", 0, d, l, '>');
                break;
            }
            case 'd':
            case 'i':
            case 'u':
            case 'x':
            case 'X':
            case 'o': {
                obj_t x = arg;
                if (obj_is_type(x, &type_float)) {
                    x = int_from_float(float_value(x));
                } else if (!obj_is_int(x)) {
                    rt_int_t iv;
                    if (!obj_get_int_maybe(x, &iv)) {
                        rt_raise_fmt(&type_TypeError, "%%%c format: a number is required, not %s",
                                     c, obj_type_name(x));
                    }
                    x = small_int(iv);
                }
                sp.type = (c == 'i' || c == 'u') ? 'd' : c;
                if (sp.fill == '0' && sp.prec >= 0) {
                    sp.fill = ' ';
                    sp.align = sp.align == '=' ? '>' : sp.align;
                }
                format_int_spec(&v, x, &sp);
                break;
            }
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
                sp.type = c;
                if (sp.prec < 0) {
                    sp.prec = 6;
                }
                format_float_spec(&v, obj_get_float(arg), &sp);
                break;
            default:
                rt_raise_fmt(&type_ValueError, "unsupported format character '%c' (0x%x) at index %u",
                             c, (unsigned)(uint8_t)c, (unsigned)(p - fmt));
        }
    }
    if (ai < n_args && dict == OBJ_NULL) {
        rt_raise_type_error("format string didn't convert all arguments");
    }
    return str_from_vstr(&type_str, &v);
}

// ---------------------------------------------------------------------------
// str.format
static void parse_spec(const char *s, size_t len, spec_t *sp) {
    const char *end = s + len;
    memset(sp, 0, sizeof(*sp));
    sp->width = -1;
    sp->prec = -1;
    if (len >= 2 && (s[1] == '<' || s[1] == '>' || s[1] == '^' || s[1] == '=')) {
        sp->fill = s[0];
        sp->align = s[1];
        s += 2;
    } else if (len >= 1 && (s[0] == '<' || s[0] == '>' || s[0] == '^' || s[0] == '=')) {
        sp->align = s[0];
        s++;
    }
    if (s < end && (*s == '+' || *s == '-' || *s == ' ')) {
        sp->sign = *s++;
    }
    if (s < end && *s == '#') {
        sp->alt = true;
        s++;
    }
    if (s < end && *s == '0') {
        if (!sp->align) {
            sp->fill = '0';
            sp->align = '=';
        }
        s++;
    }
    while (s < end && *s >= '0' && *s <= '9') {
        sp->width = (sp->width < 0 ? 0 : sp->width * 10) + (*s++ - '0');
    }
    if (s < end && (*s == ',' || *s == '_')) {
        sp->comma = *s;
        s++;
    }
    if (s < end && *s == '.') {
        s++;
        sp->prec = 0;
        while (s < end && *s >= '0' && *s <= '9') {
            sp->prec = sp->prec * 10 + (*s++ - '0');
        }
    }
    if (s < end) {
        sp->type = *s++;
    }
    if (s < end) {
        rt_raise_value_error("invalid format specifier");
    }
}

static void format_one(vstr_t *v, obj_t arg, const char *spec, size_t spec_len) {
    spec_t sp;
    parse_spec(spec, spec_len, &sp);
    if (arg == OBJ_TRUE || arg == OBJ_FALSE) {
        if (sp.type == 0 || sp.type == 's') {
            arg = obj_str(arg);
        } else {
            arg = small_int(arg == OBJ_TRUE);
        }
    }
    if (obj_is_int(arg)) {
        switch (sp.type) {
            case 0:
            case 'd':
            case 'n':
            case 'b':
            case 'o':
            case 'x':
            case 'X':
                format_int_spec(v, arg, &sp);
                return;
            case 'c': {
                vstr_t ch;
                vstr_init(&ch, 8);
                vstr_add_char(&ch, (uint32_t)obj_get_int(arg));
                emit(v, &sp, "", 0, ch.buf, ch.len, '<');
                vstr_clear(&ch);
                return;
            }
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
            case '%':
                format_float_spec(v, int_to_float(arg), &sp);
                return;
            default:
                rt_raise_fmt(&type_ValueError, "unknown format code '%c' for object of type 'int'", sp.type);
        }
    }
    if (obj_is_type(arg, &type_float)) {
        switch (sp.type) {
            case 0:
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
            case '%':
                format_float_spec(v, float_value(arg), &sp);
                return;
            case 'n':
                sp.type = 'g';
                format_float_spec(v, float_value(arg), &sp);
                return;
            default:
                rt_raise_fmt(&type_ValueError, "unknown format code '%c' for object of type 'float'", sp.type);
        }
    }
    if (sp.type != 0 && sp.type != 's') {
        rt_raise_fmt(&type_ValueError, "unknown format code '%c' for object of type '%s'", sp.type,
                     obj_is_str(arg) ? "str" : obj_type_name(arg));
    }
    if (!obj_is_str(arg)) {
        arg = obj_str(arg);
    }
    if (sp.align == '=') {
        rt_raise_value_error("'=' alignment not allowed in string format specifier");
    }
    size_t l;
    const char *d = str_get_data(arg, &l);
    if (sp.prec >= 0 && (size_t)sp.prec < l) {
        l = (size_t)sp.prec;
    }
    emit(v, &sp, "", 0, d, l, '<');
}

static obj_t lookup_field(const char *name, size_t nlen, size_t *auto_index, size_t n_args,
                          const obj_t *args, map_t *kw) {
    for (size_t i = 0; i < nlen; i++) {
        if (name[i] == '.' || name[i] == '[') {
            rt_raise_not_impl("attributes not supported");
        }
    }
    if (nlen == 0) {
        if (*auto_index == (size_t)-1) {
            rt_raise_value_error("can't switch from manual field specification to automatic field numbering");
        }
        size_t i = (*auto_index)++;
        if (i >= n_args) {
            rt_raise(&type_IndexError, "tuple index out of range");
        }
        return args[i];
    }
    if (name[0] >= '0' && name[0] <= '9') {
        if (*auto_index != 0 && *auto_index != (size_t)-1) {
            rt_raise_value_error("can't switch from automatic field numbering to manual field specification");
        }
        *auto_index = (size_t)-1;
        size_t i = 0;
        for (size_t k = 0; k < nlen; k++) {
            i = i * 10 + (size_t)(name[k] - '0');
        }
        if (i >= n_args) {
            rt_raise(&type_IndexError, "tuple index out of range");
        }
        return args[i];
    }
    obj_t key = obj_qstr(rtq_intern(name, nlen));
    map_elem_t *e = kw ? map_lookup(kw, key, MAP_LOOKUP) : NULL;
    if (e == NULL) {
        rt_raise_obj(exc_new(&type_KeyError, 1, &key));
    }
    return e->value;
}

obj_t str_format_method(size_t n_args, const obj_t *args, map_t *kw) {
    size_t len;
    const char *s = str_get_data(args[0], &len);
    const char *end = s + len;
    args++;
    n_args--;
    vstr_t v;
    vstr_init(&v, len + 16);
    size_t auto_index = 0;
    for (const char *p = s; p < end; p++) {
        if (*p == '}') {
            if (p + 1 < end && p[1] == '}') {
                p++;
                vstr_add_byte(&v, '}');
                continue;
            }
            rt_raise_value_error("single '}' encountered in format string");
        }
        if (*p != '{') {
            vstr_add_byte(&v, (uint8_t)*p);
            continue;
        }
        if (p + 1 < end && p[1] == '{') {
            p++;
            vstr_add_byte(&v, '{');
            continue;
        }
        const char *name = ++p;
        while (p < end && *p != '}' && *p != ':' && *p != '!') {
            p++;
        }
        size_t nlen = (size_t)(p - name);
        char conv = 0;
        if (p < end && *p == '!') {
            if (p + 1 >= end) {
                rt_raise_value_error("end of format while looking for conversion specifier");
            }
            conv = p[1];
            p += 2;
        }
        // The field's argument is numbered before any nested {} in its spec.
        obj_t arg = OBJ_NULL;
        bool have_arg = false;
        vstr_t spec;
        vstr_init(&spec, 8);
        if (p < end && *p == ':') {
            arg = lookup_field(name, nlen, &auto_index, n_args, args, kw);
            have_arg = true;
            p++;
            while (p < end && *p != '}') {
                if (*p == '{') {
                    const char *inner = ++p;
                    while (p < end && *p != '}') {
                        p++;
                    }
                    obj_t val = lookup_field(inner, (size_t)(p - inner), &auto_index, n_args, args, kw);
                    obj_t sv = obj_str(val);
                    size_t sl;
                    const char *sd = str_get_data(sv, &sl);
                    vstr_add_strn(&spec, sd, sl);
                    p++;
                    continue;
                }
                vstr_add_byte(&spec, (uint8_t)*p++);
            }
        }
        if (p >= end) {
            rt_raise_value_error("expected ':' after format specifier");
        }
        if (!have_arg) {
            arg = lookup_field(name, nlen, &auto_index, n_args, args, kw);
        }
        if (conv == 'r') {
            arg = obj_repr(arg);
        } else if (conv == 's') {
            arg = obj_str(arg);
        } else if (conv != 0) {
            rt_raise_value_error("invalid conversion specifier");
        }
        if (spec.len == 0) {
            obj_t sv = obj_str(arg);
            size_t sl;
            const char *sd = str_get_data(sv, &sl);
            vstr_add_strn(&v, sd, sl);
        } else {
            format_one(&v, arg, spec.buf, spec.len);
        }
        vstr_clear(&spec);
    }
    return str_from_vstr(&type_str, &v);
}

#endif // RT_STR_FORMAT
