// runtime/objstr.c: str and bytes. A str is either an interned qstr (a
// tagged word) or a heap object holding UTF-8 bytes; bytes share the object
// layout and most methods. Indexing counts code points. The method set is
// MicroPython's (no title(), zfill() and friends), with its error messages.
#include <string.h>

#include "obj.h"

enum {
    HASH_MASK = STR_HASH_MASK,
    ASCII_KNOWN = STR_ASCII_KNOWN,
    ASCII_YES = STR_ASCII_YES,
};

obj_t str_new(const type_t *t, const char *data, size_t len) {
    obj_str_t *o = gc_alloc(sizeof(obj_str_t) + len + 1);
    uint8_t *d = (uint8_t *)(o + 1);
    if (len && data != NULL) {
        memcpy(d, data, len);
    }
    o->base.type = t;
    o->len = len;
    o->data = d;
    return (obj_t)o;
}

obj_t str_new_cstr(const char *s) {
    return str_new(&type_str, s, strlen(s));
}

obj_t bytes_new(const uint8_t *data, size_t len) {
    return str_new(&type_bytes, (const char *)data, len);
}

obj_t str_intern_new(const char *data, size_t len) {
    return obj_qstr(rtq_intern(data, len));
}

obj_t str_from_vstr(const type_t *t, vstr_t *v) {
    obj_str_t *o = rt_new(obj_str_t);
    v->buf = gc_realloc(v->buf, v->len + 1);
    v->buf[v->len] = 0;
    o->base.type = t;
    o->len = v->len;
    o->data = (const uint8_t *)v->buf;
    v->buf = NULL;
    v->alloc = 0;
    return (obj_t)o;
}

bool obj_is_bytes_like(obj_t o) {
    return obj_is_type(o, &type_bytes) || (RT_BYTEARRAY && obj_is_type(o, &type_bytearray));
}

const char *str_get_data(obj_t o, size_t *len) {
    if (obj_is_qstr(o)) {
        *len = rtq_len(qstr_value(o));
        return rtq_str(qstr_value(o));
    }
    const type_t *t = obj_type(o);
    if (t == &type_str || t == &type_bytes) {
        const obj_str_t *s = OBJ_TO_PTR(o);
        *len = s->len;
        return (const char *)s->data;
    }
    if (RT_BYTEARRAY && (t == &type_bytearray || t == &type_memoryview || t == &type_array)) {
        const obj_array_t *a = OBJ_TO_PTR(o);
        *len = a->len;
        return (const char *)a->items;
    }
    obj_t n = instance_native(o, &type_object);
    if (n != o) {
        return str_get_data(n, len);
    }
    rt_raise_fmt(&type_TypeError, "can't convert '%s' object to str implicitly", obj_type_name(o));
}

const char *str_get_cstr(obj_t o) {
    size_t len;
    const char *s = str_get_data(o, &len);
    if (obj_is_qstr(o) || s[len] == 0) {
        return s;
    }
    char *c = gc_alloc(len + 1);
    memcpy(c, s, len);
    return c;
}

qstr_t str_get_qstr(obj_t o) {
    if (obj_is_qstr(o)) {
        return qstr_value(o);
    }
    if (!obj_is_str(o)) {
        rt_raise_fmt(&type_TypeError, "can't convert '%s' object to str implicitly", obj_type_name(o));
    }
    size_t len;
    const char *s = str_get_data(o, &len);
    return rtq_intern(s, len);
}

uint32_t str_hash(obj_t o) {
    if (obj_is_qstr(o)) {
        return rtq_hash(qstr_value(o));
    }
    obj_str_t *s = OBJ_TO_PTR(o);
    if ((s->hash & HASH_MASK) == 0) {
        s->hash |= rt_str_hash(s->data, s->len);
    }
    return s->hash & HASH_MASK;
}

bool str_equal(obj_t a, obj_t b) {
    if (a == b) {
        return true;
    }
    if (obj_is_qstr(a) && obj_is_qstr(b)) {
        return false;
    }
    size_t la, lb;
    const char *da = str_get_data(a, &la);
    const char *db = str_get_data(b, &lb);
    if (la != lb) {
        return false;
    }
    if (!obj_is_qstr(a) && !obj_is_qstr(b)) {
        uint32_t ha = ((obj_str_t *)a)->hash & HASH_MASK;
        uint32_t hb = ((obj_str_t *)b)->hash & HASH_MASK;
        if (ha && hb && ha != hb) {
            return false;
        }
    }
    return memcmp(da, db, la) == 0;
}

static bool data_is_ascii(const uint8_t *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] & 0x80) {
            return false;
        }
    }
    return true;
}

static bool str_is_ascii(obj_t o) {
    size_t len;
    const char *s = str_get_data(o, &len);
    if (obj_is_qstr(o) || !obj_is_type(o, &type_str)) {
        return data_is_ascii((const uint8_t *)s, len);
    }
    obj_str_t *so = OBJ_TO_PTR(o);
    if (!(so->hash & ASCII_KNOWN)) {
        so->hash |= ASCII_KNOWN | (data_is_ascii(so->data, so->len) ? ASCII_YES : 0);
    }
    return (so->hash & ASCII_YES) != 0;
}

// ---------------------------------------------------------------------------
// UTF-8.
size_t utf8_charlen(const uint8_t *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            n++;
        }
    }
    return n;
}

const uint8_t *utf8_offset(const uint8_t *s, size_t len, size_t char_index) {
    const uint8_t *end = s + len;
    while (s < end && char_index > 0) {
        s++;
        while (s < end && (*s & 0xc0) == 0x80) {
            s++;
        }
        char_index--;
    }
    return s;
}

