/* vnfo tap: a bump-in-the-wire shim beside a black-box function.  It reads
 * the function's ingress and egress frames, live from two interfaces or from
 * two capture files, pairs them with the library's tap module and writes the
 * node's signed log (docs/tap.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "cli_output.h"
#include "internal.h" /* vnfo__shown(): names from the command line are escaped */
#include "sim.h"
#include "tap_capture.h"

static void tap_usage(FILE *out)
{
    fprintf(out,
            "usage: vnfo tap --manifest M --node NAME --key NODE.key --sampling-key KEY --out LOG\n"
            "                (--ingress-pcap IN --egress-pcap OUT | --ingress-if IF --egress-if IF)\n"
            "                [--timeout-ms N] [--capacity N] [--duration-s S] [--close-period]\n"
            "                [--block-ms N | --immediate]\n\n"
            "Watches one function of the manifest's chain (NAME) from outside: every frame\n"
            "that enters it (IN, or interface IF, inbound) and every frame that leaves it\n"
            "(OUT, or interface IF, outbound).  Selected frames are paired by label into\n"
            "forwarded, dropped and generated records, signed into LOG with the node's key.\n"
            "Live mode runs until SIGINT or SIGTERM (or --duration-s), then records what\n"
            "is pending and signs the last batch.  Kernel capture drops and a full pending\n"
            "table become signed loss notices.  Defaults: --timeout-ms 1000, --capacity\n"
            "65536.  Live, the kernel hands frames over in blocks, each at most --block-ms\n"
            "(default 5) late; --immediate wakes up for every frame instead (low rates).\n"
            "Under a manifest naming logging.heartbeat_ms the tap signs a heartbeat\n"
            "each interval (capture time offline, wall clock live) and closes the billing\n"
            "period at the end of an offline run, or live with --close-period.\n"
            "docs/tap.md describes pairing, timeouts, losses and heartbeats.\n");
}

struct tap_cli {
    const char *manifest, *node, *key, *sampling_key, *out;
    const char *in_pcap, *out_pcap, *in_if, *out_if;
    uint64_t timeout_ms, duration_s, block_ms;
    uint32_t capacity;
    int close_period, immediate;
};

struct tap_run {
    vnfo_manifest *m;
    vnfo_sampler *sampler;
    vnfo_signing_key *key;
    vnfo_log_writer *writer;
    vnfo_tap *tap;
    int fd;
    uint64_t beat_ns, next_beat_ns; /* heartbeat interval (0: none) and the next one due */
    uint64_t last_ns;               /* the latest time the tap has seen */
};

static vnfo_status emit_to_log(void *ctx, const vnfo_record *rec)
{
    struct tap_run *r = ctx;
    return vnfo_log_writer_append(r->writer, rec);
}

static int lib_error(const char *what, vnfo_status st)
{
    const char *msg = vnfo_error_message();
    fprintf(stderr, "vnfo tap: %s: %s: %s\n", vnfo__shown(what).s, vnfo_status_name(st), *msg ? msg : vnfo_strerror(st));
    return CLI_INPUT_ERROR;
}

