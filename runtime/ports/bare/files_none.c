// runtime/ports/bare/files_none.c: the image without linked files (files.h).
// Weak, and alone in its file, so a generated bare_files wins.
#include "files.h"

__attribute__((weak)) const bare_files_t bare_files = {0, NULL};
