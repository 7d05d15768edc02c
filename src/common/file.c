/* Whole-file reads with a size cap, shared by every module that loads files. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static vnfo_status open_error(const char *path)
{
    int err = errno;
    return vnfo__error(err == ENOENT ? VNFO_E_NOT_FOUND : VNFO_E_IO, "%s: %s", vnfo__shown(path).s, strerror(err));
}

static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "FIFO";
    if (S_ISDIR(mode))
        return "directory";
    if (S_ISCHR(mode))
        return "character device";
    if (S_ISBLK(mode))
        return "block device";
    if (S_ISSOCK(mode))
        return "socket";
    return "special file";
}

/* Refuses a secret file on which group or others have any permission (read,
 * write or execute: one who may write it may swap the key).  Checked on the
 * open descriptor, so the file read is the file checked. */
static vnfo_status check_private(const char *path, const char *what, const struct stat *st)
{
    if (!(st->st_mode & 077))
        return VNFO_OK;
    return vnfo__error(VNFO_E_KEY_PERMISSIONS,
                       "%s: %s file has mode %03o; group and others must have no access to it "
                       "(chmod 600)", vnfo__shown(path).s, what, (unsigned)(st->st_mode & 0777));
}

vnfo_status vnfo__file_open(int *out_fd, struct stat *st, const char *path)
{
    *out_fd = -1;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer forever (a provider can ship a logs folder whose fw.log is one). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return open_error(path);
    if (fstat(fd, st) != 0) {
        vnfo_status s = open_error(path);
        close(fd);
        return s;
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        return vnfo__error(VNFO_E_NOT_REGULAR_FILE, "%s: not a regular file (a %s); refused",
                           vnfo__shown(path).s,
                           file_kind(st->st_mode));
    }
    /* Regular files never block, but later readers expect blocking reads. */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        vnfo_status s = open_error(path);
        close(fd);
        return s;
    }
    *out_fd = fd;
    return VNFO_OK;
}

vnfo_status vnfo_file_open(int *out_fd, const char *path)
{
    if (!out_fd || !path) {
        if (out_fd)
            *out_fd = -1;
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_file_open: NULL argument");
    }
    struct stat st;
    return vnfo__file_open(out_fd, &st, path);
}

static vnfo_status file_read(const char *path, size_t max_size, const char *secret_what,
                             uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    int fd;
    struct stat st;
    vnfo_status os = vnfo__file_open(&fd, &st, path);
    if (os != VNFO_OK)
        return os;
    if (secret_what) {
        vnfo_status s = check_private(path, secret_what, &st);
        if (s != VNFO_OK) {
            close(fd);
            return s;
        }
    }
    if ((uint64_t)st.st_size > max_size) {
        close(fd);
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "%s: %lld bytes, more than the limit of %zu",
                           vnfo__shown(path).s, (long long)st.st_size, max_size);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = vnfo__malloc(size + 1);
    if (!buf) {
        close(fd);
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: cannot allocate %zu bytes", vnfo__shown(path).s,
                           size + 1);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vnfo_status s = n < 0 ? open_error(path)
                                  : vnfo__error(VNFO_E_IO, "%s: file shrank while reading",
                                                vnfo__shown(path).s);
            vnfo__free(buf);
            close(fd);
            return s;
        }
        got += (size_t)n;
    }
    close(fd);
    buf[size] = '\0'; /* text readers may treat the buffer as a C string */
    *out = buf;
    *out_len = size;
    return VNFO_OK;
}

vnfo_status vnfo__file_read(const char *path, size_t max_size, uint8_t **out, size_t *out_len)
{
    return file_read(path, max_size, NULL, out, out_len);
}

vnfo_status vnfo__secret_file_read(const char *path, size_t max_size, const char *what,
                                   uint8_t **out, size_t *out_len)
{
    return file_read(path, max_size, what, out, out_len);
}

size_t vnfo__text_line_length(const char *text, size_t len)
{
    if (len && text[len - 1] == '\n')
        len--;
    if (len && text[len - 1] == '\r')
        len--;
    return len;
}

/* Only a regular file is written: a FIFO would block the open until some
 * process reads it (O_NONBLOCK makes that ENXIO at once) and then hand it a
 * key; a device or a socket is no place for a key or a signature either.
 * The file is truncated only once it is known to be regular. */
vnfo_status vnfo__file_write(const char *path, const void *data, size_t len, unsigned mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, (mode_t)mode);
    if (fd < 0 && errno == ENXIO)
        return vnfo__error(VNFO_E_NOT_REGULAR_FILE, "%s: not a regular file (a FIFO); refused",
                           vnfo__shown(path).s);
    if (fd < 0)
        return open_error(path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        vnfo_status s = open_error(path);
        close(fd);
        return s;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return vnfo__error(VNFO_E_NOT_REGULAR_FILE, "%s: not a regular file (a %s); refused",
                           vnfo__shown(path).s, file_kind(st.st_mode));
    }
    int flags = fcntl(fd, F_GETFL);
    /* An existing file keeps its old mode through O_CREAT: set it anyway. */
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || ftruncate(fd, 0) != 0 ||
        fchmod(fd, (mode_t)mode) != 0) {
        vnfo_status s = open_error(path);
        close(fd);
        return s;
    }
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vnfo_status s = open_error(path);
            close(fd);
            return s;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return open_error(path);
    return VNFO_OK;
}