static int parse_u64(uint64_t *out, const char *text, const char *name)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') {
        cli_error("tap: %s: \"%s\" is not a non-negative integer", name, vnfo__shown(text).s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(struct tap_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"manifest", required_argument, 0, 'm'},     {"node", required_argument, 0, 'n'},
        {"key", required_argument, 0, 'k'},          {"sampling-key", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},          {"ingress-pcap", required_argument, 0, 'i'},
        {"egress-pcap", required_argument, 0, 'e'},  {"ingress-if", required_argument, 0, 'I'},
        {"egress-if", required_argument, 0, 'E'},    {"timeout-ms", required_argument, 0, 't'},
        {"capacity", required_argument, 0, 'c'},     {"duration-s", required_argument, 0, 'd'},
        {"close-period", no_argument, 0, 'C'},       {"help", no_argument, 0, 'h'},
        {"block-ms", required_argument, 0, 'b'},     {"immediate", no_argument, 0, 'M'},
        {0, 0, 0, 0}};
    uint64_t cap = VNFO_TAP_DEFAULT_CAPACITY;
    *c = (struct tap_cli){0};
    c->timeout_ms = VNFO_TAP_DEFAULT_TIMEOUT_NS / 1000000;
    c->block_ms = TAP_LIVE_DEFAULT_BLOCK_MS;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'm': c->manifest = optarg; break;
        case 'n': c->node = optarg; break;
        case 'k': c->key = optarg; break;
        case 's': c->sampling_key = optarg; break;
        case 'o': c->out = optarg; break;
        case 'i': c->in_pcap = optarg; break;
        case 'e': c->out_pcap = optarg; break;
        case 'I': c->in_if = optarg; break;
        case 'E': c->out_if = optarg; break;
        case 't': if (parse_u64(&c->timeout_ms, optarg, "--timeout-ms")) return CLI_USAGE; break;
        case 'c': if (parse_u64(&cap, optarg, "--capacity")) return CLI_USAGE; break;
        case 'd': if (parse_u64(&c->duration_s, optarg, "--duration-s")) return CLI_USAGE; break;
        case 'C': c->close_period = 1; break;
        case 'b': if (parse_u64(&c->block_ms, optarg, "--block-ms")) return CLI_USAGE; break;
        case 'M': c->immediate = 1; break;
        case 'h': tap_usage(stdout); return -1;
        default: tap_usage(stderr); return CLI_USAGE;
        }
    }
    int offline = c->in_pcap && c->out_pcap, live = c->in_if && c->out_if;
    if (!c->manifest || !c->node || !c->key || !c->sampling_key || !c->out || optind != argc ||
        offline == live || (offline && (c->in_if || c->out_if)) || (live && (c->in_pcap || c->out_pcap))) {
        tap_usage(stderr);
        return CLI_USAGE;
    }
    if (c->timeout_ms == 0 || c->timeout_ms > UINT64_MAX / 1000000 || cap == 0 || cap > VNFO_TAP_MAX_CAPACITY) {
        cli_error("tap: --timeout-ms must be 1.., --capacity 1..%u", (unsigned)VNFO_TAP_MAX_CAPACITY);
        return CLI_USAGE;
    }
    if (c->block_ms == 0 || c->block_ms > 1000) {
        cli_error("tap: --block-ms must be 1..1000 (--immediate for a wakeup per frame)");
        return CLI_USAGE;
    }
    c->capacity = (uint32_t)cap;
    return CLI_OK;
}

/* ---- set-up: manifest, sampler, key, writer, tap ---------------------------- */

static int make_sampler(struct tap_run *r, const char *path)
{
    vnfo_status st = sim_sampler_load(&r->sampler, r->m, path);
    return st == VNFO_OK ? CLI_OK : lib_error(path, st);
}

static vnfo_record_granularity tap_granularity(const vnfo_manifest *m)
{
    switch (vnfo_manifest_logging_granularity(m)) {
    case VNFO_MANIFEST_GRANULARITY_FULL: return VNFO_GRANULARITY_FULL;
    case VNFO_MANIFEST_GRANULARITY_HEADERS: return VNFO_GRANULARITY_HEADERS;
    default: return VNFO_GRANULARITY_DIGEST;
    }
}

static int make_writer(struct tap_run *r, const struct tap_cli *c, size_t pos)
{
    r->fd = cli_output_open(c->out, O_TRUNC | O_APPEND, 0644);
    if (r->fd < 0) {
        cli_error("tap: %s: %s", vnfo__shown(c->out).s, cli_output_why(errno));
        return CLI_INPUT_ERROR;
    }
    vnfo_log_writer_options wo = VNFO_LOG_WRITER_OPTIONS_INIT;
    wo.node_id = vnfo_manifest_chain_node_id(r->m, pos);
    wo.key = r->key;
    wo.batch_records = vnfo_manifest_logging_batch_records(r->m);
    wo.tree_hash = VNFO_LOG_TREE_BLAKE2B_256; /* the only tree hash a manifest names */
    wo.sink = vnfo_log_file_sink;
    wo.sink_ctx = &r->fd;
    vnfo_status st = vnfo_manifest_digest_compute(wo.manifest_digest, r->m);
    if (st == VNFO_OK)
        st = vnfo_log_writer_create(&r->writer, &wo);
    return st == VNFO_OK ? CLI_OK : lib_error(c->out, st);
}

static int make_tap(struct tap_run *r, const struct tap_cli *c, size_t pos)
{
    vnfo_tap_options to = VNFO_TAP_OPTIONS_INIT;
    to.hop = (uint32_t)pos;
    to.timeout_ns = c->timeout_ms * 1000000;
    to.capacity = c->capacity;
    to.granularity = tap_granularity(r->m);
    to.emit = emit_to_log;
    to.emit_ctx = r;
    vnfo_status st = vnfo_tap_create(&r->tap, &to, r->sampler);
    return st == VNFO_OK ? CLI_OK : lib_error("tap", st);
}