uint32_t utf8_decode(const uint8_t **ps) {
    const uint8_t *s = *ps;
    uint32_t c = *s++;
    if (c >= 0xc0) {
        int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
        c &= 0x3f >> extra;
        while (extra-- > 0 && (*s & 0xc0) == 0x80) {
            c = (c << 6) | (*s++ & 0x3f);
        }
    }
    *ps = s;
    return c;
}

static bool utf8_valid(const uint8_t *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        if (c < 0x80) {
            n = 0;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
        } else {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80) {
                return false;
            }
        }
        i += n + 1;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Printing.
void str_print_quoted(const print_t *p, const uint8_t *s, size_t len, bool is_bytes) {
    bool has_single = false, has_double = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\'') {
            has_single = true;
        } else if (s[i] == '"') {
            has_double = true;
        }
    }
    char quote = has_single && !has_double ? '"' : '\'';
    vstr_t v;
    vstr_init(&v, len + 3);
    vstr_add_byte(&v, (uint8_t)quote);
    const uint8_t *end = s + len;
    while (s < end) {
        uint32_t ch = is_bytes ? *s++ : utf8_decode(&s);
        if (ch == (uint32_t)quote) {
            vstr_add_byte(&v, '\\');
            vstr_add_byte(&v, (uint8_t)quote);
        } else if (ch == '\\') {
            vstr_add_str(&v, "\\\\");
        } else if (ch >= 32 && ch <= 126) {
            vstr_add_byte(&v, (uint8_t)ch);
        } else if (ch == '\n') {
            vstr_add_str(&v, "\\n");
        } else if (ch == '\r') {
            vstr_add_str(&v, "\\r");
        } else if (ch == '\t') {
            vstr_add_str(&v, "\\t");
        } else if (ch < 0x100) {
            vstr_printf(&v, "\\x%02x", (unsigned)ch);
        } else if (ch < 0x10000) {
            vstr_printf(&v, "\\u%04x", (unsigned)ch);
        } else {
            vstr_printf(&v, "\\U%08x", (unsigned)ch);
        }
    }
    vstr_add_byte(&v, (uint8_t)quote);
    print_strn(p, v.buf, v.len);
    vstr_clear(&v);
}

static void str_print(const print_t *p, obj_t o, print_kind_t kind) {
    size_t len;
    const char *s = str_get_data(o, &len);
    bool is_bytes = obj_type(o) == &type_bytes;
    if (kind == PRINT_STR && !is_bytes) {
        print_strn(p, s, len);
        return;
    }
    if (is_bytes) {
        print_str(p, "b");
    }
    str_print_quoted(p, (const uint8_t *)s, len, is_bytes);
}

// ---------------------------------------------------------------------------
// Construction.
static obj_t str_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 3, false);
    if (n_args == 0) {
        return obj_qstr(QSTR_empty);
    }
    if (n_args == 1) {
        return obj_str(args[0]);
    }
    buffer_info_t info;
    if (!obj_get_buffer(args[0], &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    if (!utf8_valid(info.buf, info.len)) {
        rt_raise(&type_UnicodeError, NULL);
    }
    return str_new(&type_str, info.buf, info.len);
}

static obj_t bytes_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    arg_check_num(n_args, n_kw, 0, 3, false);
    if (n_args == 0) {
        return bytes_new(NULL, 0);
    }
    obj_t x = args[0];
    if (obj_is_str(x)) {
        if (n_args < 2) {
            rt_raise_type_error("string argument without an encoding");
        }
        size_t len;
        const char *s = str_get_data(x, &len);
        return bytes_new((const uint8_t *)s, len);
    }
    if (obj_is_small_int(x)) {
        rt_int_t n = small_int_value(x);
        if (n < 0) {
            rt_raise_value_error("negative count");
        }
        obj_str_t *o = OBJ_TO_PTR(bytes_new(NULL, (size_t)n));
        return (obj_t)o;
    }
    buffer_info_t info;
    if (obj_get_buffer(x, &info, BUFFER_READ)) {
        return bytes_new(info.buf, info.len);
    }
    vstr_t v;
    vstr_init(&v, 16);
    iter_buf_t buf;
    obj_t it = rt_getiter(x, &buf);
    obj_t item;
    while ((item = rt_iternext(it)) != OBJ_STOP_ITERATION) {
        rt_int_t b = obj_get_int(item);
        if (b < 0 || b > 255) {
            rt_raise_value_error("bytes value out of range");
        }
        vstr_add_byte(&v, (uint8_t)b);
    }
    return str_from_vstr(&type_bytes, &v);
}

// ---------------------------------------------------------------------------
// Helpers for methods.
static const type_t *self_type(obj_t o) {
    const type_t *t = obj_type(o);
    return RT_BYTEARRAY && t == &type_bytearray ? &type_bytes : t;
}

static obj_t new_like(obj_t self, const char *data, size_t len) {
    if (RT_BYTEARRAY && obj_type(self) == &type_bytearray) {
        return bytearray_new(len, (const uint8_t *)data);
    }
    if (self_type(self) == &type_bytes) {
        return bytes_new((const uint8_t *)data, len);
    }
    return str_new(&type_str, data, len);
}

static const char *arg_data(obj_t self, obj_t arg, size_t *len) {
    bool self_bytes = self_type(self) == &type_bytes;
    bool arg_bytes = obj_is_bytes_like(arg);
    if ((self_bytes && !arg_bytes) || (!self_bytes && !obj_is_str(arg))) {
        rt_raise_fmt(&type_TypeError, "can't convert '%s' object to %s implicitly",
                     obj_type_name(arg), self_bytes ? "bytes" : "str");
    }
    return str_get_data(arg, len);
}

