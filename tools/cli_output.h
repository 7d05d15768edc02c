/* Opening the tool's output files (logs, bills, proofs, captures) without
 * ever blocking.  open(O_WRONLY) on a FIFO waits until some process opens it
 * for reading: a FIFO left where a log or a proof goes would hang the
 * command.  With O_NONBLOCK the open fails at once (ENXIO) when the FIFO has
 * no reader, and succeeds when one is there (so `--out >(gzip > f)` still
 * works); the descriptor is then switched back to blocking writes.
 * Header-only: the simulator and the traffic generator (tools/sim.c,
 * tools/traffic.c) are libraries of their own that tests link. */
#ifndef VNFO_CLI_OUTPUT_H
#define VNFO_CLI_OUTPUT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A descriptor open for writing PATH (created with MODE; FLAGS adds
 * O_TRUNC, O_APPEND...), or -1 with errno set (ENXIO: a FIFO no process
 * reads). */
static inline int cli_output_open(const char *path, int flags, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags, (mode_t)mode);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Why cli_output_open() failed, for "<path>: <why>". */
static inline const char *cli_output_why(int err)
{
    return err == ENXIO ? "a FIFO that no process reads; refused (writing would block)" : strerror(err);
}

/* A stdio stream writing PATH from its start (mode 0644), or NULL with errno. */
static inline FILE *cli_output_fopen(const char *path)
{
    int fd = cli_output_open(path, O_TRUNC, 0644);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

#endif
