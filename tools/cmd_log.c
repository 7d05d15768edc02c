/* vnfo log verify | dump | prove | check-proof: signed logs from the shell.
 * Everything goes through the public API (log.h, record.h, key.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "cli_input.h"
#include "cli_output.h"
#include "internal.h" /* vnfo__shown(): a provider names its log files */

#define PROOF_FILE_MAX (1u << 20)
#define PROOF_MAGIC "vnfo-inclusion-proof v1"

struct log_args {
    const char *pub;
    const char *out;
    const char *files[256];
    int nfiles;
    int jsonl;
    int have_seq;
    uint64_t seq;
    int have_manifest;          /* --manifest-digest or --manifest */
    uint8_t manifest[VNFO_LOG_HASH_BYTES];
    int help;
    int from_start;
    int have_node;
    uint32_t node;
};

static void log_usage(FILE *f)
{
    fprintf(f,
            "usage: vnfo log verify --pub NAME.pub [--manifest M | --manifest-digest D] [--node ID]\n"
            "                       [--from-start] FILE...\n"
            "       vnfo log dump FILE... [--pub NAME.pub] [--manifest M | --manifest-digest D] [--jsonl]\n"
            "       vnfo log prove FILE... --seq N [--pub NAME.pub] [--out PROOF]\n"
            "       vnfo log check-proof --pub NAME.pub PROOF\n"
            "\n"
            "verify       checks every batch (signature, manifest digest, Merkle root, chain,\n"
            "             sequence numbers, truncation) and decodes every record; prints one\n"
            "             line per batch and a summary; exit 0 only when all is valid.\n"
            "             FILEs are one writer's log segments, in order.  --node: every batch\n"
            "             must come from that node; --from-start: the first batch must be the\n"
            "             writer's first (seq 0, no previous batch), so a deleted head shows.\n"
            "dump         prints the records as JSON (--jsonl: JSON lines only).  With --pub\n"
            "             only authentic batches are dumped; without it nothing is verified.\n"
            "prove        writes the inclusion proof of record N (docs/FORMAT.md, 3.1).\n"
            "check-proof  checks a proof against the node's public key and prints the record.\n"
            "\n"
            "--manifest M          the manifest file the log must follow (its digest is checked\n"
            "                      in every batch); --manifest-digest D gives the digest itself,\n"
            "                      as `vnfo manifest check` prints it: blake2b:<64 hex> (also\n"
            "                      blake2b256:<hex> or bare hex).  With neither, every batch must\n"
            "                      state the digest the first batch states; it is printed, but\n"
            "                      not checked against any manifest.\n");
}

/* A manifest digest as `vnfo manifest check` prints it (blake2b:<hex>),
 * in the 0.1.0 spelling (blake2b256:<hex>) or as bare hex. */
static int digest_parse(uint8_t out[VNFO_LOG_HASH_BYTES], const char *text)
{
    if (strncmp(text, "blake2b:", 8) == 0)
        text += 8;
    else if (strncmp(text, "blake2b256:", 11) == 0)
        text += 11;
    size_t n = 0;
    return strlen(text) == 2 * VNFO_LOG_HASH_BYTES &&
           sodium_hex2bin(out, VNFO_LOG_HASH_BYTES, text, strlen(text), NULL, &n, NULL) == 0 &&
           n == VNFO_LOG_HASH_BYTES;
}

static void digest_print(FILE *f, const uint8_t d[VNFO_LOG_HASH_BYTES])
{
    fputs("blake2b:", f);
    for (size_t i = 0; i < VNFO_LOG_HASH_BYTES; i++)
        fprintf(f, "%02x", d[i]);
}

/* Parses the options shared by the subcommands; positional args are files.
 * Returns 1, 0 on a usage error, -1 on an input error (a bad manifest). */
