// util/file.c: reading whole files, and writing them through a temporary
// file and a rename so that a failed run never leaves a partial output.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

uint8_t *util_read_file(const char *path, size_t *len_out, diag_t *d) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        diag_error(d, DIAG_IO_ERROR, 0, "can't open file '%s': %s", path, strerror(errno));
        return NULL;
    }
    buf_t b;
    buf_init(&b);
    for (;;) {
        uint8_t *at = buf_extend(&b, 65536);
        if (at == NULL) {
            break;
        }
        size_t got = fread(at, 1, 65536, f);
        b.len -= 65536 - got;
        if (got < 65536) {
            break;
        }
    }
    bool read_failed = ferror(f) != 0;
    int saved = errno;
    fclose(f);
    if (b.failed || read_failed) {
        buf_deinit(&b);
        diag_error(d, DIAG_IO_ERROR, 0, "can't read file '%s': %s", path,
            read_failed ? strerror(saved) : "out of memory");
        return NULL;
    }
    *len_out = b.len;
    if (b.data == NULL) {
        b.data = malloc(1);
    }
    return b.data;
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