static bool is_ws(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Converts optional start/end arguments (code point indices for str) into
// byte offsets within s[0..len).
static void get_range(obj_t self, const char *s, size_t len, size_t n_args, const obj_t *args,
                      size_t first, size_t *lo, size_t *hi) {
    bool ascii = self_type(self) == &type_bytes || str_is_ascii(self);
    size_t clen = ascii ? len : utf8_charlen((const uint8_t *)s, len);
    rt_int_t start = 0, end = (rt_int_t)clen;
    if (n_args > first && args[first] != OBJ_NONE) {
        start = obj_get_int(args[first]);
        if (start < 0) {
            start += (rt_int_t)clen;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > (rt_int_t)clen) {
            start = (rt_int_t)clen;
        }
    }
    if (n_args > first + 1 && args[first + 1] != OBJ_NONE) {
        end = obj_get_int(args[first + 1]);
        if (end < 0) {
            end += (rt_int_t)clen;
        }
        if (end < 0) {
            end = 0;
        }
        if (end > (rt_int_t)clen) {
            end = (rt_int_t)clen;
        }
    }
    if (ascii) {
        *lo = (size_t)start;
        *hi = (size_t)end;
    } else {
        *lo = (size_t)((const char *)utf8_offset((const uint8_t *)s, len, (size_t)start) - s);
        *hi = (size_t)((const char *)utf8_offset((const uint8_t *)s, len, (size_t)end) - s);
    }
}

static const char *find_sub(const char *hay, size_t hn, const char *needle, size_t nn, bool reverse) {
    if (nn > hn) {
        return NULL;
    }
    if (!reverse) {
        if (nn == 0) {
            return hay;
        }
        const char *end = hay + hn - nn;
        for (const char *p = hay; p <= end; p++) {
            if (*p == *needle && memcmp(p, needle, nn) == 0) {
                return p;
            }
        }
    } else {
        for (const char *p = hay + hn - nn;; p--) {
            if (memcmp(p, needle, nn) == 0) {
                return p;
            }
            if (p == hay) {
                break;
            }
        }
    }
    return NULL;
}

static obj_t char_index_of(obj_t self, const char *s, const char *at) {
    size_t off = (size_t)(at - s);
    if (self_type(self) == &type_bytes || str_is_ascii(self)) {
        return small_int((rt_int_t)off);
    }
    return small_int((rt_int_t)utf8_charlen((const uint8_t *)s, off));
}

static obj_t finder(size_t n_args, const obj_t *args, bool reverse, bool raise) {
    obj_t self = args[0];
    size_t len, nlen;
    const char *s = str_get_data(self, &len);
    const char *needle = arg_data(self, args[1], &nlen);
    size_t lo, hi;
    get_range(self, s, len, n_args, args, 2, &lo, &hi);
    const char *p = hi >= lo ? find_sub(s + lo, hi - lo, needle, nlen, reverse) : NULL;
    if (p == NULL) {
        if (raise) {
            rt_raise_value_error("substring not found");
        }
        return small_int(-1);
    }
    return char_index_of(self, s, p);
}

static obj_t str_find(size_t n, const obj_t *args) {
    return finder(n, args, false, false);
}
static obj_t str_rfind(size_t n, const obj_t *args) {
    return finder(n, args, true, false);
}
static obj_t str_index(size_t n, const obj_t *args) {
    return finder(n, args, false, true);
}
static obj_t str_rindex(size_t n, const obj_t *args) {
    return finder(n, args, true, true);
}

static obj_t str_count(size_t n_args, const obj_t *args) {
    obj_t self = args[0];
    size_t len, nlen;
    const char *s = str_get_data(self, &len);
    const char *needle = arg_data(self, args[1], &nlen);
    size_t lo, hi;
    get_range(self, s, len, n_args, args, 2, &lo, &hi);
    if (hi < lo) {
        return small_int(0);
    }
    if (nlen == 0) {
        const uint8_t *b = (const uint8_t *)s + lo;
        size_t chars = self_type(self) == &type_bytes ? hi - lo : utf8_charlen(b, hi - lo);
        return small_int((rt_int_t)chars + 1);
    }
    rt_int_t count = 0;
    const char *p = s + lo;
    const char *end = s + hi;
    while ((size_t)(end - p) >= nlen) {
        const char *q = find_sub(p, (size_t)(end - p), needle, nlen, false);
        if (q == NULL) {
            break;
        }
        count++;
        p = q + nlen;
    }
    return small_int(count);
}

static bool match_at(obj_t self, obj_t prefix, const char *s, size_t lo, size_t hi, bool at_end) {
    size_t plen;
    const char *pd = arg_data(self, prefix, &plen);
    if (plen > hi - lo) {
        return false;
    }
    const char *at = at_end ? s + hi - plen : s + lo;
    return memcmp(at, pd, plen) == 0;
}

static obj_t starts_ends(size_t n_args, const obj_t *args, bool at_end) {
    obj_t self = args[0];
    size_t len;
    const char *s = str_get_data(self, &len);
    size_t lo, hi;
    get_range(self, s, len, n_args, args, 2, &lo, &hi);
    if (hi < lo) {
        return OBJ_FALSE;
    }
    if (obj_is_type(args[1], &type_tuple)) {
        obj_tuple_t *t = OBJ_TO_PTR(args[1]);
        for (size_t i = 0; i < t->len; i++) {
            if (match_at(self, t->items[i], s, lo, hi, at_end)) {
                return OBJ_TRUE;
            }
        }
        return OBJ_FALSE;
    }
    return OBJ_BOOL(match_at(self, args[1], s, lo, hi, at_end));
}

static obj_t str_startswith(size_t n, const obj_t *args) {
    return starts_ends(n, args, false);
}
static obj_t str_endswith(size_t n, const obj_t *args) {
    return starts_ends(n, args, true);
}

static obj_t stripper(size_t n_args, const obj_t *args, int which) {
    obj_t self = args[0];
    size_t len;
    const char *s = str_get_data(self, &len);
    const char *chars = NULL;
    size_t nchars = 0;
    if (n_args > 1 && args[1] != OBJ_NONE) {
        chars = arg_data(self, args[1], &nchars);
    }
    size_t lo = 0, hi = len;
    if (which <= 0) {
        while (lo < hi && (chars ? memchr(chars, s[lo], nchars) != NULL : is_ws((uint8_t)s[lo]))) {
            lo++;
        }
    }
    if (which >= 0) {
        while (hi > lo && (chars ? memchr(chars, s[hi - 1], nchars) != NULL : is_ws((uint8_t)s[hi - 1]))) {
            hi--;
        }
    }
    if (lo == 0 && hi == len) {
        return self;
    }
    return new_like(self, s + lo, hi - lo);
}

static obj_t str_strip(size_t n, const obj_t *args) {
    return stripper(n, args, 0);
}
static obj_t str_lstrip(size_t n, const obj_t *args) {
    return stripper(n, args, -1);
}
static obj_t str_rstrip(size_t n, const obj_t *args) {
    return stripper(n, args, 1);
}

static obj_t str_split_impl(size_t n_args, const obj_t *args) {
    obj_t self = args[0];
    size_t len;
    const char *s = str_get_data(self, &len);
    rt_int_t maxsplit = n_args > 2 ? obj_get_int(args[2]) : -1;
    obj_t res = list_new(0, NULL);
    if (n_args < 2 || args[1] == OBJ_NONE) {
        size_t i = 0;
        while (i < len) {
            while (i < len && is_ws((uint8_t)s[i])) {
                i++;
            }
            if (i == len) {
                break;
            }
            if (maxsplit == 0) {
                list_append(res, new_like(self, s + i, len - i));
                break;
            }
            size_t j = i;
            while (j < len && !is_ws((uint8_t)s[j])) {
                j++;
            }
            list_append(res, new_like(self, s + i, j - i));
            if (maxsplit > 0) {
                maxsplit--;
            }
            i = j;
        }
        return res;
    }
    size_t slen;
    const char *sep = arg_data(self, args[1], &slen);
    if (slen == 0) {
        rt_raise_value_error("empty separator");
    }
    const char *p = s;
    const char *end = s + len;
    for (;;) {
        const char *q = maxsplit == 0 ? NULL : find_sub(p, (size_t)(end - p), sep, slen, false);
        if (q == NULL) {
            list_append(res, new_like(self, p, (size_t)(end - p)));
            break;
        }
        list_append(res, new_like(self, p, (size_t)(q - p)));
        p = q + slen;
        if (maxsplit > 0) {
            maxsplit--;
        }
    }
    return res;
}

static obj_t str_rsplit(size_t n_args, const obj_t *args) {
    if (n_args < 3 || obj_get_int(args[2]) < 0) {
        return str_split_impl(n_args, args);
    }
    if (args[1] == OBJ_NONE) {
        rt_raise_not_impl("rsplit(None,n)");
    }
    obj_t self = args[0];
    size_t len, slen;
    const char *s = str_get_data(self, &len);
    const char *sep = arg_data(self, args[1], &slen);
    if (slen == 0) {
        rt_raise_value_error("empty separator");
    }
    rt_int_t maxsplit = obj_get_int(args[2]);
    obj_t res = list_new(0, NULL);
    size_t end = len;
    obj_t parts = list_new(0, NULL);
    while (maxsplit > 0) {
        const char *q = end >= slen ? find_sub(s, end, sep, slen, true) : NULL;
        if (q == NULL) {
            break;
        }
        size_t at = (size_t)(q - s);
        list_append(parts, new_like(self, q + slen, end - at - slen));
        end = at;
        maxsplit--;
    }
    list_append(res, new_like(self, s, end));
    obj_list_t *pl = OBJ_TO_PTR(parts);
    for (size_t i = pl->len; i > 0; i--) {
        list_append(res, pl->items[i - 1]);
    }
    return res;
}

static obj_t str_splitlines(size_t n_args, const obj_t *args, map_t *kw) {
    static const arg_spec_t spec[] = {{Q_keepends, 0, OBJ_FALSE}};
    obj_t keep;
    arg_parse(n_args - 1, args + 1, kw, 1, spec, &keep);
    obj_t self = args[0];
    size_t len;
    const char *s = str_get_data(self, &len);
    obj_t res = list_new(0, NULL);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '\n' && s[j] != '\r') {
            j++;
        }
        size_t e = j;
        if (j < len) {
            j += (s[j] == '\r' && j + 1 < len && s[j + 1] == '\n') ? 2 : 1;
        }
        list_append(res, new_like(self, s + i, obj_is_true(keep) ? j - i : e - i));
        i = j;
    }
    return res;
}

