/* Input files of the tool, opened like the library's (tools/cli_input.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

#include "cli_input.h"
#include "internal.h" /* vnfo__shown(): file names are escaped in messages */

FILE *cli_input_open(const char *path, char *err, size_t err_size)
{
    int fd;
    vnfo_status s = vnfo_file_open(&fd, path);
    if (s != VNFO_OK) {
        snprintf(err, err_size, "%s", vnfo_error_message());
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: %s", vnfo__shown(path).s, strerror(errno));
        close(fd);
    }
    return f;
}

pcap_t *cli_pcap_open(const char *path, char *errbuf)
{
    FILE *f = cli_input_open(path, errbuf, PCAP_ERRBUF_SIZE);
    if (!f)
        return NULL;
    pcap_t *p = pcap_fopen_offline(f, errbuf);
    if (!p)
        fclose(f); /* pcap_close() closes it otherwise */
    return p;
}