static int setup(struct tap_run *r, const struct tap_cli *c)
{
    vnfo_status st = vnfo_manifest_load(&r->m, c->manifest);
    if (st != VNFO_OK)
        return lib_error(c->manifest, st);
    size_t pos;
    if (vnfo_manifest_chain_find(&pos, r->m, c->node) != VNFO_OK) {
        cli_error("tap: %s: the chain has no function named \"%s\"", vnfo__shown(c->manifest).s, vnfo__shown(c->node).s);
        return CLI_INPUT_ERROR;
    }
    st = vnfo_signing_key_load(&r->key, c->key);
    if (st != VNFO_OK)
        return lib_error(c->key, st);
    r->beat_ns = (uint64_t)vnfo_manifest_logging_heartbeat_ms(r->m) * 1000000u;
    int rc = make_sampler(r, c->sampling_key);
    if (rc == CLI_OK)
        rc = make_writer(r, c, pos);
    return rc == CLI_OK ? make_tap(r, c, pos) : rc;
}

static void teardown(struct tap_run *r)
{
    vnfo_tap_free(r->tap);
    vnfo_log_writer_free(r->writer);
    if (r->fd >= 0)
        close(r->fd);
    vnfo_signing_key_free(r->key);
    vnfo_sampler_free(r->sampler);
    vnfo_manifest_free(r->m);
}

/* ---- heartbeats and the period close ----------------------------------------
 * Under logging.heartbeat_ms the tap signs a heartbeat once per interval of
 * its clock (capture time offline, the wall clock live), counted from the
 * first frame.  The verifier judges only how late the last signed time is,
 * so a silence of many intervals gives one heartbeat, at the last interval
 * boundary it crosses, not one per interval. */
static vnfo_status heartbeat_tick(struct tap_run *r, uint64_t now)
{
    if (now > r->last_ns)
        r->last_ns = now;
    if (!r->beat_ns)
        return VNFO_OK;
    if (!r->next_beat_ns) {
        r->next_beat_ns = now + r->beat_ns;
        return VNFO_OK;
    }
    if (now < r->next_beat_ns)
        return VNFO_OK;
    uint64_t at = r->next_beat_ns + (now - r->next_beat_ns) / r->beat_ns * r->beat_ns;
    r->next_beat_ns = at + r->beat_ns;
    return vnfo_log_writer_heartbeat(r->writer, at);
}

/* Ends the log for the billing period, stamped at the period's end (or the
 * last time seen, if later), as every shim of this project does. */
static vnfo_status close_period(struct tap_run *r)
{
    if (!r->beat_ns)
        return VNFO_OK;
    uint64_t start = (uint64_t)vnfo_manifest_billing_start(r->m) * 1000000000u;
    uint64_t end = (uint64_t)vnfo_manifest_billing_end(r->m) * 1000000000u;
    return vnfo_log_writer_close_period(r->writer, start, end, r->last_ns > end ? r->last_ns : end);
}

/* Record what is pending, close the period when asked, sign the last batch. */
static int finish(struct tap_run *r, const char *out, int close)
{
    vnfo_status st = vnfo_tap_finish(r->tap);
    if (st == VNFO_OK && close)
        st = close_period(r);
    if (st == VNFO_OK)
        st = vnfo_log_writer_flush(r->writer);
    if (st != VNFO_OK)
        return lib_error(out, st);
    vnfo_tap_stats s;
    vnfo_tap_stats_get(&s, r->tap);
    printf("tap: %llu ingress, %llu egress frames; %llu forwarded, %llu dropped, %llu generated; "
           "%llu undecidable, %llu lost to a full table; log %s\n",
           (unsigned long long)s.ingress_frames, (unsigned long long)s.egress_frames,
           (unsigned long long)s.forwarded, (unsigned long long)s.dropped,
           (unsigned long long)s.generated, (unsigned long long)s.undecidable,
           (unsigned long long)s.overflow, vnfo__shown(out).s);
    return CLI_OK;
}

/* ---- offline: two capture files, merged by time ---------------------------- */

/* One capture file and its current frame. */
struct tap_file {
    struct capture *c;
    uint32_t linktype;
    const uint8_t *data;
    size_t caplen, wire_len;
    uint64_t ts_ns;
    int more; /* 1: a frame is held; 0: the end; -1: a read error */
};

static int tap_file_open(struct tap_file *f, const char *path)
{
    char err[1024];
    f->c = capture_open(path, err, sizeof err);
    if (!f->c) {
        cli_error("tap: %s", err);
        return -1;
    }
    f->linktype = capture_linktype(f->c);
    return 0;
}