obj_t str_join(obj_t self, obj_t seq) {
    size_t seplen;
    const char *sep = str_get_data(self, &seplen);
    bool is_bytes = self_type(self) == &type_bytes;
    size_t n;
    obj_t *items;
    if (!obj_is_type(seq, &type_list) && !obj_is_type(seq, &type_tuple)) {
        seq = list_from_iter(seq);
    }
    obj_get_array(seq, &n, &items);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok = is_bytes ? obj_is_bytes_like(items[i]) : obj_is_str(items[i]);
        if (!ok) {
            rt_raise_type_error("join expects a list of str/bytes objects consistent with self object");
        }
        size_t l;
        str_get_data(items[i], &l);
        total += l + (i ? seplen : 0);
    }
    vstr_t v;
    vstr_init(&v, total + 1);
    for (size_t i = 0; i < n; i++) {
        if (i) {
            vstr_add_strn(&v, sep, seplen);
        }
        size_t l;
        const char *d = str_get_data(items[i], &l);
        vstr_add_strn(&v, d, l);
    }
    return str_from_vstr(is_bytes ? &type_bytes : &type_str, &v);
}

static obj_t str_replace(size_t n_args, const obj_t *args) {
    obj_t self = args[0];
    size_t len, olen, nlen;
    const char *s = str_get_data(self, &len);
    const char *old = arg_data(self, args[1], &olen);
    const char *new_ = arg_data(self, args[2], &nlen);
    rt_int_t max = n_args > 3 ? obj_get_int(args[3]) : -1;
    if (max == 0) {
        return self;
    }
    vstr_t v;
    vstr_init(&v, len + 1);
    const char *p = s;
    const char *end = s + len;
    bool changed = false;
    if (olen == 0) {
        // Insert between every character.
        while (max != 0) {
            vstr_add_strn(&v, new_, nlen);
            changed = true;
            if (max > 0) {
                max--;
            }
            if (p == end) {
                break;
            }
            const uint8_t *q = (const uint8_t *)p;
            utf8_decode(&q);
            vstr_add_strn(&v, p, (size_t)((const char *)q - p));
            p = (const char *)q;
        }
        vstr_add_strn(&v, p, (size_t)(end - p));
    } else {
        while (max != 0) {
            const char *q = find_sub(p, (size_t)(end - p), old, olen, false);
            if (q == NULL) {
                break;
            }
            vstr_add_strn(&v, p, (size_t)(q - p));
            vstr_add_strn(&v, new_, nlen);
            p = q + olen;
            changed = true;
            if (max > 0) {
                max--;
            }
        }
        vstr_add_strn(&v, p, (size_t)(end - p));
    }
    if (!changed) {
        vstr_clear(&v);
        return self;
    }
    if (RT_BYTEARRAY && obj_type(self) == &type_bytearray) {
        obj_t r = bytearray_new(v.len, (const uint8_t *)v.buf);
        vstr_clear(&v);
        return r;
    }
    return str_from_vstr(self_type(self), &v);
}

