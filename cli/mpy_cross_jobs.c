// cli/mpy_cross_jobs.c: running compile jobs for mpy-cross: reading each
// input, compiling it, and writing the output through a temporary file and
// a rename (so a failure never leaves a file behind), on a pool of threads.
// compile_to_mpy is reentrant, so the jobs share nothing but the options.
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mpy_cross.h"

enum {
    // Each worker's stack. Only the pages a compile touches are used; the
    // rest is address space, so deep legal nesting has room to spare.
    WORKER_STACK_SIZE = 256 * 1024 * 1024,
};

typedef struct pool {
    mpy_cross_job_t *jobs;
    size_t n_jobs;
    atomic_size_t next;
    const compile_options_t *opts;
    const char *prog;
} pool_t;


// Creates the directories leading to path (like mkdir -p of its parent).
static bool make_parents(const char *path, diag_t *d) {
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (p == NULL) {
        return diag_error(d, DIAG_IO_ERROR, 0, "out of memory");
    }
    memcpy(p, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (p[i] != '/') {
            continue;
        }
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            diag_error(d, DIAG_IO_ERROR, 0, "can't create directory '%s': %s", p, strerror(errno));
            free(p);
            return false;
        }
        p[i] = '/';
    }
    free(p);
    return true;
}

// Writes into an existing special file (/dev/null, a pipe) or through a
// symbolic link in place: a temporary file and a rename would replace the
// device node or the link itself.
static bool write_in_place(const char *path, const buf_t *mpy, diag_t *d) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return diag_error(d, DIAG_IO_ERROR, 0, "can't write file '%s': %s", path, strerror(errno));
    }
    bool ok = fwrite(mpy->data, 1, mpy->len, f) == mpy->len;
    int e = errno;
    if (fclose(f) != 0 && ok) {
        e = errno;
        ok = false;
    }
    return ok || diag_error(d, DIAG_IO_ERROR, 0, "can't write file '%s': %s", path, strerror(e));
}

static bool is_special_or_link(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static bool write_output(mpy_cross_job_t *job, const buf_t *mpy, diag_t *d) {
    if (strcmp(job->output, "-") == 0) {
        buf_append(&job->stdout_bytes, mpy->data, mpy->len);
        return !job->stdout_bytes.failed
            || diag_error(d, DIAG_IO_ERROR, 0, "out of memory");
    }
    if (is_special_or_link(job->output)) {
        return write_in_place(job->output, mpy, d);
    }
    return (!job->make_dirs || make_parents(job->output, d))
        && util_write_file_atomic(job->output, mpy->data, mpy->len, d);
}

static void run_job(mpy_cross_job_t *job, const compile_options_t *opts, const char *prog) {
    diag_t d;
    diag_init(&d, NULL);
    size_t len = 0;
    uint8_t *src = strcmp(job->input, "-") == 0 ? util_read_fd(STDIN_FILENO, "standard input", &len, &d)
                                                : util_read_file(job->input, &len, &d);
    if (src != NULL) {
        compile_options_t o = *opts;
        o.source_name = job->source_name;
        buf_t mpy;
        buf_init(&mpy);
        if (compile_to_mpy(src, len, &o, &mpy, &d) && !mpy.failed) {
            job->ok = write_output(job, &mpy, &d);
        } else if (!diag_failed(&d)) {
            diag_error(&d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        }
        buf_deinit(&mpy);
        free(src);
    }
    if (!job->ok) {
        common_format_diag(&job->messages, prog, &d, job->source_name);
    }
}

static void *worker(void *arg) {
    pool_t *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n_jobs) {
            return NULL;
        }
        run_job(&p->jobs[i], p->opts, p->prog);
    }
}

void mpy_cross_run_jobs(mpy_cross_job_t *jobs, size_t n_jobs, unsigned n_threads,
    const compile_options_t *opts, const char *prog) {
    pool_t p = {.jobs = jobs, .n_jobs = n_jobs, .opts = opts, .prog = prog};
    atomic_init(&p.next, 0);
    if (n_threads == 0) {
        n_threads = 1;
    }
    if (n_threads > n_jobs) {
        n_threads = n_jobs > 0 ? (unsigned)n_jobs : 1;
    }
    pthread_t *threads = calloc(n_threads, sizeof(pthread_t));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
    unsigned started = 0;
    for (unsigned t = 0; threads != NULL && t < n_threads; t++) {
        if (pthread_create(&threads[t], &attr, worker, &p) != 0) {
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    if (started == 0) {
        worker(&p);  // no thread could start: work on this one
    }
    for (unsigned t = 0; t < started; t++) {
        pthread_join(threads[t], NULL);
    }
    free(threads);
}
