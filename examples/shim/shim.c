/* A minimal shim: the whole shim-side API in one file.
 *
 * For each packet: decide whether it is in the trajectory sample; if so,
 * write a record with its digests and times into a signed, chained log.
 * Then, as the verifier would, read the log back and verify it.
 *
 * Build: cc shim.c $(pkg-config --cflags --libs vnfo) -o shim
 * Run:   ./shim [LOGFILE]      (default shim-example.log; make check runs it)
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/vnfo.h>

/* A 64-byte Ethernet/IPv4/UDP frame; byte 37 (low byte of the UDP source
 * port) is varied to make distinct packets. */
static void make_frame(uint8_t *f, unsigned i)
{
    static const uint8_t frame[64] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,               /* Ethernet */
        0x45, 0, 0, 50, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,    /* IPv4 ... */
        192, 0, 2, 7,                                                   /* ... dst */
        0x30, 0x39, 0x00, 0x35, 0, 30, 0, 0,                            /* UDP */
        'p', 'a', 'y', 'l', 'o', 'a', 'd'};
    memcpy(f, frame, sizeof frame);
    f[19] = (uint8_t)i; /* IPv4 identification, which psamp hashes */
    f[37] = (uint8_t)(i >> 8);
}

static int fail(const char *what, vnfo_status s)
{
    fprintf(stderr, "shim: %s: %s: %s\n", what, vnfo_status_name(s), vnfo_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: shim [LOGFILE]\n");
        return 64;
    }
    const char *path = argc == 2 ? argv[1] : "shim-example.log";
    vnfo_status s = vnfo_init();
    if (s != VNFO_OK)
        return fail("init", s);

    /* Keys: in a deployment both come from files (vnfo_sampler_key_load,
     * vnfo_signing_key_load) provisioned with the manifest. */
    uint8_t sampling_key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_signing_key *node_key = NULL;
    vnfo_sampler *sampler = NULL;
    vnfo_log_writer *writer = NULL;
    int fd = -1, rc = 1;
    vnfo_sampler_key_generate(sampling_key);
    if ((s = vnfo_signing_key_generate(&node_key)) != VNFO_OK)
        return fail("signing key", s);

    /* The sampler: siphash-2-4 over the psamp fields, rate 1/4. */
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    so.rate = (vnfo_rational){1, 4};
    s = vnfo_sampler_create(&sampler, &so, sampling_key, sizeof sampling_key);
    explicit_bzero(sampling_key, sizeof sampling_key); /* the sampler keeps its own copy */
    if (s != VNFO_OK) {
        fail("sampler", s);
        goto out;
    }

    /* The log writer: batches of 16 records appended to LOGFILE. */
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0) {
        perror(path);
        goto out;
    }
    vnfo_log_writer_options wo = VNFO_LOG_WRITER_OPTIONS_INIT;
    wo.node_id = 1;
    wo.key = node_key;
    wo.batch_records = 16;
    wo.sink = vnfo_log_file_sink;
    wo.sink_ctx = &fd;
    if ((s = vnfo_log_writer_create(&writer, &wo)) != VNFO_OK) {
        fail("log writer", s);
        goto out;
    }

    /* The per-packet path: no allocation anywhere below. */
    unsigned selected = 0;
    for (unsigned i = 0; i < 1000; i++) {
        uint8_t frame[64];
        make_frame(frame, i);
        vnfo_sampler_decision d;
        vnfo_sampler_decide(&d, sampler, frame, sizeof frame, VNFO_LINKTYPE_ETHERNET, 0);
        if (!d.selected)
            continue;
        vnfo_record r;
        vnfo_record_init(&r, VNFO_RECORD_PACKET);
        r.u.packet.label = d.label;
        vnfo_packet_digest(r.u.packet.digest_in, frame, sizeof frame, VNFO_LINKTYPE_ETHERNET);
        memcpy(r.u.packet.digest_out, r.u.packet.digest_in, sizeof r.u.packet.digest_in);
        r.u.packet.verdict = VNFO_VERDICT_FORWARDED;
        r.u.packet.t_in_ns = 1000ull * i;
        r.u.packet.t_out_ns = 1000ull * i + 250;
        /* What the frame was and its length on the wire: without them the
         * verifier reads Ethernet and cannot count the packet in a bytes
         * bill (docs/FORMAT.md 1.1). */
        r.u.packet.has_link_type = 1;
        r.u.packet.link_type = VNFO_LINKTYPE_ETHERNET;
        r.u.packet.wire_len = sizeof frame;
        if ((s = vnfo_log_writer_append(writer, &r)) != VNFO_OK) {
            fail("append", s);
            goto out;
        }
        selected++;
    }
    if ((s = vnfo_log_writer_flush(writer)) != VNFO_OK) {
        fail("flush", s);
        goto out;
    }

    /* The verifier's side: check every batch, then count the records. */
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_signing_key_public(&ro.public_key, node_key);
    vnfo_log_reader *reader = NULL;
    if ((s = vnfo_log_reader_create(&reader, &ro)) != VNFO_OK ||
        (s = vnfo_log_reader_add_file(reader, path)) != VNFO_OK ||
        (s = vnfo_log_reader_verify(reader)) != VNFO_OK) {
        fail("verify", s);
        vnfo_log_reader_free(reader);
        goto out;
    }
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record r;
    unsigned read_back = 0;
    while (vnfo_log_reader_next_record(&r, reader, &cur) == VNFO_OK)
        read_back += r.type == VNFO_RECORD_PACKET && r.u.packet.has_link_type &&
                     r.u.packet.link_type == VNFO_LINKTYPE_ETHERNET && r.u.packet.wire_len == 64;
    vnfo_log_reader_free(reader);
    printf("1000 packets, %u selected (rate 1/4), %u records verified in %zu batches\n", selected,
           read_back, (size_t)((selected + 15) / 16));
    rc = read_back == selected && selected > 150 && selected < 350 ? 0 : 1;
out:
    vnfo_log_writer_free(writer);
    vnfo_sampler_free(sampler);
    vnfo_signing_key_free(node_key);
    if (fd >= 0)
        close(fd);
    return rc;
}
