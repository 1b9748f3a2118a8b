// runtime/modsmall.c: small modules with a few functions each: array
// (the type lives in objarray.c), heapq, random, time and errno.
#include <math.h>

#include "obj.h"
#include "port.h"

static const map_elem_t array_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_array)),
    ROM_ENTRY(Q_array, &type_array),
};
static ROM_DICT(array_dict, array_table);
const obj_module_t module_array = {{&type_module}, (obj_t)&array_dict};

// ---------------------------------------------------------------------------
// heapq: a binary min-heap in a list, sifting exactly as CPython does.
static obj_list_t *heap_list(obj_t o) {
    if (!obj_is_type(o, &type_list)) {
        rt_raise_type_error("heap must be a list");
    }
    return OBJ_TO_PTR(o);
}

static bool lt(obj_t a, obj_t b) {
    return obj_is_true(rt_binary_op(OP_LESS, a, b));
}

static void sift_down(obj_list_t *h, size_t start, size_t pos) {
    obj_t item = h->items[pos];
    while (pos > start) {
        size_t parent = (pos - 1) >> 1;
        obj_t p = h->items[parent];
        if (!lt(item, p)) {
            break;
        }
        h->items[pos] = p;
        pos = parent;
    }
    h->items[pos] = item;
}

static void sift_up(obj_list_t *h, size_t pos) {
    size_t end = h->len;
    size_t start = pos;
    obj_t item = h->items[pos];
    size_t child = 2 * pos + 1;
    while (child < end) {
        size_t right = child + 1;
        if (right < end && !lt(h->items[child], h->items[right])) {
            child = right;
        }
        h->items[pos] = h->items[child];
        pos = child;
        child = 2 * pos + 1;
    }
    h->items[pos] = item;
    sift_down(h, start, pos);
}

static obj_t heapq_heappush(obj_t heap, obj_t item) {
    list_append(heap, item);
    obj_list_t *h = heap_list(heap);
    sift_down(h, 0, h->len - 1);
    return OBJ_NONE;
}
static BUILTIN_FUN_2(heapq_heappush_obj, heapq_heappush);

static obj_t heapq_heappop(obj_t heap) {
    obj_list_t *h = heap_list(heap);
    if (h->len == 0) {
        rt_raise(&type_IndexError, "empty heap");
    }
    obj_t last = h->items[--h->len];
    h->items[h->len] = OBJ_NULL;
    if (h->len == 0) {
        return last;
    }
    obj_t top = h->items[0];
    h->items[0] = last;
    sift_up(h, 0);
    return top;
}
static BUILTIN_FUN_1(heapq_heappop_obj, heapq_heappop);

static obj_t heapq_heapify(obj_t heap) {
    obj_list_t *h = heap_list(heap);
    for (size_t i = h->len / 2; i > 0; i--) {
        sift_up(h, i - 1);
    }
    return OBJ_NONE;
}
static BUILTIN_FUN_1(heapq_heapify_obj, heapq_heapify);

static obj_t heapq_heapreplace(obj_t heap, obj_t item) {
    obj_list_t *h = heap_list(heap);
    if (h->len == 0) {
        rt_raise(&type_IndexError, "empty heap");
    }
    obj_t top = h->items[0];
    h->items[0] = item;
    sift_up(h, 0);
    return top;
}
static BUILTIN_FUN_2(heapq_heapreplace_obj, heapq_heapreplace);

static obj_t heapq_heappushpop(obj_t heap, obj_t item) {
    obj_list_t *h = heap_list(heap);
    if (h->len && lt(h->items[0], item)) {
        obj_t top = h->items[0];
        h->items[0] = item;
        sift_up(h, 0);
        return top;
    }
    return item;
}
static BUILTIN_FUN_2(heapq_heappushpop_obj, heapq_heappushpop);

static const map_elem_t heapq_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_heapq)),
    ROM_ENTRY(Q_heappush, &heapq_heappush_obj),
    ROM_ENTRY(Q_heappop, &heapq_heappop_obj),
    ROM_ENTRY(Q_heapify, &heapq_heapify_obj),
    ROM_ENTRY(Q_heapreplace, &heapq_heapreplace_obj),
    ROM_ENTRY(Q_heappushpop, &heapq_heappushpop_obj),
};
static ROM_DICT(heapq_dict, heapq_table);
const obj_module_t module_heapq = {{&type_module}, (obj_t)&heapq_dict};

// ---------------------------------------------------------------------------
// random: yasmarang, the generator MicroPython uses, so seeded sequences
// match the reference VM.
static uint32_t rng_pad = 0xeda4baba, rng_n = 69, rng_d = 233;
static uint8_t rng_dat = 0;

