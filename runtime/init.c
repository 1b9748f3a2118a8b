// runtime/init.c: starting and stopping the VM, and running the main
// module with the reference VM's handling of uncaught exceptions and
// SystemExit.
#include <string.h>

#include "obj.h"
#include "port.h"
#include "runtime.h"

void builtins_init(void);
void objarray_init(void);
void modcollections_init(void);
void eval_init(rt_compile_fn_t hook);

void rt_init(const rt_config_t *cfg) {
    memset(&rt, 0, sizeof(rt));
    rt.stack_top = cfg->stack_top;
    size_t margin = cfg->stack_size / 8 < 64 * 1024 ? cfg->stack_size / 8 : 64 * 1024;
    rt.stack_limit = (char *)cfg->stack_top - (cfg->stack_size - margin);
    rt.max_depth = cfg->max_depth != 0 ? cfg->max_depth : RT_MAX_DEPTH;
    gc_init(cfg->heap, cfg->heap_size);
    rtq_init();
    builtins_init();
    eval_init(cfg->compile);
#if RT_BYTEARRAY
    objarray_init();
#endif
#if RT_MOD_COLLECTIONS
    modcollections_init();
#endif
    mod_sys_init(cfg->argc, cfg->argv);
    rt.stop_iter_value = OBJ_NONE;
    rt.cur_exc = OBJ_NONE;
}

void rt_deinit(void) {
    port_flush();
}

int rt_uncaught_status(obj_t exc) {
    if (obj_isinstance(exc, &type_SystemExit)) {
        obj_t code = exc_get_value(exc);
        if (code == OBJ_NONE) {
            return 0;
        }
        rt_int_t v;
        if (obj_is_int(code) && obj_get_int_maybe(code, &v)) {
            return (int)(v & 255);
        }
        obj_print(&print_stderr, code, PRINT_STR);
        print_str(&print_stderr, "\n");
        return 1;
    }
    exc_print_traceback(&print_stderr, exc);
    return 1;
}

static qstr_t module_name_of(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".mpy") == 0) {
        len -= 4;
    }
    return rtq_intern(base, len);
}

static void set_path(const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash != NULL) {
        list_append(rt.sys_path, str_new(&type_str, path, (size_t)(slash - path)));
    } else {
        list_append(rt.sys_path, obj_qstr(QSTR_empty));
    }
    list_append(rt.sys_path, str_new_cstr(".frozen"));
}

int rt_run_file(const char *path) {
    volatile int status = 0;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        set_path(path);
        uint8_t *data;
        size_t len;
        if (!port_read_file(path, &data, &len)) {
            nlr_pop();
            print_printf(&print_stderr, "mpy-vm: can't open file '%s'\n", path);
            port_flush();
            return 2;
        }
        qstr_t name = module_name_of(path);
        obj_t module = module_new(name);
        obj_t globals = rt_module_get_globals(module);
        dict_store(globals, obj_qstr(Q___file__), str_new_cstr(path));
        dict_store(rt.modules, obj_qstr(name), module);
        rt.main_globals = globals;
        rt.cur_globals = globals;
        nlr_buf_t inner;
        if (nlr_push(&inner) == 0) {
            rt_import_mpy_data(name, data, len, globals);
            nlr_pop();
            port_free_file(data);
        } else {
            port_free_file(data);
            nlr_jump(inner.ret_val);
        }
        nlr_pop();
    } else {
        status = rt_uncaught_status(nlr.ret_val);
    }
    port_flush();
    return status;
}
