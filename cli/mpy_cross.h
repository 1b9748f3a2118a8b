// cli/mpy_cross.h: the parts of the mpy-cross command shared between its
// option handling (mpy_cross.c) and the work it runs (mpy_cross_jobs.c):
// the parsed command line and the compile jobs.
#ifndef CLI_MPY_CROSS_H
#define CLI_MPY_CROSS_H

#include <stdbool.h>
#include <stddef.h>

#include "../compiler/compiler.h"
#include "../util/util.h"

// One input to compile and where its output goes.
typedef struct mpy_cross_job {
    const char *input;        // a path, or "-" for standard input
    const char *source_name;  // stored in the file (qstr 0) and shown in tracebacks
    const char *output;       // a path, or "-" for standard output
    bool make_dirs;           // create the output's missing parent directories
    // Results, filled by the worker.
    bool ok;
    buf_t messages;           // what to print on stderr, in the official format
    buf_t stdout_bytes;       // the .mpy when output is "-"
} mpy_cross_job_t;

// Compiles every job on up to n_threads threads (each with a large stack,
// so deep but legal nesting in the source cannot overflow it). Jobs are
// independent; each records its own result. `prog` names the command in
// one-line messages.
void mpy_cross_run_jobs(mpy_cross_job_t *jobs, size_t n_jobs, unsigned n_threads,
    const compile_options_t *opts, const char *prog);

// The --out-dir mode: compiles the files and directory trees named in
// inputs into out_dir, keeping their layout (see man/mpy-cross.1). Prints
// every message in input order; returns the exit status.
int mpy_cross_run_out_dir(const char *const *inputs, size_t n_inputs, const char *out_dir,
    unsigned n_threads, const compile_options_t *opts, const char *prog);

#endif // CLI_MPY_CROSS_H
