/* verifier010: a verifier-side program written against the libvnfo 0.1.0
 * API.  make check compiles it against the 0.1.0 public headers
 * (tests/compat/include-0.1.0), links it with the current library and runs
 * it (compat_abi.sh); regenerate.sh compiled the same source against 0.1.0
 * itself and froze its output (tests/compat/v0.1.0/<set>/verifier010.*).
 * The two must agree: that is binary compatibility, with behaviour.
 *
 *   verifier010 MANIFEST LOGDIR BILL SAMPLING_KEY REPORT.json
 *
 * Loads the manifest; reads and verifies each chain node's LOGDIR/<name>.log
 * with the reader, counting its records by type into a vnfo_record of the
 * 0.1.0 layout; then runs the verifier (logs, bill, the sampler from the
 * key) and writes the JSON report.  Prints one line per log and the
 * report's verdict.  Exit: the report's exit code, 3 on an input error,
 * 4 when the library's vnfo_record is not the size this program was
 * compiled with, 64 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/vnfo.h>

#if VNFO_VERSION_NUMBER != 100
#error "verifier010 is compiled against the 0.1.0 headers only (tests/compat/include-0.1.0)"
#endif

static int input_error(const char *what, vnfo_status s)
{
    fprintf(stderr, "verifier010: %s: %s: %s\n", what, vnfo_status_name(s), vnfo_error_message());
    return 3;
}

/* Reads one node's log as a 0.1.0 verifier would, printing what it found. */
static int read_log(const vnfo_manifest *m, size_t i, const char *dir, const uint8_t *digest)
{
    char path[4096];
    const char *name = vnfo_manifest_chain_name(m, i);
    snprintf(path, sizeof path, "%s/%s.log", dir, name);
    vnfo_log_reader_options ro = VNFO_LOG_READER_OPTIONS_INIT;
    vnfo_status s = vnfo_manifest_chain_public_key(&ro.public_key, m, i);
    if (s != VNFO_OK)
        return input_error(name, s);
    memcpy(ro.manifest_digest, digest, VNFO_LOG_HASH_BYTES);
    ro.check_node = 1;
    ro.node_id = vnfo_manifest_chain_node_id(m, i);
    vnfo_log_reader *r = NULL;
    if ((s = vnfo_log_reader_create(&r, &ro)) != VNFO_OK)
        return input_error("reader", s);
    s = vnfo_log_reader_add_file(r, path);
    vnfo_status verdict = s == VNFO_OK ? vnfo_log_reader_verify(r) : s;
    unsigned long by_type[5] = {0}, bad_batches = 0;
    size_t batches = vnfo_log_reader_batch_count(r);
    for (size_t b = 0; b < batches; b++) {
        vnfo_log_batch_info info;
        if (vnfo_log_reader_batch(&info, r, b) == VNFO_OK && info.status != VNFO_OK)
            bad_batches++;
    }
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec; /* the 0.1.0 layout */
    while (vnfo_log_reader_next_record(&rec, r, &cur) == VNFO_OK)
        by_type[rec.type >= 1 && rec.type <= 4 ? rec.type : 0]++;
    printf("%s: %s; %zu batches (%lu faulty); records: %lu packet, %lu flowtag_map, %lu loss_notice, "
           "%lu epoch_start, %lu other\n",
           name, vnfo_status_name(verdict), batches, bad_batches, by_type[1], by_type[2], by_type[3],
           by_type[4], by_type[0]);
    vnfo_log_reader_free(r);
    return 0;
}

static int write_report(const vnfo_report *report, const char *path)
{
    size_t need = 0;
    vnfo_report_render_json(NULL, 0, &need, report, 0);
    char *text = malloc(need);
    if (!text || vnfo_report_render_json(text, need, NULL, report, 0) != VNFO_OK) {
        free(text);
        return input_error("render", VNFO_E_NO_MEMORY);
    }
    FILE *f = fopen(path, "w");
    int rc = !f || fputs(text, f) < 0 || fputc('\n', f) < 0;
    if (f && fclose(f) != 0)
        rc = 1;
    free(text);
    if (rc) {
        perror(path);
        return 3;
    }
    return 0;
}

static int run(const vnfo_manifest *m, const char *dir, const char *bill_path, const char *key_path,
               const char *out)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_sampler *sampler = NULL;
    vnfo_verify_options vo = VNFO_VERIFY_OPTIONS_INIT;
    vnfo_verifier *v = NULL;
    vnfo_bill *bill = NULL;
    vnfo_report *report = NULL;
    vnfo_status s = vnfo_sampler_key_load(key, key_path);
    if (s == VNFO_OK)
        s = vnfo_manifest_sampler_options(&so, m, key, sizeof key);
    if (s == VNFO_OK)
        s = vnfo_sampler_create(&sampler, &so, key, sizeof key);
    memset(key, 0, sizeof key);
    if (s == VNFO_OK)
        s = vnfo_verifier_create(&v, m, &vo);
    if (s == VNFO_OK)
        s = vnfo_verifier_sampler_set(v, sampler);
    char path[4096];
    for (size_t i = 0; s == VNFO_OK && i < vnfo_manifest_chain_count(m); i++) {
        snprintf(path, sizeof path, "%s/%s.log", dir, vnfo_manifest_chain_name(m, i));
        s = vnfo_verifier_log_add_file(v, vnfo_manifest_chain_name(m, i), path);
    }
    if (s == VNFO_OK)
        s = vnfo_bill_load(&bill, bill_path);
    if (s == VNFO_OK)
        s = vnfo_verifier_bill_set(v, bill);
    if (s == VNFO_OK)
        s = vnfo_verifier_run(&report, v);
    int rc = s != VNFO_OK ? input_error("verify", s) : write_report(report, out);
    if (rc == 0) {
        vnfo_report_verdict overall = vnfo_report_overall(report);
        printf("report: %s\n", vnfo_report_verdict_name(overall)); /* later releases may add checks */
        rc = vnfo_report_verdict_exit_code(overall);
    }
    vnfo_report_free(report);
    vnfo_bill_free(bill);
    vnfo_verifier_free(v);
    vnfo_sampler_free(sampler);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: verifier010 MANIFEST LOGDIR BILL SAMPLING_KEY REPORT.json\n");
        return 64;
    }
    if (vnfo_record_struct_size() != sizeof(vnfo_record)) {
        fprintf(stderr, "verifier010: the library's vnfo_record has %zu bytes, this program's %zu\n",
                vnfo_record_struct_size(), sizeof(vnfo_record));
        return 4;
    }
    vnfo_status s = vnfo_init();
    if (s != VNFO_OK)
        return input_error("init", s);
    vnfo_manifest *m = NULL;
    if ((s = vnfo_manifest_load(&m, argv[1])) != VNFO_OK)
        return input_error(argv[1], s);
    uint8_t digest[VNFO_LOG_HASH_BYTES];
    int rc = (s = vnfo_manifest_digest_compute(digest, m)) != VNFO_OK ? input_error("digest", s) : 0;
    for (size_t i = 0; rc == 0 && i < vnfo_manifest_chain_count(m); i++)
        rc = read_log(m, i, argv[2], digest);
    if (rc == 0)
        rc = run(m, argv[2], argv[3], argv[4], argv[5]);
    vnfo_manifest_free(m);
    return rc;
}