static int args_parse(struct log_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--pub") == 0 && val) {
            a->pub = val, i++;
        } else if (strcmp(arg, "--out") == 0 && val) {
            a->out = val, i++;
        } else if (strcmp(arg, "--jsonl") == 0) {
            a->jsonl = 1;
        } else if (strcmp(arg, "--from-start") == 0) {
            a->from_start = 1;
        } else if (strcmp(arg, "--node") == 0 && val) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (errno || *end || !*val || *val == '-' || v > UINT32_MAX) {
                cli_error("log: --node %s is not a node id", vnfo__shown(val).s);
                return 0;
            }
            a->node = (uint32_t)v, a->have_node = 1, i++;
        } else if (strcmp(arg, "--seq") == 0 && val) {
            char *end;
            errno = 0;
            a->seq = strtoull(val, &end, 10);
            if (errno || *end || !*val || *val == '-') {
                cli_error("log: --seq %s is not a sequence number", vnfo__shown(val).s);
                return 0;
            }
            a->have_seq = 1, i++;
        } else if (strcmp(arg, "--manifest-digest") == 0 && val) {
            if (a->have_manifest) {
                cli_error("log: give --manifest or --manifest-digest once");
                return 0;
            }
            if (!digest_parse(a->manifest, val)) {
                cli_error("log: --manifest-digest %.80s: expected blake2b:<64 hex digits>", vnfo__shown(val).s);
                return 0;
            }
            a->have_manifest = 1, i++;
        } else if (strcmp(arg, "--manifest") == 0 && val) {
            if (a->have_manifest) {
                cli_error("log: give --manifest or --manifest-digest once");
                return 0;
            }
            vnfo_manifest *m;
            vnfo_status st = vnfo_manifest_load(&m, val);
            if (st != VNFO_OK) {
                cli_status_error("log", st);
                return -1;
            }
            vnfo_manifest_digest_compute(a->manifest, m);
            vnfo_manifest_free(m);
            a->have_manifest = 1, i++;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = 1;
        } else if (arg[0] == '-' && arg[1]) {
            cli_error("log: unknown option %s", vnfo__shown(arg).s);
            return 0;
        } else if (a->nfiles < (int)(sizeof a->files / sizeof a->files[0])) {
            a->files[a->nfiles++] = arg;
        } else {
            cli_error("log: too many files");
            return 0;
        }
    }
    return 1;
}

static vnfo_status reader_make(vnfo_log_reader **out, const struct log_args *a,
                               const uint8_t *digest)
{
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_status s = VNFO_OK;
    *out = NULL; /* freed below when the key does not load */
    if (a->pub)
        s = vnfo_public_key_load(&o.public_key, a->pub);
    if (s == VNFO_OK)
        memcpy(o.manifest_digest, digest, sizeof o.manifest_digest);
    o.check_node = a->have_node;
    o.node_id = a->node;
    o.anchored = a->from_start; /* anchor: seq 0, zero previous hash */
    if (s == VNFO_OK)
        s = vnfo_log_reader_create(out, &o);
    for (int i = 0; s == VNFO_OK && i < a->nfiles; i++)
        s = vnfo_log_reader_add_file(*out, a->files[i]);
    if (s == VNFO_OK)
        vnfo_log_reader_verify(*out);
    return s;
}

/* Whether the batch's header signature verifies (docs/FORMAT.md 2.2). */
static int signature_ok(const vnfo_log_batch_info *b, const vnfo_public_key *key)
{
    static const char context[] = "vnfo log batch header v1"; /* then one zero byte */
    uint8_t msg[sizeof context + VNFO_LOG_HEADER_BYTES];
    if (b->len < VNFO_LOG_HEADER_BYTES + VNFO_KEY_SIGNATURE_BYTES)
        return 0;
    memcpy(msg, context, sizeof context);
    memcpy(msg + sizeof context, b->bytes, VNFO_LOG_HEADER_BYTES);
    return vnfo_public_key_verify(key, msg, sizeof msg, b->bytes + VNFO_LOG_HEADER_BYTES) == VNFO_OK;
}

