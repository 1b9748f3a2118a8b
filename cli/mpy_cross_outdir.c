// cli/mpy_cross_outdir.c: `mpy-cross --out-dir DIR a.py pkg/ ...`: many
// inputs in one run. Files keep their name, directories their tree:
//   a.py          -> DIR/a.mpy        (source name "a.py")
//   src/pkg/      -> DIR/pkg/**.mpy   (source names "pkg/sub/m.py")
//   .             -> DIR/**.mpy
// Source names are these relative paths, so the output does not depend on
// where the command runs. Directories are walked in sorted order, hidden
// entries (".git") and symlinked directories are skipped.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "mpy_cross.h"

typedef struct job_list {
    mpy_cross_job_t *jobs;
    size_t n;
    size_t cap;
    arena_t *arena;  // paths
    buf_t *errors;   // one line per input that could not be listed
    const char *prog;
} job_list_t;

static char *join(arena_t *a, const char *x, const char *y) {
    size_t nx = strlen(x);
    size_t ny = strlen(y);
    char *s = arena_alloc(a, nx + ny + 2);
    if (s == NULL) {
        return NULL;
    }
    memcpy(s, x, nx);
    size_t at = nx;
    if (nx > 0 && ny > 0 && x[nx - 1] != '/') {
        s[at++] = '/';
    }
    memcpy(s + at, y, ny + 1);
    return s;
}

// The output name MicroPython derives from an input: the last two
// characters replaced by "mpy" ("m.py" -> "m.mpy").
static char *mpy_name(arena_t *a, const char *path) {
    size_t n = strlen(path);
    size_t keep = n >= 2 ? n - 2 : 0;
    char *s = arena_alloc(a, keep + 4);
    if (s != NULL) {
        memcpy(s, path, keep);
        memcpy(s + keep, "mpy", 4);
    }
    return s;
}

static bool ends_with_py(const char *name) {
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".py") == 0;
}

static bool add_job(job_list_t *l, const char *input, const char *rel, const char *out_dir) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        mpy_cross_job_t *jobs = realloc(l->jobs, cap * sizeof(*jobs));
        if (jobs == NULL) {
            return false;
        }
        l->jobs = jobs;
        l->cap = cap;
    }
    char *output = mpy_name(l->arena, join(l->arena, out_dir, rel));
    if (output == NULL) {
        return false;
    }
    mpy_cross_job_t *j = &l->jobs[l->n++];
    memset(j, 0, sizeof(*j));
    j->input = input;
    j->source_name = rel;
    j->output = output;
    j->make_dirs = true;
    return true;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// Lists the sorted visible entries of a directory (names in the arena).
static char **list_dir(job_list_t *l, const char *dir, size_t *n_out) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        buf_printf(l->errors, "%s: can't open directory '%s': %s\n", l->prog, dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, cap * sizeof(char *));
            if (grown == NULL) {
                break;
            }
            names = grown;
        }
        names[n++] = arena_strndup(l->arena, ent->d_name, strlen(ent->d_name));
    }
    closedir(d);
    if (n > 0) {
        qsort(names, n, sizeof(char *), compare_names);
    }
    *n_out = n;
    return names;
}

static void walk(job_list_t *l, const char *dir, const char *rel, const char *out_dir) {
    size_t n = 0;
    char **names = list_dir(l, dir, &n);
    for (size_t i = 0; i < n; i++) {
        char *path = join(l->arena, dir, names[i]);
        char *sub = join(l->arena, rel, names[i]);
        struct stat st;
        if (path == NULL || sub == NULL || lstat(path, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            walk(l, path, sub, out_dir);
        } else if (ends_with_py(names[i]) && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            add_job(l, path, sub, out_dir);
        }
    }
    free(names);
}

// The last component of a path, without trailing slashes; "" for "." and
// "..", whose contents go straight into the output directory.
static char *last_component(arena_t *a, const char *path) {
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') {
        n--;
    }
    size_t start = n;
    while (start > 0 && path[start - 1] != '/') {
        start--;
    }
    char *s = arena_strndup(a, path + start, n - start);
    if (s != NULL && (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strcmp(s, "/") == 0)) {
        s[0] = '\0';
    }
    return s;
}

static void add_input(job_list_t *l, const char *input, const char *out_dir) {
    struct stat st;
    if (stat(input, &st) != 0) {
        buf_printf(l->errors, "%s: can't open file '%s': %s\n", l->prog, input, strerror(errno));
        return;
    }
    char *name = last_component(l->arena, input);
    if (name == NULL) {
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        walk(l, input, name, out_dir);
    } else {
        add_job(l, input, name, out_dir);
    }
}

static int compare_outputs(const void *a, const void *b) {
    const mpy_cross_job_t *x = *(const mpy_cross_job_t *const *)a;
    const mpy_cross_job_t *y = *(const mpy_cross_job_t *const *)b;
    return strcmp(x->output, y->output);
}

// Two inputs writing one output would make the result depend on timing.
static bool check_unique_outputs(job_list_t *l) {
    mpy_cross_job_t **order = malloc((l->n ? l->n : 1) * sizeof(*order));
    if (order == NULL) {
        return false;
    }
    for (size_t i = 0; i < l->n; i++) {
        order[i] = &l->jobs[i];
    }
    qsort(order, l->n, sizeof(*order), compare_outputs);
    bool ok = true;
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(order[i - 1]->output, order[i]->output) == 0) {
            buf_printf(l->errors, "%s: '%s' and '%s' would both be written to '%s'\n", l->prog,
                order[i - 1]->input, order[i]->input, order[i]->output);
            ok = false;
        }
    }
    free(order);
    return ok;
}

int mpy_cross_run_out_dir(const char *const *inputs, size_t n_inputs, const char *out_dir,
    unsigned n_threads, const compile_options_t *opts, const char *prog) {
    arena_t arena;
    arena_init(&arena);
    buf_t errors;
    buf_init(&errors);
    job_list_t l = {.arena = &arena, .errors = &errors, .prog = prog};
    for (size_t i = 0; i < n_inputs; i++) {
        add_input(&l, inputs[i], out_dir);
    }
    int status = errors.len > 0 ? 1 : 0;
    if (check_unique_outputs(&l)) {
        mpy_cross_run_jobs(l.jobs, l.n, n_threads, opts, prog);
    } else {
        status = 1;
        l.n = 0;
    }
    if (errors.len > 0) {
        fwrite(errors.data, 1, errors.len, stderr);
    }
    for (size_t i = 0; i < l.n; i++) {
        if (l.jobs[i].messages.len > 0) {
            fwrite(l.jobs[i].messages.data, 1, l.jobs[i].messages.len, stderr);
        }
        status |= l.jobs[i].ok ? 0 : 1;
        buf_deinit(&l.jobs[i].messages);
        buf_deinit(&l.jobs[i].stdout_bytes);
    }
    free(l.jobs);
    buf_deinit(&errors);
    arena_deinit(&arena);
    return status;
}