static obj_t partitioner(obj_t self, obj_t sep_in, bool reverse) {
    size_t len, slen;
    const char *s = str_get_data(self, &len);
    const char *sep = arg_data(self, sep_in, &slen);
    if (slen == 0) {
        rt_raise_value_error("empty separator");
    }
    const char *q = find_sub(s, len, sep, slen, reverse);
    obj_t empty = new_like(self, "", 0);
    obj_t items[3];
    if (q == NULL) {
        if (reverse) {
            items[0] = empty;
            items[1] = empty;
            items[2] = self;
        } else {
            items[0] = self;
            items[1] = empty;
            items[2] = empty;
        }
    } else {
        items[0] = new_like(self, s, (size_t)(q - s));
        items[1] = sep_in;
        items[2] = new_like(self, q + slen, len - (size_t)(q - s) - slen);
    }
    return tuple_new(3, items);
}

static obj_t str_partition(obj_t self, obj_t sep) {
    return partitioner(self, sep, false);
}
static obj_t str_rpartition(obj_t self, obj_t sep) {
    return partitioner(self, sep, true);
}

static obj_t case_map(obj_t self, bool upper) {
    size_t len;
    const char *s = str_get_data(self, &len);
    vstr_t v;
    vstr_init(&v, len + 1);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (upper && c >= 'a' && c <= 'z') {
            c = (char)(c - 32);
        } else if (!upper && c >= 'A' && c <= 'Z') {
            c = (char)(c + 32);
        }
        vstr_add_byte(&v, (uint8_t)c);
    }
    if (RT_BYTEARRAY && obj_type(self) == &type_bytearray) {
        obj_t r = bytearray_new(v.len, (const uint8_t *)v.buf);
        vstr_clear(&v);
        return r;
    }
    return str_from_vstr(self_type(self), &v);
}

static obj_t str_lower(obj_t self) {
    return case_map(self, false);
}
static obj_t str_upper(obj_t self) {
    return case_map(self, true);
}

typedef bool (*char_test_t)(uint8_t c);
static bool t_space(uint8_t c) {
    return is_ws(c);
}
static bool t_alpha(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool t_digit(uint8_t c) {
    return c >= '0' && c <= '9';
}

static obj_t test_all(obj_t self, char_test_t test) {
    size_t len;
    const char *s = str_get_data(self, &len);
    if (len == 0) {
        return OBJ_FALSE;
    }
    for (size_t i = 0; i < len; i++) {
        if (!test((uint8_t)s[i])) {
            return OBJ_FALSE;
        }
    }
    return OBJ_TRUE;
}

static obj_t str_isspace(obj_t self) {
    return test_all(self, t_space);
}
static obj_t str_isalpha(obj_t self) {
    return test_all(self, t_alpha);
}
static obj_t str_isdigit(obj_t self) {
    return test_all(self, t_digit);
}

// isupper/islower: every cased character has the case, and there is one.
static obj_t case_test(obj_t self, bool upper) {
    size_t len;
    const char *s = str_get_data(self, &len);
    bool any = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if (t_alpha(c)) {
            bool is_up = c <= 'Z';
            if (is_up != upper) {
                return OBJ_FALSE;
            }
            any = true;
        }
    }
    return OBJ_BOOL(any);
}

static obj_t str_isupper(obj_t self) {
    return case_test(self, true);
}
static obj_t str_islower(obj_t self) {
    return case_test(self, false);
}

