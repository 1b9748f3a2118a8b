// cli/common.h: what every command in cli/ shares: turning a diagnostic
// into the text the user sees. Python-level errors print as MicroPython
// prints an uncaught exception (a traceback when the error has a place);
// everything else is one line naming the command.
#ifndef CLI_COMMON_H
#define CLI_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "../util/util.h"

// True for the kinds MicroPython reports as exceptions (SyntaxError,
// MemoryError, ...), which print in its format.
bool common_diag_is_python(const diag_t *d);

// The exception class name of a Python-level diagnostic ("SyntaxError").
const char *common_diag_kind_name(diag_kind_t kind);

// Prints d to out. Python-level errors as MicroPython does:
//   Traceback (most recent call last):
//     File "NAME", line N, in SCOPE
//   SyntaxError: message
// where the first two lines appear only when d has a line, ", in SCOPE"
// only when d->scope is not empty, and NAME is d->file or else
// source_name. Other errors print as "PROG: message".
void common_print_diag(FILE *out, const char *prog, const diag_t *d, const char *source_name);

// The same text appended to a buffer (for output that is collected first
// and printed later in a fixed order).
void common_format_diag(buf_t *out, const char *prog, const diag_t *d, const char *source_name);

#endif // CLI_COMMON_H
