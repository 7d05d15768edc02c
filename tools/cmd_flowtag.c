/* vnfo flowtag show FILE [--tag TAG]...: read a FlowTag table checkpoint
 * (vnfo_flowtag_table_serialize()) and print its options, counters and
 * bindings, or resolve the given tags. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "internal.h" /* vnfo__shown(): input named in messages is escaped */
#include "cli_input.h"

#define CHECKPOINT_MAX (256u << 20) /* a 16M-flow table encodes in well under this */

static void flowtag_usage(FILE *out)
{
    fprintf(out,
            "usage: vnfo flowtag show FILE [--tag TAG]...\n\n"
            "show  read a FlowTag table checkpoint (docs/flowtags.md, \"Serialised table\"),\n"
            "      check it as the decoder does, and print its options, counters and\n"
            "      bindings (one per line: tag, service path, epoch, last use, original\n"
            "      flow -> rewritten flow); with --tag, print only those tags' bindings\n"
            "      (exit 1 when one is not bound)\n");
}

static void print_flow(const vnfo_flow_key *k)
{
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    int af = k->ip_version == 4 ? AF_INET : AF_INET6;
    inet_ntop(af, k->src, src, sizeof src);
    inet_ntop(af, k->dst, dst, sizeof dst);
    if (af == AF_INET)
        printf("%s:%u > %s:%u proto %u", src, k->src_port, dst, k->dst_port, k->proto);
    else
        printf("[%s]:%u > [%s]:%u proto %u", src, k->src_port, dst, k->dst_port, k->proto);
}

static void print_binding(const vnfo_flowtag_context *c)
{
    printf("tag %u  spi %u  epoch %u  last %llu  ", c->tag, c->service_path_id, c->epoch,
           (unsigned long long)c->last_seen);
    print_flow(&c->original);
    printf("  ->  ");
    print_flow(&c->rewritten);
    printf("\n");
}

static void print_summary(const vnfo_flowtag_table *t)
{
    vnfo_flowtag_options o;
    vnfo_flowtag_stats st;
    vnfo_flowtag_table_options(&o, t);
    vnfo_flowtag_table_stats(&st, t);
    printf("node %u  width %u bits  capacity %u  live %u  ipv6 %u/%u  idle timeout %llu  "
           "memory %llu bytes\n",
           o.node_id, o.width_bits, st.capacity, st.live, st.ipv6_live, st.ipv6_capacity,
           (unsigned long long)o.idle_timeout, (unsigned long long)st.memory_bytes);
}

static int show_tags(const vnfo_flowtag_table *t, const uint32_t *tags, int n)
{
    int rc = CLI_OK;
    for (int i = 0; i < n; i++) {
        vnfo_flowtag_context c;
        if (vnfo_flowtag_consume(&c, t, tags[i]) == VNFO_OK) {
            print_binding(&c);
        } else {
            printf("tag %u  not bound\n", tags[i]);
            rc = CLI_FAILED;
        }
    }
    return rc;
}

static int parse_tag(uint32_t *out, const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || *end || end == text || text[0] == '-' || v > UINT32_MAX) {
        cli_error("flowtag show: --tag %s: not a 32-bit number", vnfo__shown(text).s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Reads the checkpoint: a regular file (never a FIFO), buffered at its own
 * size, not at the largest size a checkpoint may have. */
static int checkpoint_read(const char *path, uint8_t **out, size_t *out_len)
{
    char err[512];
    FILE *f = cli_input_open(path, err, sizeof err);
    if (!f) {
        cli_error("flowtag show: %s", err);
        return 0;
    }
    struct stat st;
    const char *why = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (fstat(fileno(f), &st) != 0)
        why = strerror(errno);
    else if ((uint64_t)st.st_size > CHECKPOINT_MAX)
        why = "larger than 256 MiB";
    else if (!(buf = malloc((size_t)st.st_size + 1)))
        why = "out of memory";
    else if ((len = fread(buf, 1, (size_t)st.st_size, f)) != (size_t)st.st_size || ferror(f))
        why = "read error (file shrank?)";
    fclose(f);
    if (why) {
        cli_error("flowtag show: %s: %s", vnfo__shown(path).s, why);
        free(buf);
        return 0;
    }
    *out = buf;
    *out_len = len;
    return 1;
}

static int show(const char *path, const uint32_t *tags, int ntags)
{
    uint8_t *buf;
    size_t len;
    if (!checkpoint_read(path, &buf, &len))
        return CLI_INPUT_ERROR;
    vnfo_flowtag_table *t;
    vnfo_status s = vnfo_flowtag_table_deserialize(&t, buf, len);
    free(buf);
    if (s != VNFO_OK) {
        fprintf(stderr, "vnfo flowtag show: %s: %s: %s\n", vnfo__shown(path).s, vnfo_status_name(s), vnfo_error_message());
        return CLI_INPUT_ERROR;
    }
    print_summary(t);
    int rc = CLI_OK;
    if (ntags) {
        rc = show_tags(t, tags, ntags);
    } else {
        vnfo_flowtag_context c;
        uint32_t cursor = 0;
        while (vnfo_flowtag_table_next(&c, t, &cursor) == VNFO_OK)
            print_binding(&c);
    }
    vnfo_flowtag_table_free(t);
    return rc;
}

int cmd_flowtag(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        flowtag_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "show") != 0 || argc < 3) {
        flowtag_usage(stderr);
        return CLI_USAGE;
    }
    uint32_t *tags = calloc((size_t)argc, sizeof *tags);
    if (!tags)
        return CLI_INPUT_ERROR;
    int ntags = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--tag") == 0 && i + 1 < argc) {
            if (parse_tag(&tags[ntags++], argv[++i]) != 0) {
                free(tags);
                return CLI_USAGE;
            }
        } else {
            cli_error("flowtag show: unexpected argument '%s'", vnfo__shown(argv[i]).s);
            free(tags);
            return CLI_USAGE;
        }
    }
    int rc = show(argv[2], tags, ntags);
    free(tags);
    return rc;
}
