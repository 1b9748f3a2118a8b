// runtime/modjson.c: the json module: dumps/dump in MicroPython's layout
// (", " and ": " separators unless given) and loads/load.
#include <string.h>

#include "../util/numfmt.h"
#include "obj.h"

#if RT_MOD_JSON

typedef struct seps {
    const char *item;
    size_t item_len;
    const char *key;
    size_t key_len;
} seps_t;

static void json_str(vstr_t *v, const char *s, size_t len) {
    vstr_add_byte(v, '"');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '"' || c == '\\') {
            vstr_add_byte(v, '\\');
            vstr_add_byte(v, c);
        } else if (c >= 32) {
            vstr_add_byte(v, c);
        } else if (c == '\n') {
            vstr_add_str(v, "\\n");
        } else if (c == '\r') {
            vstr_add_str(v, "\\r");
        } else if (c == '\t') {
            vstr_add_str(v, "\\t");
        } else {
            vstr_printf(v, "\\u%04x", c);
        }
    }
    vstr_add_byte(v, '"');
}

static void dump(vstr_t *v, obj_t o, const seps_t *sp) {
    rt_check_stack();
    if (o == OBJ_NONE) {
        vstr_add_str(v, "null");
    } else if (o == OBJ_TRUE) {
        vstr_add_str(v, "true");
    } else if (o == OBJ_FALSE) {
        vstr_add_str(v, "false");
    } else if (obj_is_str(o)) {
        size_t len;
        const char *s = str_get_data(o, &len);
        json_str(v, s, len);
    } else if (obj_is_type(o, &type_list) || obj_is_type(o, &type_tuple)) {
        size_t n;
        obj_t *items;
        obj_get_array(o, &n, &items);
        vstr_add_byte(v, '[');
        for (size_t i = 0; i < n; i++) {
            if (i) {
                vstr_add_strn(v, sp->item, sp->item_len);
            }
            dump(v, items[i], sp);
        }
        vstr_add_byte(v, ']');
    } else if (obj_isinstance(o, &type_dict)) {
        map_t *m = dict_map(o);
        size_t limit = m->is_ordered ? m->used : m->alloc;
        bool first = true;
        vstr_add_byte(v, '{');
        for (size_t i = 0; i < limit; i++) {
            if (!map_slot_filled(m, i)) {
                continue;
            }
            if (!first) {
                vstr_add_strn(v, sp->item, sp->item_len);
            }
            first = false;
            obj_t k = m->table[i].key;
            if (obj_is_str(k)) {
                dump(v, k, sp);
            } else {
                obj_t ks = obj_str(k);
                size_t len;
                const char *s = str_get_data(ks, &len);
                json_str(v, s, len);
            }
            vstr_add_strn(v, sp->key, sp->key_len);
            dump(v, m->table[i].value, sp);
        }
        vstr_add_byte(v, '}');
    } else if (obj_is_int(o) || obj_is_type(o, &type_float)) {
        print_t p;
        vstr_print_init(v, &p);
        obj_print(&p, o, PRINT_REPR);
    } else {
        rt_raise_fmt(&type_TypeError, "can't serialise %s", obj_type_name(o));
    }
}

static obj_t dumps_impl(obj_t o, map_t *kw) {
    seps_t sp = {", ", 2, ": ", 2};
    map_elem_t *e = kw ? map_lookup(kw, obj_qstr(Q_separators), MAP_LOOKUP) : NULL;
    if (e != NULL && e->value != OBJ_NONE) {
        obj_t *items;
        obj_get_array_fixed_n(e->value, 2, &items);
        sp.item = str_get_data(items[0], &sp.item_len);
        sp.key = str_get_data(items[1], &sp.key_len);
    }
    vstr_t v;
    vstr_init(&v, 32);
    dump(&v, o, &sp);
    return str_from_vstr(&type_str, &v);
}

static obj_t json_dumps(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    return dumps_impl(args[0], kw);
}
static BUILTIN_FUN_KW(json_dumps_obj, 1, json_dumps);

static obj_t json_dump(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    obj_t s = dumps_impl(args[0], kw);
    obj_t dest[3];
    rt_load_method(args[1], QSTR_write, dest);
    dest[2] = s;
    rt_call_method(1, 0, dest);
    return OBJ_NONE;
}
static BUILTIN_FUN_KW(json_dump_obj, 2, json_dump);

// ---------------------------------------------------------------------------
typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
} parser_t;

static noreturn void syntax_error(void) {
    rt_raise_value_error("syntax error in JSON");
}

static void skip_ws(parser_t *p) {
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n'
                               || p->s[p->pos] == '\r')) {
        p->pos++;
    }
}