/* The manifest digest every batch is held to when none is given: that of
 * the first batch that is authentic but for its digest (checks 1 to 4, 6
 * and 7 of docs/FORMAT.md 4.1: signed header, framing, Merkle root), else
 * of the first with a signed header (checks 1 to 4), else zero.  So a
 * corrupted batch in front does not set the digest every authentic batch
 * is then held to, and a lone corrupted batch still gets its own fault. */
static void stated_digest(uint8_t out[VNFO_LOG_HASH_BYTES], const vnfo_log_reader *r,
                          const vnfo_public_key *key)
{
    int fallback = 0;
    memset(out, 0, VNFO_LOG_HASH_BYTES);
    for (size_t i = 0; i < vnfo_log_reader_batch_count(r); i++) {
        vnfo_log_batch_info b;
        vnfo_log_header h;
        vnfo_log_reader_batch(&b, r, i);
        if (!b.header_valid || !b.bytes)
            continue;
        vnfo_status s = vnfo_log_batch_verify(&h, b.bytes, b.len, key, NULL);
        if (s == VNFO_OK) {
            memcpy(out, h.manifest_digest, VNFO_LOG_HASH_BYTES);
            return;
        }
        /* past the signature: framing or root failed */
        if (!fallback && (s == VNFO_E_LOG_MALFORMED || s == VNFO_E_LOG_ROOT_MISMATCH) &&
            signature_ok(&b, key)) {
            memcpy(out, h.manifest_digest, VNFO_LOG_HASH_BYTES);
            fallback = 1;
        }
    }
}

/* A reader over the files; the key is zero (nothing authentic) without
 * --pub.  Without --manifest/--manifest-digest, the digest the log states
 * is the one every batch must carry, and the command says so. */
static int reader_open(vnfo_log_reader **out, const struct log_args *a, const char *cmd)
{
    uint8_t digest[VNFO_LOG_HASH_BYTES] = {0};
    if (a->have_manifest)
        memcpy(digest, a->manifest, sizeof digest);
    vnfo_status s = reader_make(out, a, digest);
    if (s == VNFO_OK && !a->have_manifest && a->pub) {
        vnfo_public_key key;
        if (vnfo_public_key_load(&key, a->pub) == VNFO_OK) /* reader_make loaded it once */
            stated_digest(digest, *out, &key);
        int dump = strcmp(cmd, "log dump") == 0;
        /* stdout carries JSON lines or a proof: the note goes to stderr */
        FILE *f = a->jsonl || strcmp(cmd, "log prove") == 0 ? stderr : stdout;
        fprintf(f, "%smanifest digest ", dump && !a->jsonl ? "# " : "");
        digest_print(f, digest);
        fprintf(f, " (as the log states; not checked against a manifest: give --manifest)\n");
        vnfo_log_reader_free(*out);
        s = reader_make(out, a, digest);
    }
    if (s != VNFO_OK) {
        cli_status_error(cmd, s);
        vnfo_log_reader_free(*out);
        *out = NULL;
        return 0;
    }
    return 1;
}

static void batch_line(FILE *f, size_t i, const vnfo_log_batch_info *b)
{
    fprintf(f, "%s:%" PRIu64 ": batch %zu:", vnfo__shown(b->source).s, b->offset, i);
    if (b->header_valid)
        fprintf(f, " node %" PRIu32 " epoch %" PRIu64 " seq %" PRIu64 "..%" PRIu64
                   " (%" PRIu32 " records, %" PRIu64 " lost)", b->header.node_id, b->header.epoch,
                b->header.first_seq, b->header.first_seq + b->header.record_count - 1,
                b->header.record_count, b->header.lost_count);
    if (b->status == VNFO_OK)
        fprintf(f, " OK\n");
    else
        fprintf(f, " %s: %s\n", vnfo_status_name(b->status), b->message);
}

/* ---- verify ----------------------------------------------------------------- */

