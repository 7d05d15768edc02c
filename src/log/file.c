/* Log files: batches appended with a 4-byte big-endian length in front. */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "log/log_internal.h"

vnfo_status vnfo_log_file_sink(void *ctx, const uint8_t *batch, size_t len)
{
    if (!ctx || !batch || len > VNFO_LOG_MAX_BATCH_BYTES)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "log file sink: invalid argument");
    int fd = *(const int *)ctx;
    uint8_t prefix[4];
    log_store32(prefix, (uint32_t)len);
    /* One writev per batch: with O_APPEND a frame is not interleaved. */
    struct iovec iov[2] = {{prefix, sizeof prefix}, {(void *)batch, len}};
    size_t left = sizeof prefix + len;
    while (left > 0) {
        ssize_t n = writev(fd, iov, 2);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vnfo__error(VNFO_E_IO, "log file sink: fd %d: %s", fd, strerror(errno));
        left -= (size_t)n;
        for (int i = 0; i < 2; i++) {
            size_t step = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;
            iov[i].iov_base = (uint8_t *)iov[i].iov_base + step;
            iov[i].iov_len -= step;
            n -= (ssize_t)step;
        }
    }
    return VNFO_OK;
}
