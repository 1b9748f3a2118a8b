// runtime/ports/bare/port_bare.c: the port layer (runtime/port.h) shared by
// the VM-only firmware of every bare-metal target. Output goes straight to
// the board's console, unbuffered, so stdout and stderr interleave in
// program order. There is no file system: "files" are .mpy images linked
// into the firmware (fw_files, a bring-up path beside frozen modules), and
// import of frozen modules goes through runtime/frozen.c.
#include <string.h>

#include "../../port.h"
#include "board.h"
#include "fw_files.h"

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

// The weak empty list, for images that link no fw_files table.
__attribute__((weak)) const fw_file_t fw_files[] = {{NULL, NULL, 0}};

const fw_file_t *fw_file_find(const char *path) {
    for (const fw_file_t *f = fw_files; f->name != NULL; f++) {
        if (strcmp(f->name, path) == 0) {
            return f;
        }
    }
    return NULL;
}

// The loader frees what it gets, so it gets a heap copy of the flash bytes.
bool port_read_file(const char *path, uint8_t **data, size_t *len) {
    const fw_file_t *f = fw_file_find(path);
    if (f == NULL) {
        return false;
    }
    *data = gc_alloc(f->len);
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
