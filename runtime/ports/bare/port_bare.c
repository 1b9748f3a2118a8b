// runtime/ports/bare/port_bare.c: the port layer (runtime/port.h) shared by
// the VM-only firmware of every bare-metal target. Output goes straight to
// the board's console, unbuffered, so stdout and stderr interleave in
// program order. There is no file system: programs are frozen into the
// image (mpy-freeze), and their import goes through runtime/frozen.c.
#include <string.h>

#include "../../port.h"
#include "board.h"

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

// No file system: nothing to read.
bool port_read_file(const char *path, uint8_t **data, size_t *len) {
    (void)path;
    (void)data;
    (void)len;
    return false;
}

void port_free_file(uint8_t *data) {
    (void)data;
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
