// runtime/ports/bare/port_bare.c: the port layer (runtime/port.h) shared by
// the VM-only firmware of every bare-metal target. Output goes straight to
// the board's console, unbuffered, so stdout and stderr interleave in
// program order. There is no file system: programs are frozen into the
// image (mpy-freeze), and their import goes through runtime/frozen.c; a
// test image may also link read-only files (files.h).
#include <string.h>

#include "../../port.h"
#include "board.h"
#include "files.h"

void port_write(int stream, const char *data, size_t len) {
    (void)stream;
    board_write(data, len);
}

void port_flush(void) {
}

uint64_t port_ticks_us(void) {
    return board_ticks_us();
}

RT_FLOAT_TYPE port_time(void) {
    return 0;
}

static const bare_file_t *find_file(const char *path) {
    for (size_t i = 0; i < bare_files.n_files; i++) {
        if (strcmp(bare_files.files[i].path, path) == 0) {
            return &bare_files.files[i];
        }
    }
    return NULL;
}

// A linked file, copied to the GC heap (the caller owns a writable copy).
bool port_read_file(const char *path, uint8_t **data, size_t *len) {
    const bare_file_t *f = find_file(path);
    if (f == NULL) {
        return false;
    }
    *data = gc_alloc(f->len + 1);
    memcpy(*data, f->data, f->len);
    *len = f->len;
    return true;
}

void port_free_file(uint8_t *data) {
    gc_free(data);
}

bool port_is_dir(const char *path) {
    (void)path;
    return false;
}

noreturn void port_fatal(const char *msg) {
    static const char prefix[] = "fatal: ";
    board_write(prefix, sizeof(prefix) - 1);
    board_write(msg, strlen(msg));
    board_write("\n", 1);
    board_exit(3);
}

obj_t port_find_module(qstr_t name) {
    (void)name;
    return OBJ_NULL;
}

void port_gc_roots(void) {
}
