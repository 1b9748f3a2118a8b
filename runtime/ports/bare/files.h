// runtime/ports/bare/files.h: read-only files linked into a firmware image,
// the file system of a board that has none. port_read_file (port_bare.c)
// serves them by path, so .mpy files import and run through the normal
// loader, their code copied to RAM (and native code to executable memory)
// as from any file. A test image links a generated table
// (tests/ports/check-firmware-native.sh); other images get the empty
// default (files_none.c).
#ifndef RUNTIME_PORTS_BARE_FILES_H
#define RUNTIME_PORTS_BARE_FILES_H

#include <stddef.h>
#include <stdint.h>

typedef struct bare_file {
    const char *path;      // as given to import or rt_run_file: "name.mpy"
    const uint8_t *data;   // in flash
    size_t len;
} bare_file_t;

typedef struct bare_files {
    size_t n_files;
    const bare_file_t *files;
} bare_files_t;

extern const bare_files_t bare_files;

#endif // RUNTIME_PORTS_BARE_FILES_H
