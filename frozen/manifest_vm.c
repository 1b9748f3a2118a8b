// frozen/manifest_vm.c: evaluating manifest.py files as Python, in our own
// VM, as MicroPython's tools/manifestfile.py does: each manifest runs with
// fresh globals holding freeze(), module(), package(), include(),
// require(), metadata(), add_library() and `options` (the keyword
// arguments its include() or require() was given; missing names read as
// None). Relative paths are relative to the manifest's folder; $(NAME)
// expands the freezer's variables. The functions are native builtins that
// add files through frozen/freeze_inputs.c. This file is the one place the
// freezer touches VM objects (runtime/obj.h).
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../compiler/compiler.h"
#include "../runtime/obj.h"
#include "../runtime/runtime.h"
#include "frozen.h"

enum {
    VM_HEAP = 16 * 1024 * 1024,
    VM_STACK = 512 * 1024,
    MAX_INCLUDE_DEPTH = 32,
    MAX_REQUIRE_DEPTH = 6,
};

// One evaluation (the manifest and everything it includes).
typedef struct manifest_eval {
    freezer_t *f;
    diag_t *d;
    const char *dir;          // the running manifest's folder ("" = cwd)
    int depth;
    obj_t options_class;      // IncludeOptions from the prelude
    char **visited;           // real paths of manifests already run
    size_t n_visited;
} manifest_eval_t;

static manifest_eval_t *cur;

// `options` as manifestfile.py's IncludeOptions.
static const char prelude_src[] =
    "class IncludeOptions:\n"
    "    def __init__(self, kw):\n"
    "        self._kwargs = kw\n"
    "        self._defaults = {}\n"
    "    def defaults(self, **kw):\n"
    "        self._defaults = kw\n"
    "    def __getattr__(self, name):\n"
    "        return self._kwargs.get(name, self._defaults.get(name, None))\n";

// Records the error (unless one is recorded) and unwinds the manifest.
static noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static noreturn void fail(const char *fmt, ...) {
    if (!diag_failed(cur->d)) {
        va_list ap;
        va_start(ap, fmt);
        char msg[DIAG_MSG_MAX];
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        diag_error(cur->d, DIAG_USAGE_ERROR, 0, "%s", msg);
    }
    rt_raise(&type_RuntimeError, cur->d->msg);
}

static void check(bool ok) {
    if (!ok) {
        fail("error");
    }
}

// ---------------------------------------------------------------------------
// Arguments.
typedef struct arg_names {
    const char *fn;
    const char *names[6];
    bool takes_kw;            // extra keywords go to *extra (a dict)
} arg_names_t;

static void parse_args(const arg_names_t *spec, size_t n, const obj_t *args, map_t *kw, obj_t *out,
    obj_t *extra) {
    size_t n_names = 0;
    while (n_names < 6 && spec->names[n_names] != NULL) {
        n_names++;
    }
    if (n > n_names) {
        fail("%s() takes at most %zu positional arguments", spec->fn, n_names);
    }
    for (size_t i = 0; i < n_names; i++) {
        out[i] = i < n ? args[i] : OBJ_NULL;
    }
    if (extra != NULL) {
        *extra = dict_new(0);
    }
    for (size_t k = 0; kw != NULL && k < kw->alloc; k++) {
        if (!map_slot_filled(kw, k)) {
            continue;
        }
        const char *key = rtq_str(qstr_value(kw->table[k].key));
        size_t i = 0;
        while (i < n_names && strcmp(spec->names[i], key) != 0) {
            i++;
        }
        if (i < n_names) {
            out[i] = kw->table[k].value;
        } else if (spec->takes_kw) {
            dict_store(*extra, kw->table[k].key, kw->table[k].value);
        } else {
            fail("%s() got an unexpected keyword argument '%s'", spec->fn, key);
        }
    }
}

static bool is_none(obj_t o) {
    return o == OBJ_NULL || o == OBJ_NONE;
}

static const char *str_arg(const char *fn, obj_t o, const char *def) {
    if (is_none(o)) {
        return def;
    }
    if (!obj_is_str(o)) {
        fail("%s(): expected a str, got %s", fn, obj_type_name(o));
    }
    return str_get_cstr(o);
}