static uint32_t yasmarang(void) {
    rng_pad += rng_dat + rng_d * rng_n;
    rng_pad = (rng_pad << 3) + (rng_pad >> 29);
    rng_n = rng_pad | 2;
    rng_d ^= (rng_pad << 31) + (rng_pad >> 1);
    rng_dat ^= (uint8_t)((char)rng_pad ^ (rng_d >> 8) ^ 1);
    return rng_pad ^ (rng_d << 5) ^ (rng_pad >> 18) ^ (rng_dat << 1);
}

static uint32_t randbelow(uint32_t n) {
    uint32_t mask = 1;
    while ((n & mask) < n) {
        mask = (mask << 1) | 1;
    }
    uint32_t r;
    do {
        r = yasmarang() & mask;
    } while (r >= n);
    return r;
}

static obj_t random_seed(size_t n, const obj_t *args) {
    uint32_t s = n > 0 && args[0] != OBJ_NONE ? (uint32_t)obj_get_int_truncated(args[0])
                                              : (uint32_t)port_ticks_us();
    rng_pad = s;
    rng_n = 69;
    rng_d = 233;
    rng_dat = 0;
    return OBJ_NONE;
}
static BUILTIN_FUN_VAR(random_seed_obj, 0, 1, random_seed);

static obj_t random_getrandbits(obj_t nbits) {
    rt_int_t n = obj_get_int(nbits);
    if (n < 0 || n > 32) {
        rt_raise_value_error("bits must be 32 or less");
    }
    if (n == 0) {
        return small_int(0);
    }
    uint32_t mask = n == 32 ? 0xffffffffu : ((1u << n) - 1);
    return int_from_ull(yasmarang() & mask);
}
static BUILTIN_FUN_1(random_getrandbits_obj, random_getrandbits);

static obj_t random_randrange(size_t n, const obj_t *args) {
    rt_int_t start = 0, stop, step = 1;
    if (n == 1) {
        stop = obj_get_int(args[0]);
    } else {
        start = obj_get_int(args[0]);
        stop = obj_get_int(args[1]);
        if (n == 3) {
            step = obj_get_int(args[2]);
        }
    }
    rt_int_t count = step > 0 ? (stop - start + step - 1) / step : (stop - start + step + 1) / step;
    if (step == 0 || count <= 0) {
        rt_raise_value_error(NULL);
    }
    return small_int(start + step * (rt_int_t)randbelow((uint32_t)count));
}
static BUILTIN_FUN_VAR(random_randrange_obj, 1, 3, random_randrange);

static obj_t random_randint(obj_t a, obj_t b) {
    rt_int_t lo = obj_get_int(a), hi = obj_get_int(b);
    if (hi < lo) {
        rt_raise_value_error(NULL);
    }
    return small_int(lo + (rt_int_t)randbelow((uint32_t)(hi - lo + 1)));
}
static BUILTIN_FUN_2(random_randint_obj, random_randint);

static obj_t random_choice(obj_t seq) {
    rt_int_t len = obj_get_int(obj_len(seq));
    if (len == 0) {
        rt_raise(&type_IndexError, NULL);
    }
    return rt_subscr(seq, small_int((rt_int_t)randbelow((uint32_t)len)), OBJ_SENTINEL);
}
static BUILTIN_FUN_1(random_choice_obj, random_choice);

static rt_float_t random_unit(void) {
    union {
        double d;
        uint64_t u;
    } x;
    x.u = ((uint64_t)0x3ff << 52) | ((uint64_t)yasmarang() << 20);
    return (rt_float_t)(x.d - 1.0);
}

static obj_t random_random(void) {
    return float_new(random_unit());
}
static BUILTIN_FUN_0(random_random_obj, random_random);

static obj_t random_uniform(obj_t a, obj_t b) {
    rt_float_t lo = obj_get_float(a), hi = obj_get_float(b);
    return float_new(lo + (hi - lo) * random_unit());
}
static BUILTIN_FUN_2(random_uniform_obj, random_uniform);

static const map_elem_t random_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_random)),
    ROM_ENTRY(Q_seed, &random_seed_obj),
    ROM_ENTRY(Q_getrandbits, &random_getrandbits_obj),
    ROM_ENTRY(Q_randrange, &random_randrange_obj),
    ROM_ENTRY(Q_randint, &random_randint_obj),
    ROM_ENTRY(Q_choice, &random_choice_obj),
    ROM_ENTRY(Q_random, &random_random_obj),
    ROM_ENTRY(Q_uniform, &random_uniform_obj),
};
static ROM_DICT(random_dict, random_table);
const obj_module_t module_random = {{&type_module}, (obj_t)&random_dict};

