// runtime/ports/host/moddeflate.c: the deflate module of the host build,
// on zlib. deflate.DeflateIO(stream, format=AUTO, wbits=0, close=False)
// wraps a stream: read() decompresses what the stream holds, write()
// compresses into it (finished by close()). Formats: RAW, ZLIB, GZIP, and
// AUTO (reading only: zlib or gzip by header).
#include "../../config.h"

#if defined(__has_include) && (!defined(RT_MOD_DEFLATE) || RT_MOD_DEFLATE)
#if __has_include(<zlib.h>)
#define HOST_HAVE_ZLIB 1
#endif
#endif

#ifdef HOST_HAVE_ZLIB

#include <string.h>
#include <stddef.h>
#include <stdlib.h>
#include <zlib.h>

#include "../../obj.h"

enum {
    FMT_AUTO = 0,
    FMT_RAW = 1,
    FMT_ZLIB = 2,
    FMT_GZIP = 3,
    CHUNK = 4096,
};

typedef struct deflateio {
    obj_base_t base;
    obj_t stream;
    int format;
    int wbits;
    bool close_stream;
    bool reading;
    bool writing;
    bool eof;
    bool closed;
    z_stream *z;        // inside an open_stream_t, made on first use
    obj_t in_pending;   // compressed bytes read from the stream, not yet used
} deflateio_t;

static const type_t type_deflateio;

static int window_bits(const deflateio_t *d, bool for_write) {
    int wb = d->wbits ? d->wbits : (for_write ? 9 : 15);
    switch (d->format) {
        case FMT_RAW:
            return -wb;
        case FMT_GZIP:
            return wb + 16;
        case FMT_AUTO:
            return for_write ? wb : wb + 32;
        default:
            return wb;
    }
}

static deflateio_t *open_self(obj_t self) {
    deflateio_t *d = OBJ_TO_PTR(self);
    if (d->closed) {
        rt_raise_value_error("I/O operation on closed file");
    }
    return d;
}

// zlib's state lives outside the GC heap and the VM has no finalisers, so
// a DeflateIO dropped without close() could not free its stream. Every open
// stream is on this list; close() ends it, and process exit ends the rest.
typedef struct open_stream {
    struct open_stream *prev;
    struct open_stream *next;
    bool writing;
    z_stream z;
} open_stream_t;

static open_stream_t *open_streams;

static open_stream_t *stream_node(z_stream *z) {
    return (open_stream_t *)((char *)z - offsetof(open_stream_t, z));
}

static void end_stream(open_stream_t *s) {
    if (s->writing) {
        deflateEnd(&s->z);
    } else {
        inflateEnd(&s->z);
    }
    if (s->prev != NULL) {
        s->prev->next = s->next;
    } else {
        open_streams = s->next;
    }
    if (s->next != NULL) {
        s->next->prev = s->prev;
    }
    free(s);
}

static void end_all_streams(void) {
    while (open_streams != NULL) {
        end_stream(open_streams);
    }
}

static z_stream *ensure_stream(deflateio_t *d, bool for_write) {
    if (d->z != NULL) {
        if (for_write != d->writing) {
            rt_raise(&type_OSError, "DeflateIO is either read or write");
        }
        return d->z;
    }
    static bool cleanup_registered;
    if (!cleanup_registered) {
        cleanup_registered = atexit(end_all_streams) == 0;
    }
    open_stream_t *s = calloc(1, sizeof(open_stream_t));
    if (s == NULL) {
        rt_raise_memory_error();
    }
    int r = for_write ? deflateInit2(&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits(d, true), 8,
                                     Z_DEFAULT_STRATEGY)
                      : inflateInit2(&s->z, window_bits(d, false));
    if (r != Z_OK) {
        free(s);
        rt_raise_value_error("bad deflate parameters");
    }
    s->writing = for_write;
    s->next = open_streams;
    if (open_streams != NULL) {
        open_streams->prev = s;
    }
    open_streams = s;
    d->z = &s->z;
    d->writing = for_write;
    d->reading = !for_write;
    return d->z;
}

static obj_t stream_call(obj_t stream, qstr_t meth, obj_t arg) {
    obj_t dest[3];
    rt_load_method(stream, meth, dest);
    if (arg == OBJ_NULL) {
        return rt_call_method(0, 0, dest);
    }
    dest[2] = arg;
    return rt_call_method(1, 0, dest);
}

// Decompresses up to want bytes (all when want < 0).
static obj_t deflateio_read(size_t n, const obj_t *args) {
    deflateio_t *d = open_self(args[0]);
    rt_int_t want = n > 1 && args[1] != OBJ_NONE ? obj_get_int(args[1]) : -1;
    z_stream *z = ensure_stream(d, false);
    vstr_t out;
    vstr_init(&out, CHUNK);
    while (!d->eof && (want < 0 || out.len < (size_t)want)) {
        if (z->avail_in == 0) {
            obj_t chunk = stream_call(d->stream, QSTR_read, small_int(CHUNK));
            size_t len;
            const char *data = chunk == OBJ_NONE ? "" : str_get_data(chunk, &len);
            if (chunk == OBJ_NONE || len == 0) {
                rt_raise(&type_EOFError, NULL);
            }
            d->in_pending = chunk;
            z->next_in = (Bytef *)data;
            z->avail_in = (uInt)len;
        }
        size_t room = want < 0 ? CHUNK : (size_t)want - out.len;
        char *dst = vstr_extend(&out, room);
        z->next_out = (Bytef *)dst;
        z->avail_out = (uInt)room;
        int r = inflate(z, Z_NO_FLUSH);
        out.len -= z->avail_out;
        if (r == Z_STREAM_END) {
            d->eof = true;
        } else if (r != Z_OK && r != Z_BUF_ERROR) {
            obj_t e = small_int(22);
            rt_raise_obj(exc_new(&type_OSError, 1, &e));
        }
    }
    return str_from_vstr(&type_bytes, &out);
}
static BUILTIN_FUN_VAR(deflateio_read_obj, 1, 2, deflateio_read);

