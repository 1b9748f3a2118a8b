// runtime/port.h: everything the VM needs from the platform it runs on.
// A port (runtime/ports/host/ for Linux and macOS, later Cortex-M, RISC-V
// and Xtensa boards) implements these few functions; the rest of runtime/
// never calls the C library's I/O, clock or allocator directly.
#ifndef RUNTIME_PORT_H
#define RUNTIME_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obj.h"

enum {
    PORT_STDOUT = 1,
    PORT_STDERR = 2,
};

// Writes bytes to the console. Stream is PORT_STDOUT or PORT_STDERR.
void port_write(int stream, const char *data, size_t len);
// Pushes out console output the port holds back (called before exit).
void port_flush(void);
// Monotonic clock in microseconds since an arbitrary start.
uint64_t port_ticks_us(void);
// Wall-clock time in seconds since 1970 (0 when the board has no clock).
RT_FLOAT_TYPE port_time(void);

// Reads a whole file for import. The port owns the returned bytes until
// port_free_file. Returns false when the file does not exist or cannot be
// read; a board without a file system always returns false.
bool port_read_file(const char *path, uint8_t **data, size_t *len);
void port_free_file(uint8_t *data);
// True when path names a directory (for packages).
bool port_is_dir(const char *path);

// Called when the VM cannot go on (an exception with no handler at all).
noreturn void port_fatal(const char *msg);

// Modules only this port provides (ffi, deflate on the host). Returns the
// module object or OBJ_NULL when the port has no module of that name.
obj_t port_find_module(qstr_t name);
// Adds the port's GC roots (objects it keeps outside the heap) by calling
// gc_mark_block on each.
void port_gc_roots(void);

#endif // RUNTIME_PORT_H
