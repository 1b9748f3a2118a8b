// runtime/modmicropython.c: the micropython and gc modules: const(), heap
// statistics and locking, and control of the collector.
#include "obj.h"
#include "port.h"

static obj_t mp_const(obj_t x) {
    return x;
}
static BUILTIN_FUN_1(mp_const_obj, mp_const);

static obj_t mp_opt_level(size_t n, const obj_t *args) {
    (void)args;
    return n == 0 ? small_int(0) : OBJ_NONE;
}
static BUILTIN_FUN_VAR(mp_opt_level_obj, 0, 1, mp_opt_level);

static obj_t mp_mem_info(size_t n, const obj_t *args) {
    (void)n;
    (void)args;
    gc_info_t info;
    gc_get_info(&info);
    print_printf(&print_stdout, "mem: total=%u, current=%u, peak=%u\n", (unsigned)info.total,
                 (unsigned)info.used, (unsigned)info.used);
    print_printf(&print_stdout, "GC: total: %u, used: %u, free: %u\n", (unsigned)info.total,
                 (unsigned)info.used, (unsigned)info.free);
    return OBJ_NONE;
}
static BUILTIN_FUN_VAR(mp_mem_info_obj, 0, 1, mp_mem_info);

static obj_t mp_qstr_info(size_t n, const obj_t *args) {
    (void)n;
    (void)args;
    return OBJ_NONE;
}
static BUILTIN_FUN_VAR(mp_qstr_info_obj, 0, 1, mp_qstr_info);

static obj_t mp_stack_use(void) {
    char here;
    return small_int((rt_int_t)(rt.stack_top - &here));
}
static BUILTIN_FUN_0(mp_stack_use_obj, mp_stack_use);

static obj_t mp_heap_lock(void) {
    gc_lock();
    return OBJ_NONE;
}
static BUILTIN_FUN_0(mp_heap_lock_obj, mp_heap_lock);

static obj_t mp_heap_unlock(void) {
    gc_unlock();
    return small_int(0);
}
static BUILTIN_FUN_0(mp_heap_unlock_obj, mp_heap_unlock);

static obj_t mp_ignore1(obj_t x) {
    (void)x;
    return OBJ_NONE;
}
static BUILTIN_FUN_1(mp_ignore1_obj, mp_ignore1);

static obj_t mp_schedule(obj_t fn, obj_t arg) {
    rt_call1(fn, arg);
    return OBJ_NONE;
}
static BUILTIN_FUN_2(mp_schedule_obj, mp_schedule);

static const map_elem_t micropython_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(QSTR_micropython)),
    ROM_ENTRY(QSTR_const, &mp_const_obj),
    ROM_ENTRY(Q_opt_level, &mp_opt_level_obj),
    ROM_ENTRY(Q_mem_info, &mp_mem_info_obj),
    ROM_ENTRY(Q_qstr_info, &mp_qstr_info_obj),
    ROM_ENTRY(Q_stack_use, &mp_stack_use_obj),
    ROM_ENTRY(Q_heap_lock, &mp_heap_lock_obj),
    ROM_ENTRY(Q_heap_unlock, &mp_heap_unlock_obj),
    ROM_ENTRY(Q_kbd_intr, &mp_ignore1_obj),
    ROM_ENTRY(Q_alloc_emergency_exception_buf, &mp_ignore1_obj),
    ROM_ENTRY(Q_schedule, &mp_schedule_obj),
};
static ROM_DICT(micropython_dict, micropython_table);
const obj_module_t module_micropython = {{&type_module}, (obj_t)&micropython_dict};

// ---------------------------------------------------------------------------
static bool gc_enabled = true;

static obj_t gc_collect_fn(void) {
    gc_collect();
    return OBJ_NONE;
}
static BUILTIN_FUN_0(gc_collect_obj, gc_collect_fn);

static obj_t gc_enable_fn(void) {
    gc_enabled = true;
    return OBJ_NONE;
}
static BUILTIN_FUN_0(gc_enable_obj, gc_enable_fn);

static obj_t gc_disable_fn(void) {
    gc_enabled = false;
    return OBJ_NONE;
}
static BUILTIN_FUN_0(gc_disable_obj, gc_disable_fn);

static obj_t gc_isenabled_fn(void) {
    return OBJ_BOOL(gc_enabled);
}
static BUILTIN_FUN_0(gc_isenabled_obj, gc_isenabled_fn);

static obj_t gc_mem_alloc_fn(void) {
    gc_info_t info;
    gc_get_info(&info);
    return small_int((rt_int_t)info.used);
}
static BUILTIN_FUN_0(gc_mem_alloc_obj, gc_mem_alloc_fn);

static obj_t gc_mem_free_fn(void) {
    gc_info_t info;
    gc_get_info(&info);
    return small_int((rt_int_t)info.free);
}
static BUILTIN_FUN_0(gc_mem_free_obj, gc_mem_free_fn);

static obj_t gc_threshold_fn(size_t n, const obj_t *args) {
    (void)args;
    return n == 0 ? small_int(-1) : OBJ_NONE;
}
static BUILTIN_FUN_VAR(gc_threshold_obj, 0, 1, gc_threshold_fn);

static const map_elem_t gc_table[] = {
    ROM_ENTRY(QSTR___name__, OBJ_QSTR(Q_gc)),
    ROM_ENTRY(Q_collect, &gc_collect_obj),
    ROM_ENTRY(Q_disable, &gc_disable_obj),
    ROM_ENTRY(Q_enable, &gc_enable_obj),
    ROM_ENTRY(Q_isenabled, &gc_isenabled_obj),
    ROM_ENTRY(Q_mem_alloc, &gc_mem_alloc_obj),
    ROM_ENTRY(Q_mem_free, &gc_mem_free_obj),
    ROM_ENTRY(Q_threshold, &gc_threshold_obj),
};
static ROM_DICT(gc_dict, gc_table);
const obj_module_t module_gc = {{&type_module}, (obj_t)&gc_dict};

const obj_module_t module_builtins = {{&type_module}, (obj_t)&builtins_dict};