static int opt_arg(obj_t o) {
    return is_none(o) ? -1 : (int)obj_get_int(o);
}

// ---------------------------------------------------------------------------
// Paths.
static char *path_join(const char *a, const char *b) {
    if (b[0] == '/' || a[0] == 0 || strcmp(a, ".") == 0) {
        return arena_strndup(&cur->f->arena, b, strlen(b));
    }
    buf_t p;
    buf_init(&p);
    buf_printf(&p, "%s/%s", a, strcmp(b, ".") == 0 ? "" : b);
    if (p.len > 1 && p.data[p.len - 1] == '/') {
        p.len--;
    }
    char *s = arena_strndup(&cur->f->arena, (const char *)p.data, p.len);
    buf_deinit(&p);
    return s;
}

// Expands $(NAME) and makes the path relative to the running manifest.
static char *resolve(const char *path) {
    buf_t p;
    buf_init(&p);
    for (const char *s = path; *s;) {
        const char *end = s[0] == '$' && s[1] == '(' ? strchr(s, ')') : NULL;
        if (end == NULL) {
            buf_byte(&p, (uint8_t)*s++);
            continue;
        }
        const char *value = NULL;
        size_t n = (size_t)(end - s - 2);
        for (size_t i = 0; i < cur->f->n_vars; i++) {
            if (strlen(cur->f->vars[i].name) == n && memcmp(cur->f->vars[i].name, s + 2, n) == 0) {
                value = cur->f->vars[i].value;
            }
        }
        if (value == NULL && n == 11 && memcmp(s + 2, "MPY_LIB_DIR", 11) == 0 && cur->f->n_lib_dirs > 0) {
            value = cur->f->lib_dirs[0];
        }
        if (value == NULL) {
            buf_deinit(&p);
            fail("unknown variable $(%.*s) in '%s' (set it with -D NAME=VALUE)", (int)n, s + 2, path);
        }
        buf_str(&p, value);
        s = end + 1;
    }
    buf_byte(&p, 0);
    char *r = path_join(cur->dir, (const char *)p.data);
    buf_deinit(&p);
    return r;
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

// ---------------------------------------------------------------------------
// Running one manifest.
static void eval_manifest(const char *path, obj_t kwargs);

static void run_source(const char *path, const uint8_t *mpy, size_t len, obj_t kwargs);

static void eval_manifest(const char *path, obj_t kwargs) {
    if (cur->depth >= MAX_INCLUDE_DEPTH) {
        fail("%s: manifests included %d deep", path, MAX_INCLUDE_DEPTH);
    }
    size_t len;
    diag_t rd;
    diag_init(&rd, NULL);
    uint8_t *src = util_read_file(path, &len, &rd);
    if (src == NULL) {
        fail("%s", rd.msg);
    }
    compile_options_t o;
    compile_options_init(&o);
    o.source_name = path;
    buf_t mpy;
    buf_init(&mpy);
    bool ok = compile_to_mpy(src, len, &o, &mpy, cur->d);
    free(src);
    if (!ok) {
        cur->d->file = arena_strndup(&cur->f->arena, path, strlen(path));
        buf_deinit(&mpy);
        rt_raise(&type_RuntimeError, cur->d->msg);
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        run_source(path, mpy.data, mpy.len, kwargs);
        nlr_pop();
        buf_deinit(&mpy);
        return;
    }
    buf_deinit(&mpy);
    nlr_jump(nlr.ret_val);
}

static void include_one(const char *given, obj_t kwargs) {
    char *path = resolve(given);
    if (is_dir(path)) {
        path = path_join(path, "manifest.py");
    }
    char real[PATH_MAX];
    if (realpath(path, real) == NULL) {
        fail("%s: no such manifest", path);
    }
    for (size_t i = 0; i < cur->n_visited; i++) {
        if (strcmp(cur->visited[i], real) == 0) {
            return;
        }
    }
    char **v = realloc(cur->visited, (cur->n_visited + 1) * sizeof(char *));
    if (v == NULL) {
        fail("out of memory");
    }
    cur->visited = v;
    v[cur->n_visited++] = arena_strndup(&cur->f->arena, real, strlen(real));
    eval_manifest(path, kwargs);
}

// ---------------------------------------------------------------------------
// The manifest functions.
static void freeze_files(const char *fn, obj_t path, obj_t script, obj_t opt) {
    char *base = resolve(str_arg(fn, path, "."));
    int level = opt_arg(opt);
    if (is_none(script)) {
        check(freezer_add_tree(cur->f, base, "", level, cur->d));
    } else if (obj_is_str(script)) {
        const char *s = str_get_cstr(script);
        char *full = path_join(base, s);
        check(is_dir(full) ? freezer_add_tree(cur->f, full, s, level, cur->d)
                           : freezer_add_file(cur->f, full, s, level, cur->d));
    } else {
        size_t n;
        obj_t *items;
        obj_get_array(script, &n, &items);
        for (size_t i = 0; i < n; i++) {
            const char *s = str_arg(fn, items[i], "");
            check(freezer_add_file(cur->f, path_join(base, s), s, level, cur->d));
        }
    }
}

static const arg_names_t freeze_spec = {"freeze", {"path", "script", "opt"}, false};

static obj_t mf_freeze(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[3];
    parse_args(&freeze_spec, n, args, kw, a, NULL);
    if (a[0] == OBJ_NULL) {
        fail("freeze() needs a path");
    }
    freeze_files("freeze", a[0], a[1], a[2]);
    return OBJ_NONE;
}

static obj_t mf_freeze_as_str(size_t n, const obj_t *args, map_t *kw) {
    (void)n;
    (void)args;
    (void)kw;
    fail("freeze_as_str() is not supported: freeze the module as bytecode");
}

static const arg_names_t module_spec = {"module", {"module_path", "base_path", "opt"}, false};

static obj_t mf_module(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[3];
    parse_args(&module_spec, n, args, kw, a, NULL);
    const char *name = str_arg("module", a[0], NULL);
    if (name == NULL) {
        fail("module() needs a file name");
    }
    size_t len = strlen(name);
    if (len < 4 || (strcmp(name + len - 3, ".py") != 0 && strcmp(name + len - 4, ".mpy") != 0)) {
        fail("module(): '%s' must be a .py file", name);
    }
    char *base = resolve(str_arg("module", a[1], "."));
    check(freezer_add_file(cur->f, path_join(base, name), name, opt_arg(a[2]), cur->d));
    return OBJ_NONE;
}

static const arg_names_t package_spec = {"package", {"package_path", "files", "base_path", "opt"}, false};

static obj_t mf_package(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[4];
    parse_args(&package_spec, n, args, kw, a, NULL);
    const char *pkg = str_arg("package", a[0], NULL);
    if (pkg == NULL) {
        fail("package() needs a package name");
    }
    char *base = resolve(str_arg("package", a[2], "."));
    char *dir = path_join(base, pkg);
    int level = opt_arg(a[3]);
    if (is_none(a[1])) {
        if (!is_dir(dir)) {
            fail("%s: no such package folder", dir);
        }
        check(freezer_add_tree(cur->f, dir, pkg, level, cur->d));
        return OBJ_NONE;
    }
    size_t n_files;
    obj_t *files;
    obj_get_array(a[1], &n_files, &files);
    for (size_t i = 0; i < n_files; i++) {
        const char *file = str_arg("package", files[i], "");
        check(freezer_add_file(cur->f, path_join(dir, file), path_join(pkg, file), level, cur->d));
    }
    return OBJ_NONE;
}

static const arg_names_t include_spec = {"include", {"manifest_path"}, true};

static obj_t mf_include(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[1];
    obj_t extra;
    parse_args(&include_spec, n, args, kw, a, &extra);
    if (a[0] == OBJ_NULL) {
        fail("include() needs a path");
    }
    if (obj_is_str(a[0])) {
        include_one(str_get_cstr(a[0]), extra);
        return OBJ_NONE;
    }
    size_t n_paths;
    obj_t *paths;
    obj_get_array(a[0], &n_paths, &paths);
    for (size_t i = 0; i < n_paths; i++) {
        include_one(str_arg("include", paths[i], ""), extra);
    }
    return OBJ_NONE;
}

// Depth-first, in name order, for a folder called name holding manifest.py.
static char *find_package(const char *dir, const char *name, int depth) {
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        return NULL;
    }
    char **subs = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        char **s = realloc(subs, (n + 1) * sizeof(char *));
        if (s == NULL) {
            break;
        }
        subs = s;
        subs[n++] = strdup(de->d_name);
    }
    closedir(dp);
    for (size_t i = 1; i < n; i++) {   // insertion sort: folders are small
        for (size_t j = i; j > 0 && strcmp(subs[j - 1], subs[j]) > 0; j--) {
            char *t = subs[j];
            subs[j] = subs[j - 1];
            subs[j - 1] = t;
        }
    }
    char *found = NULL;
    for (size_t i = 0; i < n && found == NULL; i++) {
        char *sub = path_join(dir, subs[i]);
        if (!is_dir(sub)) {
            continue;
        }
        if (strcmp(subs[i], name) == 0 && is_file(path_join(sub, "manifest.py"))) {
            found = sub;
        } else if (depth < MAX_REQUIRE_DEPTH) {
            found = find_package(sub, name, depth + 1);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(subs[i]);
    }
    free(subs);
    return found;
}

