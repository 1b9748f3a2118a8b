// runtime/ports/host/port_host.c: the port layer for Linux and macOS hosts.
// Console output is buffered and written with write(2); stdout is flushed
// before anything goes to stderr so the two streams interleave in program
// order when they share a file. Files come from the file system.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../../util/util.h"
#include "../../port.h"

enum {
    OUT_BUF_SIZE = 8192,
};

static char out_buf[OUT_BUF_SIZE];
static size_t out_len;

static void write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n <= 0) {
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

void port_flush(void) {
    if (out_len) {
        write_all(1, out_buf, out_len);
        out_len = 0;
    }
}

void port_write(int stream, const char *data, size_t len) {
    if (stream != PORT_STDOUT) {
        port_flush();
        write_all(2, data, len);
        return;
    }
    if (out_len + len > OUT_BUF_SIZE) {
        port_flush();
        if (len > OUT_BUF_SIZE / 2) {
            write_all(1, data, len);
            return;
        }
    }
    memcpy(out_buf + out_len, data, len);
    out_len += len;
}

uint64_t port_ticks_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

RT_FLOAT_TYPE port_time(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (RT_FLOAT_TYPE)ts.tv_sec + (RT_FLOAT_TYPE)ts.tv_nsec / 1e9;
}

bool port_read_file(const char *path, uint8_t **data, size_t *len) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return false;
    }
    diag_t d;
    diag_init(&d, NULL);
    *data = util_read_file(path, len, &d);
    return *data != NULL;
}

void port_free_file(uint8_t *data) {
    free(data);
}

bool port_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

noreturn void port_fatal(const char *msg) {
    port_flush();
    write_all(2, "mpy-vm: fatal: ", 15);
    write_all(2, msg, strlen(msg));
    write_all(2, "\n", 1);
    abort();
}

obj_t host_ffi_module(void);
obj_t host_deflate_module(void);

obj_t port_find_module(qstr_t name) {
    const char *s = rtq_str(name);
    if (strcmp(s, "ffi") == 0) {
        return host_ffi_module();
    }
    if (strcmp(s, "deflate") == 0) {
        return host_deflate_module();
    }
    return OBJ_NULL;
}

void ffi_mark_roots(void);

void port_gc_roots(void) {
    ffi_mark_roots();
}
