/* Opening the tool's own input files (captures, proofs, checkpoints, value
 * lists) the way the library opens its inputs: through vnfo_file_open(), so
 * a FIFO or a directory in place of a file is refused and never hangs the
 * open. */
#ifndef VNFO_CLI_INPUT_H
#define VNFO_CLI_INPUT_H

#include <pcap/pcap.h>
#include <stdio.h>

/* A stdio stream over PATH, or NULL with "<path>: <why>" in err. */
FILE *cli_input_open(const char *path, char *err, size_t err_size);

/* A capture read from PATH (pcap_fopen_offline() over an fd the tool
 * checked), or NULL with the reason in errbuf (PCAP_ERRBUF_SIZE bytes). */
pcap_t *cli_pcap_open(const char *path, char *errbuf);

#endif