static void tap_file_next(struct tap_file *f)
{
    f->more = capture_next(f->c, &f->data, &f->caplen, &f->wire_len, &f->ts_ns);
    if (f->more < 0)
        cli_error("tap: %s", capture_error(f->c));
}

/* Feeds the earlier of the two held frames; ingress first on equal times,
 * since a frame enters before it leaves. */
static vnfo_status feed_next(struct tap_run *r, struct tap_file *in, struct tap_file *out)
{
    int take_in = in->more == 1 && (out->more != 1 || in->ts_ns <= out->ts_ns);
    struct tap_file *f = take_in ? in : out;
    vnfo_status st = heartbeat_tick(r, f->ts_ns);
    if (st == VNFO_OK)
        st = take_in ? vnfo_tap_ingress(r->tap, f->data, f->caplen, (uint32_t)f->wire_len, f->linktype, f->ts_ns)
                     : vnfo_tap_egress(r->tap, f->data, f->caplen, (uint32_t)f->wire_len, f->linktype, f->ts_ns);
    tap_file_next(f);
    return st;
}

static int run_offline(struct tap_run *r, const struct tap_cli *c)
{
    struct tap_file in = {0}, out = {0};
    int rc = tap_file_open(&in, c->in_pcap) == 0 && tap_file_open(&out, c->out_pcap) == 0 ? CLI_OK
                                                                                          : CLI_INPUT_ERROR;
    if (rc == CLI_OK) {
        tap_file_next(&in);
        tap_file_next(&out);
    }
    while (rc == CLI_OK && in.more >= 0 && out.more >= 0 && (in.more || out.more)) {
        vnfo_status st = feed_next(r, &in, &out);
        if (st != VNFO_OK)
            rc = lib_error(c->out, st);
    }
    if (rc == CLI_OK && (in.more < 0 || out.more < 0))
        rc = CLI_INPUT_ERROR; /* tap_file_next said why */
    capture_close(in.c);
    capture_close(out.c);
    return rc == CLI_OK ? finish(r, c->out, 1) : rc;
}

/* ---- live: two interfaces ------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int run_live(struct tap_run *r, const struct tap_cli *c)
{
    struct tap_live live;
    if (tap_live_open(&live, c->in_if, c->out_if, c->immediate ? 0 : (unsigned)c->block_ms, r->tap,
                      r->sampler) != 0)
        return CLI_INPUT_ERROR;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("tap: capturing on %s (ingress) and %s (egress)\n", vnfo__shown(c->in_if).s, vnfo__shown(c->out_if).s);
    fflush(stdout);
    uint64_t now = now_ns(), next_stats = now;
    uint64_t deadline = c->duration_s ? now + c->duration_s * 1000000000ull : 0;
    int rc = CLI_OK;
    while (!stop_requested && rc == CLI_OK && (!deadline || now < deadline)) {
        /* Expiry happens inside, at the time both streams are complete. */
        vnfo_status st = tap_live_poll(&live, 100);
        now = now_ns();
        /* The kernel's drop counters cost two system calls: read them at
         * most every TAP_LIVE_STATS_NS, not after every block. */
        if (st == VNFO_OK && now >= next_stats) {
            st = vnfo_tap_add_capture_loss(r->tap, tap_live_new_drops(&live));
            next_stats = now + TAP_LIVE_STATS_NS;
        }
        if (st == VNFO_OK)
            st = heartbeat_tick(r, now);
        if (st != VNFO_OK)
            rc = live.failed ? CLI_INPUT_ERROR : lib_error(c->out, st);
    }
    /* A clean stop: what the kernel still holds is read, then recorded. */
    if (rc == CLI_OK && tap_live_drain(&live) != VNFO_OK)
        rc = CLI_INPUT_ERROR;
    if (rc == CLI_OK)
        vnfo_tap_add_capture_loss(r->tap, tap_live_new_drops(&live));
    printf("tap: %llu frames dropped by the kernel's capture (signed as loss notices)\n",
           (unsigned long long)live.drops_reported);
    tap_live_close(&live);
    return rc == CLI_OK ? finish(r, c->out, c->close_period) : rc;
}

int cmd_tap(int argc, char **argv)
{
    struct tap_cli c;
    int rc = parse_args(&c, argc, argv);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    struct tap_run r = {0};
    r.fd = -1;
    rc = setup(&r, &c);
    if (rc == CLI_OK)
        rc = c.in_pcap ? run_offline(&r, &c) : run_live(&r, &c);
    teardown(&r);
    return rc;
}
