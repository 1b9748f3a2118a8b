// frozen/freeze_inputs.c: what goes into a frozen image: single files,
// directory trees and the module names their paths give. Checks that each
// file exists and that no two files claim one module name; compiling and
// writing are elsewhere.
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frozen.h"

void freezer_init(freezer_t *f) {
    memset(f, 0, sizeof(*f));
    arena_init(&f->arena);
    f->small_int_bits = MPY_DEFAULT_SMALL_INT_BITS;
    f->rt_level = FREEZE_MAX_RT_LEVEL;
}

void freezer_deinit(freezer_t *f) {
    free(f->entries);
    free(f->lib_dirs);
    free(f->vars);
    arena_deinit(&f->arena);
    memset(f, 0, sizeof(*f));
}

static char *dup(freezer_t *f, const char *s) {
    return arena_strndup(&f->arena, s, strlen(s));
}

static bool grow(void **items, size_t *cap, size_t n, size_t size) {
    if (n < *cap) {
        return true;
    }
    size_t new_cap = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, new_cap * size);
    if (p == NULL) {
        return false;
    }
    *items = p;
    *cap = new_cap;
    return true;
}

bool freezer_add_lib_dir(freezer_t *f, const char *dir, diag_t *d) {
    size_t cap = f->n_lib_dirs;
    if (!grow((void **)&f->lib_dirs, &cap, f->n_lib_dirs, sizeof(char *))) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    f->lib_dirs[f->n_lib_dirs++] = dup(f, dir);
    return true;
}

bool freezer_set_var(freezer_t *f, const char *assignment, diag_t *d) {
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment) {
        return diag_error(d, DIAG_USAGE_ERROR, 0, "expected NAME=VALUE, got '%s'", assignment);
    }
    size_t cap = f->n_vars;
    if (!grow((void **)&f->vars, &cap, f->n_vars, sizeof(freeze_var_t))) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    freeze_var_t *v = &f->vars[f->n_vars++];
    v->name = arena_strndup(&f->arena, assignment, (size_t)(eq - assignment));
    v->value = dup(f, eq + 1);
    return true;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s);
    size_t k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool freezer_is_manifest(const char *path) {
    const char *b = base_name(path);
    return strcmp(b, "manifest.py") == 0 || ends_with(b, "_manifest.py") ||
        strncmp(b, "manifest_", 9) == 0;
}

// "pkg/sub/mod.py" -> "pkg.sub.mod"; "pkg/__init__.py" -> "pkg" (package).
// Returns false when a part is not a Python identifier.
static bool module_name_of(freezer_t *f, const char *target, char **name, bool *is_package) {
    size_t len = strlen(target);
    size_t ext = ends_with(target, ".mpy") ? 4 : 3;
    char *n = arena_strndup(&f->arena, target, len - ext);
    *is_package = false;
    char *last = strrchr(n, '/');
    if (strcmp(last ? last + 1 : n, "__init__") == 0) {
        if (last == NULL) {
            return false;
        }
        *last = 0;
        *is_package = true;
    }
    bool at_start = true;
    for (char *p = n; *p; p++) {
        if (*p == '/') {
            *p = '.';
        }
        bool is_alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
            (unsigned char)*p >= 0x80;
        bool is_digit = *p >= '0' && *p <= '9';
        if (*p == '.' ? at_start : !(is_alpha || (is_digit && !at_start))) {
            return false;
        }
        at_start = *p == '.';
    }
    *name = n;
    return !at_start;
}

static bool same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool freezer_add_file(freezer_t *f, const char *path, const char *target, int opt, diag_t *d) {
    struct stat st;
    if (stat(path, &st) != 0) {
        return diag_error(d, DIAG_IO_ERROR, 0, "%s: %s", path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return diag_error(d, DIAG_IO_ERROR, 0, "%s: not a file", path);
    }
    if (!ends_with(target, ".py") && !ends_with(target, ".mpy")) {
        return diag_error(d, DIAG_USAGE_ERROR, 0, "%s: not a .py or .mpy file", path);
    }
    char *name;
    bool is_package;
    if (!module_name_of(f, target, &name, &is_package)) {
        return diag_error(d, DIAG_USAGE_ERROR, 0, "%s: '%s' does not give a module name", path, target);
    }
    for (size_t i = 0; i < f->n_entries; i++) {
        freeze_entry_t *e = &f->entries[i];
        if (strcmp(e->name, name) != 0) {
            continue;
        }
        if (same_file(e->path, path) && strcmp(e->target, target) == 0) {
            return true;
        }
        return diag_error(d, DIAG_USAGE_ERROR, 0, "%s: name clash: module '%s' is also frozen from %s",
            path, name, e->path);
    }
    if (!grow((void **)&f->entries, &f->cap_entries, f->n_entries, sizeof(freeze_entry_t))) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    freeze_entry_t *e = &f->entries[f->n_entries++];
    memset(e, 0, sizeof(*e));
    e->path = dup(f, path);
    e->target = dup(f, target);
    e->name = name;
    e->is_package = is_package;
    e->kind = ends_with(target, ".mpy") ? FREEZE_MPY : FREEZE_PY;
    e->opt = opt;
    return true;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// The names in dir, sorted (so the image does not depend on the order the
// file system lists them in). Caller frees the array and each name.
static char **list_dir(const char *dir, size_t *n_out, diag_t *d) {
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        diag_error(d, DIAG_IO_ERROR, 0, "%s: %s", dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (!grow((void **)&names, &cap, n, sizeof(char *))) {
            break;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(dp);
    if (n > 0) {
        qsort(names, n, sizeof(char *), compare_names);
    }
    *n_out = n;
    return names ? names : calloc(1, sizeof(char *));
}

static void free_list(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool freezer_add_tree(freezer_t *f, const char *dir, const char *prefix, int opt, diag_t *d) {
    size_t n;
    char **names = list_dir(dir, &n, d);
    if (names == NULL) {
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        buf_t path, target;
        buf_init(&path);
        buf_init(&target);
        buf_printf(&path, "%s/%s%c", dir, names[i], 0);
        buf_printf(&target, "%s%s%s%c", prefix, *prefix ? "/" : "", names[i], 0);
        const char *p = (const char *)path.data;
        const char *t = (const char *)target.data;
        if (is_dir(p)) {
            ok = freezer_add_tree(f, p, t, opt, d);
        } else if (ends_with(names[i], ".py") || ends_with(names[i], ".mpy")) {
            ok = freezer_add_file(f, p, t, opt, d);
        }
        buf_deinit(&path);
        buf_deinit(&target);
    }
    free_list(names, n);
    return ok;
}

bool freezer_add_input(freezer_t *f, const char *path, diag_t *d) {
    if (is_dir(path)) {
        // A package (it has __init__.py) keeps its own name; any other
        // folder is a tree whose paths below it name the modules.
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/') {
            len--;
        }
        char *dir = arena_strndup(&f->arena, path, len);
        buf_t init;
        buf_init(&init);
        buf_printf(&init, "%s/__init__.py%c", dir, 0);
        struct stat st;
        bool is_package = stat((const char *)init.data, &st) == 0 && S_ISREG(st.st_mode);
        buf_deinit(&init);
        return freezer_add_tree(f, dir, is_package ? base_name(dir) : "", -1, d);
    }
    if (freezer_is_manifest(path)) {
        return freezer_add_manifest(f, path, d);
    }
    return freezer_add_file(f, path, base_name(path), -1, d);
}