static const arg_names_t require_spec = {
    "require", {"name", "version", "unix_ffi", "pypi", "library"}, true};

static obj_t mf_require(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[5];
    obj_t extra;
    parse_args(&require_spec, n, args, kw, a, &extra);
    const char *name = str_arg("require", a[0], NULL);
    if (name == NULL) {
        fail("require() needs a package name");
    }
    bool unix_ffi = !is_none(a[2]) && obj_is_true(a[2]);
    for (int pass = unix_ffi ? 0 : 1; pass < 2; pass++) {
        for (size_t i = 0; i < cur->f->n_lib_dirs; i++) {
            const char *lib = cur->f->lib_dirs[i];
            char *root = pass == 0 ? path_join(lib, "unix-ffi") : (char *)lib;
            char *pkg = find_package(root, name, 0);
            if (pkg != NULL) {
                const char *saved = cur->dir;
                cur->dir = "";
                include_one(pkg, extra);
                cur->dir = saved;
                return OBJ_NONE;
            }
        }
    }
    for (size_t i = 0; i < cur->f->n_lib_dirs; i++) {
        buf_t file;
        buf_init(&file);
        buf_printf(&file, "%s.py%c", name, 0);
        char *path = path_join(cur->f->lib_dirs[i], (const char *)file.data);
        if (is_file(path)) {
            check(freezer_add_file(cur->f, path, (const char *)file.data, -1, cur->d));
            buf_deinit(&file);
            return OBJ_NONE;
        }
        buf_deinit(&file);
    }
    fail("require('%s'): no %s/manifest.py or %s.py in the library path (--lib)", name, name, name);
}

