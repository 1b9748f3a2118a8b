// runtime/eval.c: eval, exec and compile(), and the code objects compile()
// returns. The VM holds no compiler: source text goes to the port's hook
// (rt_config_t.compile), the .mpy bytes it returns go through the loader,
// and the module code runs with the given globals and locals as
// MicroPython's eval/exec do. Without a hook these builtins raise
// NotImplementedError.
#include <string.h>

#include "obj.h"
#include "runtime.h"

static rt_compile_fn_t compile_hook;

void eval_init(rt_compile_fn_t hook);
void eval_init(rt_compile_fn_t hook) {
    compile_hook = hook;
}

// What compile() returns: module code not yet bound to a name space.
typedef struct obj_code {
    obj_base_t base;
    code_t *code;
} obj_code_t;

static const type_t type_code = {
    {&type_type}, 0, Q_code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

// The exception the compiler's diagnostic stands for, with the traceback
// line MicroPython adds: file and line, and for errors of the compile walk
// (not the lexer or parser) the scope they are in.
static noreturn void raise_compile_error(const diag_t *d, const char *source_name) {
    const type_t *t;
    switch (d->kind) {
        case DIAG_SYNTAX_ERROR:
            t = &type_SyntaxError;
            break;
        case DIAG_INDENT_ERROR:
            t = &type_IndentationError;
            break;
        case DIAG_VALUE_ERROR:
            t = &type_ValueError;
            break;
        case DIAG_NOT_IMPLEMENTED:
            t = &type_NotImplementedError;
            break;
        case DIAG_OVERFLOW_ERROR:
            t = &type_OverflowError;
            break;
        case DIAG_MEMORY_ERROR:
            rt_raise_memory_error();
        default:
            t = &type_RuntimeError;
            break;
    }
    obj_t exc = exc_new_msg_fmt(t, "%s", d->msg);
    qstr_t block = d->scope[0] != '\0' ? rtq_intern_cstr(d->scope) : QSTR_NULL;
    exc_add_traceback(exc, rtq_intern_cstr(source_name), d->line > 0 ? (size_t)d->line : 1, block);
    rt_raise_obj(exc);
}

// Compiles source text through the port's hook and loads the result. The
// compiler's buffer is freed on every path.
static code_t *compile_source(obj_t src, const char *source_name, rt_compile_mode_t mode) {
    if (compile_hook == NULL) {
        rt_raise_not_impl("this VM has no compiler: eval/exec/compile are unavailable");
    }
    buffer_info_t b;
    if (!obj_get_buffer(src, &b, BUFFER_READ)) {
        rt_raise_fmt(&type_TypeError, "object with buffer protocol required");
    }
    buf_t mpy;
    buf_init(&mpy);
    diag_t d;
    diag_init(&d, source_name);
    if (!compile_hook(b.buf, b.len, source_name, mode, SMALL_INT_BITS, &mpy, &d)) {
        buf_deinit(&mpy);
        raise_compile_error(&d, source_name);
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        code_t *c = rt_load_mpy_code(mpy.data, mpy.len, rt.cur_globals);
        nlr_pop();
        buf_deinit(&mpy);
        return c;
    }
    buf_deinit(&mpy);
    nlr_jump(nlr.ret_val);
}

// Runs module code with `globals` as its functions' globals and `locals`
// as the name space of its top level; returns what the code returns (the
// value for eval input, None otherwise).
static obj_t run_code(code_t *c, obj_t globals, obj_t locals) {
    c->ctx->globals = globals;
    return rt_run_module_code(c, globals, locals);
}

static obj_t check_dict(obj_t d, const char *what) {
    if (!obj_is_type(d, &type_dict)) {
        rt_raise_fmt(&type_TypeError, "%s must be a dict, not %s", what, obj_type_name(d));
    }
    return d;
}

// eval(src[, globals[, locals]]) and exec(...): globals default to the
// caller's, locals to the caller's when no globals are given and to
// globals otherwise. A code object from compile() runs as it was compiled.
static obj_t eval_exec(size_t n, const obj_t *args, rt_compile_mode_t mode) {
    obj_t globals = rt.cur_globals;
    obj_t locals = rt.cur_locals;
    if (n > 1) {
        globals = check_dict(args[1], "globals");
        locals = n > 2 ? check_dict(args[2], "locals") : globals;
    }
    code_t *c;
    if (obj_is_type(args[0], &type_code)) {
        c = ((obj_code_t *)OBJ_TO_PTR(args[0]))->code;
    } else {
        c = compile_source(args[0], "<string>", mode);
    }
    return run_code(c, globals, locals);
}

static obj_t builtin_eval(size_t n, const obj_t *args) {
    return eval_exec(n, args, RT_COMPILE_EVAL);
}
BUILTIN_FUN_VAR(builtin_eval_obj, 1, 3, builtin_eval);

static obj_t builtin_exec(size_t n, const obj_t *args) {
    return eval_exec(n, args, RT_COMPILE_FILE);
}
BUILTIN_FUN_VAR(builtin_exec_obj, 1, 3, builtin_exec);

// compile(source, filename, mode[, flags[, dont_inherit]]): flags are
// ignored, as in MicroPython.
static obj_t builtin_compile(size_t n, const obj_t *args) {
    (void)n;
    qstr_t mode_name = str_get_qstr(args[2]);
    rt_compile_mode_t mode;
    if (mode_name == QSTR_exec) {
        mode = RT_COMPILE_FILE;
    } else if (mode_name == QSTR_eval) {
        mode = RT_COMPILE_EVAL;
    } else if (mode_name == Q_single) {
        mode = RT_COMPILE_SINGLE;
    } else {
        rt_raise_value_error("bad compile mode");
    }
    obj_code_t *o = rt_new(obj_code_t);
    o->base.type = &type_code;
    o->code = compile_source(args[0], rtq_str(str_get_qstr(args[1])), mode);
    return (obj_t)o;
}
BUILTIN_FUN_VAR(builtin_compile_obj, 3, 6, builtin_compile);

// What 'single' input calls with the value of each expression statement:
// prints its repr unless it is None, and keeps it as builtins._.
static obj_t builtin_repl_print(obj_t o) {
    if (o != OBJ_NONE) {
        obj_print(&print_stdout, o, PRINT_REPR);
        print_str(&print_stdout, "\n");
        dict_store(rt.builtins, obj_qstr(QSTR__), o);
    }
    return OBJ_NONE;
}
BUILTIN_FUN_1(builtin_repl_print_obj, builtin_repl_print);