static void pump(deflateio_t *d, int flush) {
    z_stream *z = d->z;
    uint8_t buf[CHUNK];
    do {
        z->next_out = buf;
        z->avail_out = CHUNK;
        deflate(z, flush);
        size_t produced = CHUNK - z->avail_out;
        if (produced) {
            stream_call(d->stream, QSTR_write, bytes_new(buf, produced));
        }
    } while (z->avail_out == 0);
}

static obj_t deflateio_write(obj_t self, obj_t data) {
    deflateio_t *d = open_self(self);
    z_stream *z = ensure_stream(d, true);
    buffer_info_t info;
    if (!obj_get_buffer(data, &info, BUFFER_READ)) {
        rt_raise_type_error("object with buffer protocol required");
    }
    z->next_in = info.buf;
    z->avail_in = (uInt)info.len;
    pump(d, Z_NO_FLUSH);
    return small_int((rt_int_t)info.len);
}
static BUILTIN_FUN_2(deflateio_write_obj, deflateio_write);

static void release(deflateio_t *d) {
    if (d->z != NULL) {
        end_stream(stream_node(d->z));
        d->z = NULL;
    }
}

static obj_t deflateio_close(obj_t self) {
    deflateio_t *d = OBJ_TO_PTR(self);
    if (d->closed) {
        return OBJ_NONE;
    }
    if (d->z != NULL && d->writing) {
        d->z->avail_in = 0;
        pump(d, Z_FINISH);
    }
    release(d);
    d->closed = true;
    if (d->close_stream) {
        stream_call(d->stream, QSTR_close, OBJ_NULL);
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_1(deflateio_close_obj, deflateio_close);

static obj_t deflateio_enter(obj_t self) {
    return self;
}
static BUILTIN_FUN_1(deflateio_enter_obj, deflateio_enter);

static obj_t deflateio_exit(size_t n, const obj_t *args) {
    (void)n;
    return deflateio_close(args[0]);
}
static BUILTIN_FUN_VAR(deflateio_exit_obj, 1, 4, deflateio_exit);

static obj_t deflateio_make_new(const type_t *t, size_t n_args, size_t n_kw, const obj_t *args) {
    (void)t;
    static const arg_spec_t spec[] = {
        {Q_stream, ARG_REQUIRED, OBJ_NULL},
        {QSTR_format, 0, OBJ_SMALL_INT(FMT_AUTO)},
        {Q_wbits, 0, OBJ_SMALL_INT(0)},
        {QSTR_close, 0, OBJ_FALSE},
    };
    obj_t v[4];
    map_t kw;
    map_init_fixed(&kw, n_kw, args + n_args);
    arg_parse(n_args, args, &kw, 4, spec, v);
    deflateio_t *d = rt_new(deflateio_t);
    d->base.type = &type_deflateio;
    d->stream = v[0];
    d->format = (int)obj_get_int(v[1]);
    d->wbits = (int)obj_get_int(v[2]);
    d->close_stream = obj_is_true(v[3]);
    if (d->format < FMT_AUTO || d->format > FMT_GZIP) {
        rt_raise_value_error("bad format");
    }
    return (obj_t)d;
}

static const map_elem_t deflateio_locals_table[] = {
    ROM_ENTRY(QSTR_read, &deflateio_read_obj),
    ROM_ENTRY(QSTR_write, &deflateio_write_obj),
    ROM_ENTRY(QSTR_close, &deflateio_close_obj),
    ROM_ENTRY(QSTR___enter__, &deflateio_enter_obj),
    ROM_ENTRY(QSTR___exit__, &deflateio_exit_obj),
};
static ROM_DICT(deflateio_locals, deflateio_locals_table);

static const type_t type_deflateio = {
    {&type_type}, 0, Q_DeflateIO, NULL, deflateio_make_new, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, &deflateio_locals,
};

static const map_elem_t deflate_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_deflate)),
    ROM_ENTRY(Q_DeflateIO, &type_deflateio),
    ROM_ENTRY(Q_AUTO, OBJ_SMALL_INT(FMT_AUTO)),
    ROM_ENTRY(Q_RAW, OBJ_SMALL_INT(FMT_RAW)),
    ROM_ENTRY(Q_ZLIB, OBJ_SMALL_INT(FMT_ZLIB)),
    ROM_ENTRY(Q_GZIP, OBJ_SMALL_INT(FMT_GZIP)),
};
static ROM_DICT(deflate_dict, deflate_table);
static const obj_module_t module_deflate = {{&type_module}, (obj_t)&deflate_dict};

obj_t host_deflate_module(void);
obj_t host_deflate_module(void) {
    return (obj_t)&module_deflate;
}

#else // no <zlib.h>: the module is left out of this build

#include "../../obj.h"

obj_t host_deflate_module(void);
obj_t host_deflate_module(void) {
    return OBJ_NULL;
}

#endif