static const arg_names_t metadata_spec = {
    "metadata", {"description", "version", "license", "author"}, true};

static obj_t mf_metadata(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[4];
    obj_t extra;
    parse_args(&metadata_spec, n, args, kw, a, &extra);
    return OBJ_NONE;
}

static const arg_names_t add_library_spec = {"add_library", {"library", "library_path", "prepend"}, false};

static obj_t mf_add_library(size_t n, const obj_t *args, map_t *kw) {
    obj_t a[3];
    parse_args(&add_library_spec, n, args, kw, a, NULL);
    const char *path = str_arg("add_library", a[1], NULL);
    if (path == NULL) {
        fail("add_library() needs a library path");
    }
    check(freezer_add_lib_dir(cur->f, resolve(path), cur->d));
    return OBJ_NONE;
}

BUILTIN_FUN_KW(mf_freeze_obj, 0, mf_freeze);
BUILTIN_FUN_KW(mf_freeze_as_str_obj, 0, mf_freeze_as_str);
BUILTIN_FUN_KW(mf_module_obj, 0, mf_module);
BUILTIN_FUN_KW(mf_package_obj, 0, mf_package);
BUILTIN_FUN_KW(mf_include_obj, 0, mf_include);
BUILTIN_FUN_KW(mf_require_obj, 0, mf_require);
BUILTIN_FUN_KW(mf_metadata_obj, 0, mf_metadata);
BUILTIN_FUN_KW(mf_add_library_obj, 0, mf_add_library);

