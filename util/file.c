// util/file.c: reading whole files, and writing them through a temporary
// file and a rename so that a failed run never leaves a partial output.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

uint8_t *util_read_fd(int fd, const char *what, size_t *len_out, diag_t *d) {
    enum { CHUNK = 65536 };
    buf_t b;
    buf_init(&b);
    for (;;) {
        uint8_t *at = buf_extend(&b, CHUNK);
        if (at == NULL) {
            break;
        }
        ssize_t got = read(fd, at, CHUNK);
        b.len -= CHUNK - (got > 0 ? (size_t)got : 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            int e = errno;
            buf_deinit(&b);
            diag_error(d, DIAG_IO_ERROR, 0, "can't read %s: %s", what, strerror(e));
            return NULL;
        }
        if (got == 0) {
            break;
        }
    }
    if (b.failed) {
        buf_deinit(&b);
        diag_error(d, DIAG_IO_ERROR, 0, "can't read %s: out of memory", what);
        return NULL;
    }
    *len_out = b.len;
    // An empty input still gets a buffer, so NULL always means failure.
    return b.data != NULL ? b.data : calloc(1, 1);
}

uint8_t *util_read_file(const char *path, size_t *len_out, diag_t *d) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        diag_error(d, DIAG_IO_ERROR, 0, "can't open file '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t n = strlen(path);
    char *what = malloc(n + 8);
    if (what == NULL) {
        close(fd);
        diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
        return NULL;
    }
    snprintf(what, n + 8, "file '%s'", path);
    uint8_t *data = util_read_fd(fd, what, len_out, d);
    free(what);
    close(fd);
    return data;
}

bool util_write_file_atomic(const char *path, const uint8_t *data, size_t len, diag_t *d) {
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (tmp == NULL) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "out of memory");
    }
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return diag_error(d, DIAG_IO_ERROR, 0, "can't write file '%s': %s", path, strerror(e));
    }
    // mkstemp creates the file 0600; give it the mode a plain create would.
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        done += (size_t)w;
    }
    int e = errno;
    bool ok = done == len;
    if (close(fd) != 0 && ok) {
        e = errno;
        ok = false;
    }
    if (ok && rename(tmp, path) != 0) {
        e = errno;
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        diag_error(d, DIAG_IO_ERROR, 0, "can't write file '%s': %s", path, strerror(e));
    }
    free(tmp);
    return ok;
}
