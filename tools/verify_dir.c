/* Verifying a folder of logs: load the manifest and the bill, one log per
 * chain entry (<name>.log), any other *.log as a foreign node's, the
 * references asked for, then run. */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim.h"
#include "verify_dir.h"

static int input_error(const char *cmd, vnfo_status st)
{
    cli_status_error(cmd, st);
    return CLI_INPUT_ERROR;
}

static int is_chain_log(const vnfo_manifest *m, const char *file)
{
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        char want[128];
        snprintf(want, sizeof want, "%s.log", vnfo_manifest_chain_name(m, i));
        if (strcmp(file, want) == 0)
            return 1;
    }
    return 0;
}

static int add_logs(vnfo_verifier *v, const vnfo_manifest *m, const char *dir, const char *cmd)
{
    char path[4096];
    for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
        snprintf(path, sizeof path, "%s/%s.log", dir, vnfo_manifest_chain_name(m, i));
        vnfo_status st = vnfo_verifier_log_add_file(v, vnfo_manifest_chain_name(m, i), path);
        if (st == VNFO_E_NOT_FOUND) {
            cli_error("%s: no log for chain[%zu] \"%s\" (node %u): %s", cmd, i,
                      vnfo_manifest_chain_name(m, i), vnfo_manifest_chain_node_id(m, i), path);
            return CLI_INPUT_ERROR;
        }
        if (st != VNFO_OK)
            return input_error(cmd, st);
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_error("%s: %s: cannot open the log folder", cmd, dir);
        return CLI_INPUT_ERROR;
    }
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0 || is_chain_log(m, e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        vnfo_status st = vnfo_verifier_foreign_log_add_file(v, path);
        if (st != VNFO_OK)
            rc = input_error(cmd, st);
    }
    closedir(d);
    return rc;
}

static int add_references(vnfo_verifier *v, const vnfo_manifest *m, struct sim_functions *fns,
                          const char *list, const char *cmd)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        vnfo_reference_fn fn;
        void *ctx;
        if (sim_reference(&fn, &ctx, fns, t) != 0) {
            cli_error("%s: --reference: unknown function \"%s\" (firewall, nat, ids)", cmd, t);
            return CLI_USAGE;
        }
        for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++)
            if (strcmp(vnfo_manifest_chain_function(m, i), t) == 0)
                vnfo_verifier_reference_set(v, vnfo_manifest_chain_name(m, i), fn, ctx);
    }
    return 0;
}

/* The shims' sampler, from the customer's copy of the sampling key: the
 * key must match the manifest's commitment; the verifier then re-decides
 * every whole logged packet (sampling.consistency). */
static int make_sampler(vnfo_sampler **out, const vnfo_manifest *m, const char *path, const char *cmd)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_status st = vnfo_sampler_key_load(key, path);
    if (st == VNFO_OK)
        st = vnfo_manifest_sampler_options(&so, m, key, sizeof key);
    if (st == VNFO_OK)
        st = vnfo_sampler_create(out, &so, key, sizeof key);
    sodium_memzero(key, sizeof key);
    return st == VNFO_OK ? 0 : input_error(cmd, st);
}

int verify_dir(vnfo_report **out, const struct verify_args *a, const char *cmd)
{
    static struct sim_functions fns; /* the references' configuration */
    *out = NULL;
    vnfo_manifest *m = NULL;
    vnfo_bill *bill = NULL;
    vnfo_verifier *v = NULL;
    vnfo_sampler *sampler = NULL;
    vnfo_verify_options vo = VNFO_VERIFY_OPTIONS_INIT;
    vo.snapshot = a->snapshot;
    if (a->max_examples)
        vo.max_examples = a->max_examples;
    sim_functions_init(&fns, vo.linktype);
    vnfo_status st = vnfo_manifest_load(&m, a->manifest);
    int rc = st != VNFO_OK ? input_error(cmd, st) : 0;
    if (rc == 0 && a->key)
        rc = make_sampler(&sampler, m, a->key, cmd);
    if (rc == 0 && (st = vnfo_verifier_create(&v, m, &vo)) != VNFO_OK)
        rc = input_error(cmd, st);
    if (rc == 0 && sampler)
        vnfo_verifier_sampler_set(v, sampler);
    if (rc == 0)
        vnfo_verifier_memory_limit_set(v, a->max_memory);
    if (rc == 0 && a->references)
        rc = add_references(v, m, &fns, a->references, cmd);
    if (rc == 0)
        rc = add_logs(v, m, a->logs, cmd);
    if (rc == 0 && a->bill && (st = vnfo_bill_load(&bill, a->bill)) != VNFO_OK)
        rc = input_error(cmd, st);
    if (rc == 0 && bill && (st = vnfo_verifier_bill_set(v, bill)) != VNFO_OK)
        rc = input_error(cmd, st);
    if (rc == 0 && (st = vnfo_verifier_run(out, v)) != VNFO_OK)
        rc = input_error(cmd, st);
    if (rc == 0) {
        vnfo_report_subject_set(*out, "logs", a->logs);
        if (a->bill)
            vnfo_report_subject_set(*out, "bill", a->bill);
    }
    vnfo_verifier_free(v);
    vnfo_sampler_free(sampler);
    vnfo_bill_free(bill);
    vnfo_manifest_free(m);
    return rc;
}