static int log_verify(const struct log_args *a)
{
    if (!a->pub || a->nfiles == 0) {
        log_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_log_reader *r;
    if (!reader_open(&r, a, "log verify"))
        return CLI_INPUT_ERROR;
    vnfo_public_key pk;
    char fp[VNFO_KEY_FINGERPRINT_SIZE];
    vnfo_public_key_load(&pk, a->pub);
    vnfo_public_key_fingerprint(fp, sizeof fp, &pk);
    printf("key %s (%s)\n", fp, vnfo__shown(a->pub).s);
    size_t faults = 0, n = vnfo_log_reader_batch_count(r);
    vnfo_status first = VNFO_OK;
    for (size_t i = 0; i < n; i++) {
        vnfo_log_batch_info b;
        vnfo_log_reader_batch(&b, r, i);
        batch_line(stdout, i, &b);
        if (b.status != VNFO_OK && faults++ == 0)
            first = b.status;
    }
    uint64_t records = 0, bad = 0;
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    vnfo_status s;
    while ((s = vnfo_log_reader_next_record(&rec, r, &cur)) != VNFO_E_NOT_FOUND) {
        records++;
        if (s != VNFO_OK) {
            printf("%s: %s\n", vnfo_status_name(s), vnfo_error_message());
            if (bad++ == 0 && first == VNFO_OK)
                first = s;
        }
    }
    printf("%zu batches, %" PRIu64 " records, %zu faulty batches, %" PRIu64 " undecodable records: %s",
           n, records, faults, bad, first == VNFO_OK && n > 0 ? "VALID\n" : "INVALID");
    if (first != VNFO_OK)
        printf(" (first fault: %s)\n", vnfo_status_name(first));
    else if (n == 0)
        printf(" (no batch)\n");
    vnfo_log_reader_free(r);
    return first == VNFO_OK && n > 0 ? CLI_OK : CLI_FAILED;
}

/* ---- dump --------------------------------------------------------------------- */

static char json[1 << 19];

static void print_record(const vnfo_record *rec)
{
    size_t n;
    if (vnfo_record_to_json(json, sizeof json, &n, rec) == VNFO_OK)
        puts(json);
}

/* Without a key: every batch whose header parses, unverified. */
static uint64_t dump_unverified(const vnfo_log_reader *r, const struct log_args *a, int *bad)
{
    uint64_t count = 0;
    for (size_t i = 0; i < vnfo_log_reader_batch_count(r); i++) {
        vnfo_log_batch_info b;
        vnfo_log_reader_batch(&b, r, i);
        if (!a->jsonl)
            printf("# %s:%" PRIu64 ": batch %zu (unverified)\n", vnfo__shown(b.source).s, b.offset, i);
        if (!b.header_valid) {
            fprintf(stderr, "%s:%" PRIu64 ": batch %zu: %s: %s\n", vnfo__shown(b.source).s, b.offset, i,
                    vnfo_status_name(b.status), b.message);
            *bad = 1;
            continue;
        }
        /* One cursor through the batch: O(1) per record, whatever its shape. */
        vnfo_log_batch_cursor bc = VNFO_LOG_BATCH_CURSOR_INIT;
        for (;;) {
            const uint8_t *p;
            size_t len;
            vnfo_record rec;
            vnfo_status s = vnfo_log_batch_record_next(&p, &len, b.bytes, b.len, &bc);
            if (s == VNFO_E_NOT_FOUND)
                break;
            uint32_t k = bc.index - 1;
            if (s != VNFO_OK) {
                fprintf(stderr, "%s:%" PRIu64 ": batch %zu: %s: %s\n", vnfo__shown(b.source).s, b.offset, i,
                        vnfo_status_name(s), vnfo_error_message());
                *bad = 1;
                break; /* framing broken: no later record can be found */
            }
            s = vnfo_record_decode(&rec, p, len);
            if (s != VNFO_OK) {
                fprintf(stderr, "%s:%" PRIu64 ": batch %zu record %" PRIu32 ": %s: %s\n",
                        vnfo__shown(b.source).s,
                        b.offset, i, k, vnfo_status_name(s), vnfo_error_message());
                *bad = 1;
                continue;
            }
            print_record(&rec);
            count++;
        }
    }
    return count;
}

static uint64_t dump_verified(const vnfo_log_reader *r, const struct log_args *a, int *bad)
{
    for (size_t i = 0; i < vnfo_log_reader_batch_count(r); i++) {
        vnfo_log_batch_info b;
        vnfo_log_reader_batch(&b, r, i);
        if (b.status != VNFO_OK) {
            batch_line(stderr, i, &b);
            *bad = 1;
        }
    }
    uint64_t count = 0;
    size_t last_batch = (size_t)-1;
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    vnfo_status s;
    while ((s = vnfo_log_reader_next_record(&rec, r, &cur)) != VNFO_E_NOT_FOUND) {
        if (!a->jsonl && cur.batch != last_batch) {
            vnfo_log_batch_info b;
            vnfo_log_reader_batch(&b, r, cur.batch);
            printf("# ");
            batch_line(stdout, cur.batch, &b);
            last_batch = cur.batch;
        }
        if (s != VNFO_OK) {
            fprintf(stderr, "%s: %s\n", vnfo_status_name(s), vnfo_error_message());
            *bad = 1;
            continue;
        }
        print_record(&rec);
        count++;
    }
    return count;
}

static int log_dump(const struct log_args *a)
{
    if (a->nfiles == 0) {
        log_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_log_reader *r;
    if (!reader_open(&r, a, "log dump"))
        return CLI_INPUT_ERROR;
    int bad = 0;
    if (!a->pub)
        fprintf(stderr, "vnfo log dump: no --pub given: records are NOT verified\n");
    uint64_t n = a->pub ? dump_verified(r, a, &bad) : dump_unverified(r, a, &bad);
    if (!a->jsonl)
        printf("# %" PRIu64 " records\n", n);
    vnfo_log_reader_free(r);
    return bad ? CLI_FAILED : CLI_OK;
}

/* ---- prove -------------------------------------------------------------------- */

static void put_hex_line(FILE *f, const char *key, const uint8_t *p, size_t n)
{
    fprintf(f, "%s: ", key);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
    fputc('\n', f);
}

static int proof_write(const char *path, const vnfo_log_proof *p, const uint8_t *rec, size_t len)
{
    FILE *f = path ? cli_output_fopen(path) : stdout;
    if (!f) {
        cli_error("log prove: %s: %s", vnfo__shown(path).s, cli_output_why(errno));
        return CLI_INPUT_ERROR;
    }
    fprintf(f, "%s\n", PROOF_MAGIC);
    put_hex_line(f, "signed-header", p->signed_header, sizeof p->signed_header);
    fprintf(f, "leaf-index: %" PRIu32 "\ntree-size: %" PRIu32 "\n", p->leaf_index, p->tree_size);
    put_hex_line(f, "record", rec, len);
    for (uint32_t i = 0; i < p->path_len; i++)
        put_hex_line(f, "path", p->path[i], VNFO_LOG_HASH_BYTES);
    if (path && fclose(f) != 0) {
        cli_error("log prove: %s: %s", vnfo__shown(path).s, strerror(errno));
        return CLI_INPUT_ERROR;
    }
    return CLI_OK;
}

static int log_prove(const struct log_args *a)
{
    if (a->nfiles == 0 || !a->have_seq) {
        log_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_log_reader *r;
    if (!reader_open(&r, a, "log prove"))
        return CLI_INPUT_ERROR;
    vnfo_public_key pk;
    int rc = CLI_FAILED, found = 0;
    if (a->pub)
        vnfo_public_key_load(&pk, a->pub);
    for (size_t i = 0; i < vnfo_log_reader_batch_count(r) && !found; i++) {
        vnfo_log_batch_info b;
        vnfo_log_reader_batch(&b, r, i);
        if (!b.header_valid || a->seq < b.header.first_seq ||
            a->seq - b.header.first_seq >= b.header.record_count)
            continue;
        vnfo_log_header h;
        if (a->pub && vnfo_log_batch_verify(&h, b.bytes, b.len, &pk, NULL) != VNFO_OK)
            continue; /* only authentic batches prove anything */
        found = 1;
        uint32_t index = (uint32_t)(a->seq - b.header.first_seq);
        static vnfo_log_proof p;
        const uint8_t *rec;
        size_t len;
        vnfo_status s = vnfo_log_proof_create(&p, b.bytes, b.len, index);
        if (s == VNFO_OK)
            s = vnfo_log_batch_record(&rec, &len, b.bytes, b.len, index);
        if (s != VNFO_OK)
            cli_status_error("log prove", s);
        else
            rc = proof_write(a->out, &p, rec, len);
    }
    if (!found) {
        cli_error("log prove: no %sbatch holds seq %" PRIu64, a->pub ? "authentic " : "", a->seq);
        rc = CLI_FAILED;
    }
    vnfo_log_reader_free(r);
    return rc;
}

/* ---- check-proof ------------------------------------------------------------- */

/* Lowercase hex only (docs/FORMAT.md: hex is lowercase), so that each value
 * has one spelling. */
static int hex_field(uint8_t *out, size_t cap, size_t *len, const char *val, size_t want)
{
    size_t n = 0;
    if (strspn(val, "0123456789abcdef") != strlen(val) ||
        sodium_hex2bin(out, cap, val, strlen(val), NULL, &n, NULL) != 0 || 2 * n != strlen(val))
        return 0;
    if (want && n != want)
        return 0;
    *len = n;
    return 1;
}

/* Plain decimal: digits only, no sign, no space, no leading zero. */
static int uint32_field(uint32_t *out, const char *val)
{
    char *end;
    if (!(*val >= '0' && *val <= '9') || (val[0] == '0' && val[1]))
        return 0;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Marks key bit seen; 0 when it was already: a repeated key would leave
 * two readers free to take different values. */
static int first_time(int *seen, int bit)
{
    if (*seen & bit)
        return 0;
    *seen |= bit;
    return 1;
}

/* One "key: value" line into the proof; 0 on a bad line. */
static int proof_line(vnfo_log_proof *p, uint8_t *rec, size_t *rec_len, int *seen, char *line)
{
    char *colon = strstr(line, ": ");
    if (!colon)
        return 0;
    *colon = '\0';
    const char *key = line, *val = colon + 2;
    size_t n;
    if (strcmp(key, "signed-header") == 0)
        return first_time(seen, 1) && hex_field(p->signed_header, sizeof p->signed_header, &n, val,
                                                sizeof p->signed_header);
    if (strcmp(key, "leaf-index") == 0)
        return first_time(seen, 2) && uint32_field(&p->leaf_index, val);
    if (strcmp(key, "tree-size") == 0)
        return first_time(seen, 4) && uint32_field(&p->tree_size, val);
    if (strcmp(key, "record") == 0)
        return first_time(seen, 8) && hex_field(rec, VNFO_RECORD_MAX_BYTES, rec_len, val, 0);
    if (strcmp(key, "path") == 0) {
        if (p->path_len >= VNFO_LOG_MAX_PROOF_DEPTH)
            return 0;
        return hex_field(p->path[p->path_len++], VNFO_LOG_HASH_BYTES, &n, val, VNFO_LOG_HASH_BYTES);
    }
    return 0;
}

/* Reads the whole proof (a regular file of at most PROOF_FILE_MAX bytes)
 * into text; a NUL byte is refused with its line and column, so nothing
 * after it can be ignored. */
static char *proof_text(const char *path, size_t *out_len)
{
    char err[512];
    FILE *f = cli_input_open(path, err, sizeof err);
    if (!f) {
        cli_error("log check-proof: %s", err);
        return NULL;
    }
    char *text = malloc(PROOF_FILE_MAX + 1);
    size_t len = text ? fread(text, 1, PROOF_FILE_MAX + 1, f) : 0;
    int read_error = ferror(f);
    fclose(f);
    if (!text || read_error || len > PROOF_FILE_MAX) {
        cli_error("log check-proof: %s: %s", vnfo__shown(path).s, !text ? "out of memory" : read_error ? "read error"
                                                   : "larger than 1 MiB");
        free(text);
        return NULL;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t line = 1, col = 1;
        for (const char *p = text; p < nul; p++, col++)
            if (*p == '\n')
                line++, col = 0;
        cli_error("log check-proof: %s:%zu:%zu: NUL byte in a text file", vnfo__shown(path).s, line, col);
        free(text);
        return NULL;
    }
    text[len] = '\0';
    *out_len = len;
    return text;
}

static int proof_read(const char *path, vnfo_log_proof *p, uint8_t *rec, size_t *rec_len)
{
    size_t len;
    char *text = proof_text(path, &len);
    if (!text)
        return 0;
    int lineno = 0, seen = 0, ok = 1;
    memset(p, 0, sizeof *p);
    for (char *line = text, *next; ok && line < text + len; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : text + len;
        if (nl)
            *nl = '\0';
        lineno++;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r') /* CRLF; a CR anywhere else is a bad line */
            line[n - 1] = '\0';
        if (lineno == 1)
            ok = strcmp(line, PROOF_MAGIC) == 0;
        else if (line[0])
            ok = proof_line(p, rec, rec_len, &seen, line);
    }
    free(text);
    if (ok && seen != 15)
        ok = 0, lineno++;
    if (!ok)
        cli_error("log check-proof: %s:%d: not a valid \"%s\" proof (docs/FORMAT.md, 3.1)", vnfo__shown(path).s,
                  lineno, PROOF_MAGIC);
    return ok;
}

static int log_check_proof(const struct log_args *a)
{
    if (!a->pub || a->nfiles != 1) {
        log_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_public_key pk;
    vnfo_status s = vnfo_public_key_load(&pk, a->pub);
    if (s != VNFO_OK) {
        cli_status_error("log check-proof", s);
        return CLI_INPUT_ERROR;
    }
    static vnfo_log_proof p;
    static uint8_t rec[VNFO_RECORD_MAX_BYTES];
    size_t len = 0;
    if (!proof_read(a->files[0], &p, rec, &len))
        return CLI_INPUT_ERROR;
    s = vnfo_log_proof_check(&p, &pk, rec, len);
    if (s != VNFO_OK) {
        cli_status_error("log check-proof", s);
        printf("INVALID (%s)\n", vnfo_status_name(s));
        return CLI_FAILED;
    }
    vnfo_log_header h;
    vnfo_log_header_parse(&h, p.signed_header, sizeof p.signed_header);
    printf("VALID: record %" PRIu32 " of the batch of node %" PRIu32 " seq %" PRIu64 "..%" PRIu64
           " (seq %" PRIu64 ")\n", p.leaf_index, h.node_id, h.first_seq,
           h.first_seq + h.record_count - 1, h.first_seq + p.leaf_index);
    vnfo_record r;
    if (vnfo_record_decode(&r, rec, len) == VNFO_OK)
        print_record(&r);
    else
        printf("(the record does not decode: %s)\n", vnfo_error_message());
    return CLI_OK;
}

int cmd_log(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        log_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    struct log_args a;
    int ok = args_parse(&a, argc - 1, argv + 1);
    if (ok < 0)
        return CLI_INPUT_ERROR;
    if (!ok) {
        log_usage(stderr);
        return CLI_USAGE;
    }
    if (a.help) {
        log_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "verify") == 0)
        return log_verify(&a);
    if (strcmp(argv[1], "dump") == 0)
        return log_dump(&a);
    if (strcmp(argv[1], "prove") == 0)
        return log_prove(&a);
    if (strcmp(argv[1], "check-proof") == 0)
        return log_check_proof(&a);
    cli_error("log: unknown subcommand '%s'", vnfo__shown(argv[1]).s);
    log_usage(stderr);
    return CLI_USAGE;
}