// ---------------------------------------------------------------------------
// time
static obj_t time_time(void) {
    return float_new(port_time());
}
static BUILTIN_FUN_0(time_time_obj, time_time);

static obj_t time_time_ns(void) {
    return int_from_ull((unsigned long long)(port_time() * 1e9));
}
static BUILTIN_FUN_0(time_time_ns_obj, time_time_ns);

static void sleep_us(uint64_t us) {
    uint64_t end = port_ticks_us() + us;
    while (port_ticks_us() < end) {
    }
}

static obj_t time_sleep(obj_t s) {
    sleep_us((uint64_t)(obj_get_float(s) * 1e6));
    return OBJ_NONE;
}
static BUILTIN_FUN_1(time_sleep_obj, time_sleep);

static obj_t time_sleep_ms(obj_t ms) {
    sleep_us((uint64_t)obj_get_int(ms) * 1000);
    return OBJ_NONE;
}
static BUILTIN_FUN_1(time_sleep_ms_obj, time_sleep_ms);

static obj_t time_sleep_us(obj_t us) {
    sleep_us((uint64_t)obj_get_int(us));
    return OBJ_NONE;
}
static BUILTIN_FUN_1(time_sleep_us_obj, time_sleep_us);

// Tick counters wrap at 2**30, as MicroPython's do.
#define TICKS_MASK ((1L << 30) - 1)

static obj_t time_ticks_ms(void) {
    return small_int((rt_int_t)((port_ticks_us() / 1000) & TICKS_MASK));
}
static BUILTIN_FUN_0(time_ticks_ms_obj, time_ticks_ms);

static obj_t time_ticks_us(void) {
    return small_int((rt_int_t)(port_ticks_us() & TICKS_MASK));
}
static BUILTIN_FUN_0(time_ticks_us_obj, time_ticks_us);

static obj_t time_ticks_diff(obj_t a, obj_t b) {
    rt_int_t d = (obj_get_int(a) - obj_get_int(b)) & TICKS_MASK;
    if (d > TICKS_MASK / 2) {
        d -= TICKS_MASK + 1;
    }
    return small_int(d);
}
static BUILTIN_FUN_2(time_ticks_diff_obj, time_ticks_diff);

static obj_t time_ticks_add(obj_t a, obj_t b) {
    return small_int((obj_get_int(a) + obj_get_int(b)) & TICKS_MASK);
}
static BUILTIN_FUN_2(time_ticks_add_obj, time_ticks_add);

static const map_elem_t time_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_time)),
    ROM_ENTRY(Q_time, &time_time_obj),
    ROM_ENTRY(Q_time_ns, &time_time_ns_obj),
    ROM_ENTRY(Q_sleep, &time_sleep_obj),
    ROM_ENTRY(Q_sleep_ms, &time_sleep_ms_obj),
    ROM_ENTRY(Q_sleep_us, &time_sleep_us_obj),
    ROM_ENTRY(Q_ticks_ms, &time_ticks_ms_obj),
    ROM_ENTRY(Q_ticks_us, &time_ticks_us_obj),
    ROM_ENTRY(Q_ticks_cpu, &time_ticks_us_obj),
    ROM_ENTRY(Q_ticks_diff, &time_ticks_diff_obj),
    ROM_ENTRY(Q_ticks_add, &time_ticks_add_obj),
};
static ROM_DICT(time_dict, time_table);
const obj_module_t module_time = {{&type_module}, (obj_t)&time_dict};

// ---------------------------------------------------------------------------
static const map_elem_t errno_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_errno)),
    ROM_ENTRY(Q_EPERM, OBJ_SMALL_INT(1)),
    ROM_ENTRY(Q_ENOENT, OBJ_SMALL_INT(2)),
    ROM_ENTRY(Q_EIO, OBJ_SMALL_INT(5)),
    ROM_ENTRY(Q_EBADF, OBJ_SMALL_INT(9)),
    ROM_ENTRY(Q_EAGAIN, OBJ_SMALL_INT(11)),
    ROM_ENTRY(Q_ENOMEM, OBJ_SMALL_INT(12)),
    ROM_ENTRY(Q_EACCES, OBJ_SMALL_INT(13)),
    ROM_ENTRY(Q_EEXIST, OBJ_SMALL_INT(17)),
    ROM_ENTRY(Q_ENODEV, OBJ_SMALL_INT(19)),
    ROM_ENTRY(Q_EISDIR, OBJ_SMALL_INT(21)),
    ROM_ENTRY(Q_EINVAL, OBJ_SMALL_INT(22)),
    ROM_ENTRY(Q_ETIMEDOUT, OBJ_SMALL_INT(110)),
};
static ROM_DICT(errno_dict, errno_table);
const obj_module_t module_errno = {{&type_module}, (obj_t)&errno_dict};