static obj_t str_center(obj_t self, obj_t width_in) {
    size_t len;
    const char *s = str_get_data(self, &len);
    rt_int_t width = obj_get_int(width_in);
    size_t clen = len;
    if (width <= (rt_int_t)clen) {
        return self;
    }
    size_t pad = (size_t)width - clen;
    size_t left = pad / 2;
    vstr_t v;
    vstr_init(&v, len + pad + 1);
    for (size_t i = 0; i < left; i++) {
        vstr_add_byte(&v, ' ');
    }
    vstr_add_strn(&v, s, len);
    for (size_t i = left; i < pad; i++) {
        vstr_add_byte(&v, ' ');
    }
    return str_from_vstr(self_type(self), &v);
}

static obj_t str_encode(size_t n, const obj_t *args) {
    (void)n;
    size_t len;
    const char *s = str_get_data(args[0], &len);
    return bytes_new((const uint8_t *)s, len);
}

static obj_t bytes_decode(size_t n, const obj_t *args) {
    (void)n;
    size_t len;
    const char *s = str_get_data(args[0], &len);
    if (!utf8_valid((const uint8_t *)s, len)) {
        rt_raise(&type_UnicodeError, NULL);
    }
    return str_new(&type_str, s, len);
}

static obj_t bytes_hex(size_t n, const obj_t *args) {
    size_t len;
    const uint8_t *s = (const uint8_t *)str_get_data(args[0], &len);
    const char *sep = NULL;
    size_t seplen = 0;
    if (n > 1) {
        sep = str_get_data(args[1], &seplen);
    }
    vstr_t v;
    vstr_init(&v, len * 3 + 1);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        if (i && sep) {
            vstr_add_strn(&v, sep, seplen);
        }
        vstr_add_byte(&v, (uint8_t)digits[s[i] >> 4]);
        vstr_add_byte(&v, (uint8_t)digits[s[i] & 15]);
    }
    return str_from_vstr(&type_str, &v);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