static const struct {
    const char *name;
    const obj_fun_builtin_t *fun;
} manifest_api[] = {
    {"freeze", &mf_freeze_obj},
    {"freeze_as_mpy", &mf_freeze_obj},
    {"freeze_mpy", &mf_freeze_obj},
    {"freeze_as_str", &mf_freeze_as_str_obj},
    {"module", &mf_module_obj},
    {"package", &mf_package_obj},
    {"include", &mf_include_obj},
    {"require", &mf_require_obj},
    {"metadata", &mf_metadata_obj},
    {"add_library", &mf_add_library_obj},
};

static void run_source(const char *path, const uint8_t *mpy, size_t len, obj_t kwargs) {
    obj_t globals = dict_new(16);
    for (size_t i = 0; i < sizeof(manifest_api) / sizeof(manifest_api[0]); i++) {
        dict_store(globals, obj_qstr(rtq_intern_cstr(manifest_api[i].name)), ROM_PTR(manifest_api[i].fun));
    }
    dict_store(globals, obj_qstr(rtq_intern_cstr("options")), rt_call1(cur->options_class, kwargs));
    dict_store(globals, obj_qstr(QSTR___name__), obj_qstr(QSTR___main__));
    const char *slash = strrchr(path, '/');
    const char *saved_dir = cur->dir;
    cur->dir = slash ? arena_strndup(&cur->f->arena, path, (size_t)(slash - path)) : "";
    cur->depth++;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        rt_import_mpy_data(QSTR___main__, mpy, len, globals);
        nlr_pop();
        cur->dir = saved_dir;
        cur->depth--;
        return;
    }
    cur->dir = saved_dir;
    cur->depth--;
    nlr_jump(nlr.ret_val);
}

// ---------------------------------------------------------------------------
// The VM around an evaluation.
static bool load_prelude(void) {
    compile_options_t o;
    compile_options_init(&o);
    o.source_name = "<manifest prelude>";
    buf_t mpy;
    buf_init(&mpy);
    diag_t d;
    diag_init(&d, NULL);
    if (!compile_to_mpy((const uint8_t *)prelude_src, sizeof(prelude_src) - 1, &o, &mpy, &d)) {
        buf_deinit(&mpy);
        return false;
    }
    obj_t globals = dict_new(4);
    rt_import_mpy_data(QSTR___main__, mpy.data, mpy.len, globals);
    buf_deinit(&mpy);
    cur->options_class = dict_get(globals, obj_qstr(rtq_intern_cstr("IncludeOptions")));
    return cur->options_class != OBJ_NULL;
}

// An exception the manifest itself raised (NameError, ...) as one diagnostic
// at the innermost manifest line.
static void record_exception(obj_t exc) {
    obj_exc_t *e = exc_native(exc);
    if (e != NULL && e->tb_len >= 3 && cur->d->file == NULL) {
        const char *file = rtq_str((qstr_t)e->tb[0]);
        cur->d->line = (int)e->tb[1];
        cur->d->file = arena_strndup(&cur->f->arena, file, strlen(file));
    }
    if (diag_failed(cur->d)) {
        return;
    }
    vstr_t v;
    vstr_init(&v, 64);
    print_t p;
    vstr_print_init(&v, &p);
    obj_print(&p, exc, PRINT_EXC);
    diag_error(cur->d, DIAG_USAGE_ERROR, cur->d->line, "%.*s", (int)v.len, v.buf);
}

bool freezer_add_manifest(freezer_t *f, const char *path, diag_t *d) {
    manifest_eval_t me;
    memset(&me, 0, sizeof(me));
    me.f = f;
    me.d = d;
    me.dir = "";
    manifest_eval_t *saved = cur;
    cur = &me;
    void *heap = malloc(VM_HEAP);
    if (heap == NULL) {
        cur = saved;
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    char stack_marker;
    rt_config_t cfg = {.heap = heap, .heap_size = VM_HEAP, .stack_top = &stack_marker,
        .stack_size = VM_STACK};
    rt_init(&cfg);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        if (!load_prelude()) {
            fail("the manifest prelude does not compile");
        }
        include_one(path, dict_new(0));
        nlr_pop();
    } else {
        // The exception's traceback says where; fail() said what.
        record_exception(nlr.ret_val);
    }
    rt_deinit();
    free(heap);
    free(me.visited);
    cur = saved;
    return !diag_failed(d);
}
