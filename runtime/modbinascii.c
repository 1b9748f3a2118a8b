// runtime/modbinascii.c: the binascii module (hex, base64, crc32).
#include <string.h>

#include "obj.h"

static const uint8_t *buffer_arg(obj_t o, size_t *len) {
    buffer_info_t info;
    if (!obj_get_buffer(o, &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    *len = info.len;
    return info.buf;
}

static obj_t binascii_hexlify(size_t n, const obj_t *args) {
    size_t len;
    const uint8_t *d = buffer_arg(args[0], &len);
    size_t seplen = 0;
    const char *sep = n > 1 && args[1] != OBJ_NONE ? str_get_data(args[1], &seplen) : NULL;
    vstr_t v;
    vstr_init(&v, len * 3 + 1);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        if (i && sep) {
            vstr_add_strn(&v, sep, seplen);
        }
        vstr_add_byte(&v, (uint8_t)hex[d[i] >> 4]);
        vstr_add_byte(&v, (uint8_t)hex[d[i] & 15]);
    }
    return str_from_vstr(&type_bytes, &v);
}
static BUILTIN_FUN_VAR(binascii_hexlify_obj, 1, 2, binascii_hexlify);

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static obj_t binascii_unhexlify(obj_t data) {
    size_t len;
    const uint8_t *d = buffer_arg(data, &len);
    if (len & 1) {
        rt_raise_value_error("odd-length string");
    }
    vstr_t v;
    vstr_init(&v, len / 2 + 1);
    for (size_t i = 0; i < len; i += 2) {
        int hi = hexval(d[i]), lo = hexval(d[i + 1]);
        if (hi < 0 || lo < 0) {
            rt_raise_value_error("non-hex digit found");
        }
        vstr_add_byte(&v, (uint8_t)(hi * 16 + lo));
    }
    return str_from_vstr(&type_bytes, &v);
}
static BUILTIN_FUN_1(binascii_unhexlify_obj, binascii_unhexlify);

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static obj_t binascii_b2a_base64(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    size_t len;
    const uint8_t *d = buffer_arg(args[0], &len);
    map_elem_t *nl = map_lookup(kw, obj_qstr(Q_newline), MAP_LOOKUP);
    vstr_t v;
    vstr_init(&v, len * 4 / 3 + 4);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t x = (uint32_t)d[i] << 16;
        if (i + 1 < len) {
            x |= (uint32_t)d[i + 1] << 8;
        }
        if (i + 2 < len) {
            x |= d[i + 2];
        }
        vstr_add_byte(&v, (uint8_t)b64[(x >> 18) & 63]);
        vstr_add_byte(&v, (uint8_t)b64[(x >> 12) & 63]);
        vstr_add_byte(&v, i + 1 < len ? (uint8_t)b64[(x >> 6) & 63] : '=');
        vstr_add_byte(&v, i + 2 < len ? (uint8_t)b64[x & 63] : '=');
    }
    if (nl == NULL || obj_is_true(nl->value)) {
        vstr_add_byte(&v, '\n');
    }
    return str_from_vstr(&type_bytes, &v);
}
static BUILTIN_FUN_KW(binascii_b2a_base64_obj, 1, binascii_b2a_base64);

static obj_t binascii_a2b_base64(obj_t data) {
    size_t len;
    const uint8_t *d = buffer_arg(data, &len);
    vstr_t v;
    vstr_init(&v, len + 1);
    uint32_t acc = 0;
    int bits = 0;
    size_t n_chars = 0;
    for (size_t i = 0; i < len; i++) {
        const char *p = d[i] ? strchr(b64, d[i]) : NULL;
        if (d[i] == '=') {
            break;
        }
        if (p == NULL) {
            continue;
        }
        acc = (acc << 6) | (uint32_t)(p - b64);
        bits += 6;
        n_chars++;
        if (bits >= 8) {
            bits -= 8;
            vstr_add_byte(&v, (uint8_t)(acc >> bits));
        }
    }
    if (n_chars % 4 == 1) {
        rt_raise_value_error("incorrect padding");
    }
    return str_from_vstr(&type_bytes, &v);
}
static BUILTIN_FUN_1(binascii_a2b_base64_obj, binascii_a2b_base64);

static obj_t binascii_crc32(size_t n, const obj_t *args) {
    size_t len;
    const uint8_t *d = buffer_arg(args[0], &len);
    uint32_t crc = n > 1 ? (uint32_t)obj_get_int_truncated(args[1]) : 0;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= d[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
        }
    }
    return int_from_ull(~crc & 0xffffffffu);
}
static BUILTIN_FUN_VAR(binascii_crc32_obj, 1, 2, binascii_crc32);

static const map_elem_t binascii_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_binascii)),
    ROM_ENTRY(Q_hexlify, &binascii_hexlify_obj),
    ROM_ENTRY(Q_unhexlify, &binascii_unhexlify_obj),
    ROM_ENTRY(Q_b2a_base64, &binascii_b2a_base64_obj),
    ROM_ENTRY(Q_a2b_base64, &binascii_a2b_base64_obj),
    ROM_ENTRY(Q_crc32, &binascii_crc32_obj),
};
static ROM_DICT(binascii_dict, binascii_table);
const obj_module_t module_binascii = {{&type_module}, (obj_t)&binascii_dict};