static bool take(parser_t *p, const char *word) {
    size_t n = strlen(word);
    if (p->pos + n <= p->len && memcmp(p->s + p->pos, word, n) == 0) {
        p->pos += n;
        return true;
    }
    return false;
}

static obj_t parse_value(parser_t *p);

static obj_t parse_string(parser_t *p) {
    p->pos++;
    vstr_t v;
    vstr_init(&v, 16);
    while (p->pos < p->len && p->s[p->pos] != '"') {
        char c = p->s[p->pos++];
        if (c != '\\') {
            vstr_add_byte(&v, (uint8_t)c);
            continue;
        }
        if (p->pos >= p->len) {
            syntax_error();
        }
        c = p->s[p->pos++];
        switch (c) {
            case 'n':
                vstr_add_byte(&v, '\n');
                break;
            case 't':
                vstr_add_byte(&v, '\t');
                break;
            case 'r':
                vstr_add_byte(&v, '\r');
                break;
            case 'b':
                vstr_add_byte(&v, '\b');
                break;
            case 'f':
                vstr_add_byte(&v, '\f');
                break;
            case 'u': {
                if (p->pos + 4 > p->len) {
                    syntax_error();
                }
                uint32_t cp = 0;
                for (int i = 0; i < 4; i++) {
                    char h = p->s[p->pos++];
                    int d = h >= '0' && h <= '9' ? h - '0' : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10 : -1;
                    if (d < 0) {
                        syntax_error();
                    }
                    cp = cp * 16 + (uint32_t)d;
                }
                vstr_add_char(&v, cp);
                break;
            }
            default:
                vstr_add_byte(&v, (uint8_t)c);
                break;
        }
    }
    if (p->pos >= p->len) {
        syntax_error();
    }
    p->pos++;
    return str_from_vstr(&type_str, &v);
}

static obj_t parse_number(parser_t *p) {
    size_t start = p->pos;
    bool is_float = false;
    if (p->s[p->pos] == '-') {
        p->pos++;
    }
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c >= '0' && c <= '9') {
            p->pos++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || (c == '-' && is_float)) {
            is_float = true;
            p->pos++;
        } else {
            break;
        }
    }
    if (p->pos == start) {
        syntax_error();
    }
    if (is_float) {
        bool ok;
        obj_t f = float_parse(p->s + start, p->pos - start, &ok);
        if (!ok) {
            syntax_error();
        }
        return f;
    }
    return int_from_str(p->s + start, p->pos - start, 10, false);
}

static obj_t parse_value(parser_t *p) {
    rt_check_stack();
    skip_ws(p);
    if (p->pos >= p->len) {
        syntax_error();
    }
    char c = p->s[p->pos];
    if (c == '"') {
        return parse_string(p);
    }
    if (c == '[') {
        p->pos++;
        obj_t l = list_new(0, NULL);
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
            return l;
        }
        for (;;) {
            list_append(l, parse_value(p));
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
            } else if (p->pos < p->len && p->s[p->pos] == ']') {
                p->pos++;
                return l;
            } else {
                syntax_error();
            }
        }
    }
    if (c == '{') {
        p->pos++;
        obj_t d = dict_new(0);
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return d;
        }
        for (;;) {
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                syntax_error();
            }
            obj_t k = parse_string(p);
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                syntax_error();
            }
            p->pos++;
            dict_store(d, k, parse_value(p));
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
            } else if (p->pos < p->len && p->s[p->pos] == '}') {
                p->pos++;
                return d;
            } else {
                syntax_error();
            }
        }
    }
    if (take(p, "null")) {
        return OBJ_NONE;
    }
    if (take(p, "true")) {
        return OBJ_TRUE;
    }
    if (take(p, "false")) {
        return OBJ_FALSE;
    }
    return parse_number(p);
}

static obj_t json_loads(obj_t s) {
    parser_t p;
    p.s = str_get_data(s, &p.len);
    p.pos = 0;
    obj_t v = parse_value(&p);
    skip_ws(&p);
    if (p.pos != p.len) {
        syntax_error();
    }
    return v;
}
static BUILTIN_FUN_1(json_loads_obj, json_loads);

static obj_t json_load(obj_t stream) {
    obj_t dest[2];
    rt_load_method(stream, QSTR_read, dest);
    return json_loads(rt_call_method(0, 0, dest));
}
static BUILTIN_FUN_1(json_load_obj, json_load);

static const map_elem_t json_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_json)),
    ROM_ENTRY(Q_dumps, &json_dumps_obj),
    ROM_ENTRY(Q_dump, &json_dump_obj),
    ROM_ENTRY(Q_loads, &json_loads_obj),
    ROM_ENTRY(Q_load, &json_load_obj),
};
static ROM_DICT(json_dict, json_table);
const obj_module_t module_json = {{&type_module}, (obj_t)&json_dict};

#endif // RT_MOD_JSON