obj_t bytes_fromhex_data(const char *s, size_t len, const type_t *t);
obj_t bytes_fromhex_data(const char *s, size_t len, const type_t *t) {
    vstr_t v;
    vstr_init(&v, len / 2 + 1);
    size_t i = 0;
    while (i < len) {
        if (is_ws((uint8_t)s[i])) {
            i++;
            continue;
        }
        int hi = hex_digit(s[i]);
        int lo = i + 1 < len ? hex_digit(s[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            rt_raise_value_error("non-hex digit found");
        }
        vstr_add_byte(&v, (uint8_t)(hi * 16 + lo));
        i += 2;
    }
    if (RT_BYTEARRAY && t == &type_bytearray) {
        obj_t r = bytearray_new(v.len, (const uint8_t *)v.buf);
        vstr_clear(&v);
        return r;
    }
    return str_from_vstr(&type_bytes, &v);
}

static obj_t bytes_fromhex(obj_t cls, obj_t hex) {
    size_t len;
    const char *s = str_get_data(hex, &len);
    return bytes_fromhex_data(s, len, (const type_t *)cls);
}

static BUILTIN_FUN_VAR(str_find_obj, 2, 4, str_find);
static BUILTIN_FUN_VAR(str_rfind_obj, 2, 4, str_rfind);
static BUILTIN_FUN_VAR(str_index_obj, 2, 4, str_index);
static BUILTIN_FUN_VAR(str_rindex_obj, 2, 4, str_rindex);
static BUILTIN_FUN_VAR(str_count_obj, 2, 4, str_count);
static BUILTIN_FUN_VAR(str_startswith_obj, 2, 4, str_startswith);
static BUILTIN_FUN_VAR(str_endswith_obj, 2, 4, str_endswith);
static BUILTIN_FUN_VAR(str_strip_obj, 1, 2, str_strip);
static BUILTIN_FUN_VAR(str_lstrip_obj, 1, 2, str_lstrip);
static BUILTIN_FUN_VAR(str_rstrip_obj, 1, 2, str_rstrip);
static BUILTIN_FUN_VAR(str_split_obj, 1, 3, str_split_impl);
static BUILTIN_FUN_VAR(str_rsplit_obj, 1, 3, str_rsplit);
static BUILTIN_FUN_KW(str_splitlines_obj, 1, str_splitlines);
static BUILTIN_FUN_2(str_join_obj, str_join);
static BUILTIN_FUN_VAR(str_replace_obj, 3, 4, str_replace);
static BUILTIN_FUN_2(str_partition_obj, str_partition);
static BUILTIN_FUN_2(str_rpartition_obj, str_rpartition);
static BUILTIN_FUN_1(str_lower_obj, str_lower);
static BUILTIN_FUN_1(str_upper_obj, str_upper);
static BUILTIN_FUN_1(str_isspace_obj, str_isspace);
static BUILTIN_FUN_1(str_isalpha_obj, str_isalpha);
static BUILTIN_FUN_1(str_isdigit_obj, str_isdigit);
static BUILTIN_FUN_1(str_isupper_obj, str_isupper);
static BUILTIN_FUN_1(str_islower_obj, str_islower);
static BUILTIN_FUN_2(str_center_obj, str_center);
static BUILTIN_FUN_VAR(str_encode_obj, 1, 3, str_encode);
static BUILTIN_FUN_VAR(bytes_decode_obj, 1, 3, bytes_decode);
static BUILTIN_FUN_VAR(bytes_hex_obj, 1, 2, bytes_hex);
static BUILTIN_FUN_2(bytes_fromhex_fun_obj, bytes_fromhex);
const obj_wrapper_t bytes_fromhex_obj = {{&type_classmethod}, ROM_PTR(&bytes_fromhex_fun_obj)};
#if RT_STR_FORMAT
static BUILTIN_FUN_KW(str_format_obj, 1, str_format_method);
#define STR_FORMAT_METHOD ROM_ENTRY(QSTR_format, &str_format_obj),
#else
#define STR_FORMAT_METHOD
#endif

#define COMMON_STR_METHODS                                 \
    ROM_ENTRY(QSTR_count, &str_count_obj),                 \
    ROM_ENTRY(QSTR_endswith, &str_endswith_obj),           \
    ROM_ENTRY(QSTR_find, &str_find_obj),                   \
    ROM_ENTRY(QSTR_index, &str_index_obj),                 \
    ROM_ENTRY(QSTR_isalpha, &str_isalpha_obj),             \
    ROM_ENTRY(QSTR_isdigit, &str_isdigit_obj),             \
    ROM_ENTRY(QSTR_islower, &str_islower_obj),             \
    ROM_ENTRY(QSTR_isspace, &str_isspace_obj),             \
    ROM_ENTRY(QSTR_isupper, &str_isupper_obj),             \
    ROM_ENTRY(QSTR_join, &str_join_obj),                   \
    ROM_ENTRY(QSTR_lower, &str_lower_obj),                 \
    ROM_ENTRY(QSTR_lstrip, &str_lstrip_obj),               \
    ROM_ENTRY(QSTR_replace, &str_replace_obj),             \
    ROM_ENTRY(QSTR_rfind, &str_rfind_obj),                 \
    ROM_ENTRY(QSTR_rindex, &str_rindex_obj),               \
    ROM_ENTRY(QSTR_rsplit, &str_rsplit_obj),               \
    ROM_ENTRY(QSTR_rstrip, &str_rstrip_obj),               \
    ROM_ENTRY(QSTR_split, &str_split_obj),                 \
    ROM_ENTRY(QSTR_startswith, &str_startswith_obj),       \
    ROM_ENTRY(QSTR_strip, &str_strip_obj),                 \
    ROM_ENTRY(QSTR_upper, &str_upper_obj),                 \
    ROM_ENTRY(Q_center, &str_center_obj),                  \
    ROM_ENTRY(Q_partition, &str_partition_obj),            \
    ROM_ENTRY(Q_rpartition, &str_rpartition_obj),          \
    ROM_ENTRY(Q_splitlines, &str_splitlines_obj)

static const map_elem_t str_locals_table[] = {
    COMMON_STR_METHODS,
    STR_FORMAT_METHOD
    ROM_ENTRY(Q_encode, &str_encode_obj),
};
static ROM_DICT(str_locals, str_locals_table);

static const map_elem_t bytes_locals_table[] = {
    COMMON_STR_METHODS,
    STR_FORMAT_METHOD
    ROM_ENTRY(Q_decode, &bytes_decode_obj),
    ROM_ENTRY(Q_fromhex, &bytes_fromhex_obj),
    ROM_ENTRY(Q_hex, &bytes_hex_obj),
};
static ROM_DICT(bytes_locals, bytes_locals_table);

// bytearray shares the text methods; exported for objarray.c.
const map_elem_t *str_common_methods(size_t *n);
const map_elem_t *str_common_methods(size_t *n) {
    *n = sizeof(bytes_locals_table) / sizeof(bytes_locals_table[0]);
    return bytes_locals_table;
}

// ---------------------------------------------------------------------------
// Operators, subscripts, iteration.
static obj_t str_unary_op(int op, obj_t o) {
    size_t len;
    const char *s = str_get_data(o, &len);
    switch (op) {
        case OP_BOOL:
            return OBJ_BOOL(len != 0);
        case OP_LEN:
            if (obj_type(o) == &type_bytes || str_is_ascii(o)) {
                return small_int((rt_int_t)len);
            }
            return small_int((rt_int_t)utf8_charlen((const uint8_t *)s, len));
        case OP_HASH:
            return small_int((rt_int_t)str_hash(o));
        default:
            return OBJ_NULL;
    }
}

obj_t str_binary_op(int op, obj_t lhs, obj_t rhs) {
    const type_t *lt = self_type(lhs);
    size_t la;
    const char *a = str_get_data(lhs, &la);
    if (RT_STR_FORMAT && op == OP_MODULO) {
        obj_t r;
        if (obj_is_type(rhs, &type_tuple)) {
            obj_tuple_t *t = OBJ_TO_PTR(rhs);
            r = str_modulo_format(lhs, t->len, t->items, OBJ_NULL);
        } else if (obj_is_type(rhs, &type_dict)) {
            r = str_modulo_format(lhs, 1, &rhs, rhs);
        } else {
            r = str_modulo_format(lhs, 1, &rhs, OBJ_NULL);
        }
        if (lt == &type_bytes) {
            ((obj_str_t *)r)->base.type = &type_bytes;
        }
        return r;
    }
    if (op == OP_MULTIPLY || op == OP_INPLACE_MULTIPLY) {
        rt_int_t n;
        if (!obj_get_int_maybe(rhs, &n)) {
            return OBJ_NULL;
        }
        if (n <= 0) {
            return new_like(lhs, "", 0);
        }
        vstr_t v;
        vstr_init(&v, la * (size_t)n + 1);
        for (rt_int_t i = 0; i < n; i++) {
            vstr_add_strn(&v, a, la);
        }
        return str_from_vstr(lt, &v);
    }
    bool same = lt == &type_str ? obj_is_str(rhs) : obj_is_bytes_like(rhs);
    if (op == OP_CONTAINS) {
        if (!same) {
            if (lt == &type_bytes && obj_is_small_int(rhs)) {
                rt_int_t b = small_int_value(rhs);
                return OBJ_BOOL(b >= 0 && b < 256 && memchr(a, (int)b, la) != NULL);
            }
            rt_raise_fmt(&type_TypeError, "can't convert '%s' object to %s implicitly",
                         obj_type_name(rhs), lt == &type_str ? "str" : "bytes");
        }
        size_t lb;
        const char *b = str_get_data(rhs, &lb);
        return OBJ_BOOL(find_sub(a, la, b, lb, false) != NULL);
    }
    if (!same) {
        return OBJ_NULL;
    }
    size_t lb;
    const char *b = str_get_data(rhs, &lb);
    switch (op) {
        case OP_ADD:
        case OP_INPLACE_ADD: {
            if (lb == 0) {
                return lhs;
            }
            if (la == 0 && obj_type(rhs) == lt) {
                return rhs;
            }
            obj_str_t *o = gc_alloc(sizeof(obj_str_t) + la + lb + 1);
            uint8_t *d = (uint8_t *)(o + 1);
            memcpy(d, a, la);
            memcpy(d + la, b, lb);
            o->base.type = lt;
            o->len = la + lb;
            o->data = d;
            return (obj_t)o;
        }
        case OP_EQUAL:
            return OBJ_BOOL(la == lb && memcmp(a, b, la) == 0);
        case OP_NOT_EQUAL:
            return OBJ_BOOL(la != lb || memcmp(a, b, la) != 0);
        case OP_LESS:
        case OP_MORE:
        case OP_LESS_EQUAL:
        case OP_MORE_EQUAL:
            return OBJ_BOOL(seq_cmp_bytes(op, (const uint8_t *)a, la, (const uint8_t *)b, lb));
        default:
            return OBJ_NULL;
    }
}

static obj_t str_subscr(obj_t self, obj_t index, obj_t value) {
    if (value != OBJ_SENTINEL) {
        return OBJ_NULL;
    }
    size_t len;
    const char *s = str_get_data(self, &len);
    bool is_bytes = obj_type(self) == &type_bytes;
    bool ascii = is_bytes || str_is_ascii(self);
    size_t clen = ascii ? len : utf8_charlen((const uint8_t *)s, len);
    if (obj_is_type(index, &type_slice)) {
        slice_bounds_t b;
        slice_indices_step1(index, clen, &b);
        if (ascii) {
            return new_like(self, s + b.start, (size_t)(b.stop - b.start));
        }
        const char *p = (const char *)utf8_offset((const uint8_t *)s, len, (size_t)b.start);
        const char *q = (const char *)utf8_offset((const uint8_t *)s, len, (size_t)b.stop);
        return str_new(&type_str, p, (size_t)(q - p));
    }
    if (is_bytes) {
        size_t i = obj_get_index(&type_bytes, len, index, false);
        return small_int((uint8_t)s[i]);
    }
    rt_int_t i;
    if (!obj_get_int_maybe(index, &i)) {
        rt_raise_fmt(&type_TypeError, "string indices must be integers, not %s", obj_type_name(index));
    }
    if (i < 0) {
        i += (rt_int_t)clen;
    }
    if (i < 0 || (size_t)i >= clen) {
        rt_raise(&type_IndexError, "string index out of range");
    }
    if (ascii) {
        return obj_qstr(rtq_intern(s + i, 1));
    }
    const uint8_t *p = utf8_offset((const uint8_t *)s, len, (size_t)i);
    const uint8_t *q = p;
    utf8_decode(&q);
    return str_new(&type_str, (const char *)p, (size_t)(q - p));
}

typedef struct str_iter {
    obj_base_t base;
    obj_t str;
    size_t pos;
    obj_t unused;
} str_iter_t;

static obj_t str_iternext(obj_t self_in) {
    str_iter_t *it = OBJ_TO_PTR(self_in);
    size_t len;
    const char *s = str_get_data(it->str, &len);
    if (it->pos >= len) {
        return OBJ_STOP_ITERATION;
    }
    if (obj_type(it->str) == &type_bytes) {
        return small_int((uint8_t)s[it->pos++]);
    }
    const uint8_t *p = (const uint8_t *)s + it->pos;
    const uint8_t *q = p;
    utf8_decode(&q);
    it->pos = (size_t)((const char *)q - s);
    if (q - p == 1) {
        return obj_qstr(rtq_intern((const char *)p, 1));
    }
    return str_new(&type_str, (const char *)p, (size_t)(q - p));
}

static const type_t type_str_iter = {
    {&type_type}, TYPE_FLAG_ITER_SELF, QSTR_iter, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, obj_iter_self, str_iternext, NULL, NULL, NULL, NULL,
};

static obj_t str_getiter(obj_t self, iter_buf_t *buf) {
    str_iter_t *it = buf ? (str_iter_t *)buf : rt_new(str_iter_t);
    it->base.type = &type_str_iter;
    it->str = self;
    it->pos = 0;
    return (obj_t)it;
}

static bool str_buffer(obj_t self, buffer_info_t *info, int flags) {
    if (flags & BUFFER_WRITE) {
        return false;
    }
    size_t len;
    info->buf = (void *)str_get_data(self, &len);
    info->len = len;
    info->typecode = 'B';
    return true;
}

const type_t type_str = {
    {&type_type}, 0, QSTR_str, str_print, str_make_new, NULL, str_unary_op, str_binary_op,
    NULL, str_subscr, str_getiter, NULL, str_buffer, NULL, NULL, &str_locals,
};

const type_t type_bytes = {
    {&type_type}, 0, QSTR_bytes, str_print, bytes_make_new, NULL, str_unary_op, str_binary_op,
    NULL, str_subscr, str_getiter, NULL, str_buffer, NULL, NULL, &bytes_locals,
};
