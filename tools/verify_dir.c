/* Verifying a folder of logs: load the manifest and the bill, one log per
 * chain entry (<name>.log), any other *.log as a foreign node's, the
 * references asked for, then run. */
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim.h"
#include "verify_dir.h"
#include "internal.h" /* vnfo__shown(): option values are escaped in messages */

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
                      vnfo_manifest_chain_name(m, i), vnfo_manifest_chain_node_id(m, i), vnfo__shown(path).s);
            return CLI_INPUT_ERROR;
        }
        if (st != VNFO_OK)
            return input_error(cmd, st);
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_error("%s: %s: cannot open the log folder: %s", cmd, vnfo__shown(dir).s, strerror(errno));
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

/* --nat ADDR[/BITS][:LO-HI]: 0 and the parts, or -1. */
static int parse_nat(const char *text, uint8_t addr[4], unsigned *bits, unsigned *lo, unsigned *hi)
{
    unsigned ip[4];
    int used = 0;
    *bits = 32;
    *lo = *hi = 0;
    if (sscanf(text, "%3u.%3u.%3u.%3u%n", &ip[0], &ip[1], &ip[2], &ip[3], &used) != 4)
        return -1;
    const char *rest = text + used;
    if (*rest == '/') {
        int n = 0;
        if (sscanf(rest, "/%2u%n", bits, &n) != 1 || *bits > 32 || n < 2)
            return -1;
        rest += n;
    }
    if (*rest == ':') {
        int n = 0;
        if (sscanf(rest, ":%5u-%5u%n", lo, hi, &n) != 2 || *lo == 0 || *lo > *hi || *hi > 65535)
            return -1;
        rest += n;
    }
    for (int i = 0; i < 4; i++) {
        if (ip[i] > 255)
            return -1;
        addr[i] = (uint8_t)ip[i];
    }
    return *rest ? -1 : 0;
}

/* The customer's own configuration of the references, when given: --acl
 * for the firewall and the stateful firewall's relation, --nat for the
 * NAT and the masquerading NAT's relation (docs/verify.md). */
static int configure_references(struct sim_functions *fns, const struct verify_args *a, uint32_t linktype,
                                const char *cmd)
{
    struct mb_error err;
    if (a->acl && mb_firewall_load(&fns->fw, a->acl, linktype, &err) != 0) {
        cli_error("%s: --acl: %s", cmd, err.text);
        return CLI_INPUT_ERROR;
    }
    if (!a->nat)
        return 0;
    uint8_t addr[4];
    unsigned bits, lo, hi;
    if (parse_nat(a->nat, addr, &bits, &lo, &hi) != 0) {
        cli_error("%s: --nat \"%s\": expected ADDR[/BITS][:LO-HI] (IPv4, ports 1-65535)", cmd, vnfo__shown(a->nat).s);
        return CLI_USAGE;
    }
    /* The stateless NAT leaves from ADDR; the relation admits the pool
     * ADDR/BITS, and without a port range any port (masquerade keeps the
     * inside port while it is free, else picks another). */
    memcpy(fns->nat.public_ipv4, addr, 4);
    fns->nat.port_lo = (uint16_t)lo;
    fns->nat.port_hi = (uint16_t)hi;
    mb_nat_relation_init(&fns->nat_rel, addr, (uint8_t)bits, (uint16_t)(lo ? lo : 1),
                         (uint16_t)(lo ? hi : 65535));
    return 0;
}

static int add_references(vnfo_verifier *v, const vnfo_manifest *m, struct sim_functions *fns,
                          const char *list, const char *cmd)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        vnfo_reference_linktype_fn fn = NULL;
        vnfo_relation rel;
        void *ctx;
        /* A stateful function's reference is a relation (docs/verify.md). */
        int is_relation = sim_relation(&rel, &ctx, fns, t) == 0;
        if (!is_relation && sim_reference_linktype(&fn, &ctx, fns, t) != 0) {
            cli_error("%s: --reference: unknown function \"%s\" (firewall, nat, ids, "
                      "stateful-firewall, masquerade-nat, stream-ids)", cmd, vnfo__shown(t).s);
            return CLI_USAGE;
        }
        for (size_t i = 0; i < vnfo_manifest_chain_count(m); i++) {
            if (strcmp(vnfo_manifest_chain_function(m, i), t) != 0)
                continue;
            if (is_relation)
                vnfo_verifier_relation_set(v, vnfo_manifest_chain_name(m, i), &rel, ctx);
            else
                vnfo_verifier_reference_linktype_set(v, vnfo_manifest_chain_name(m, i), fn, ctx);
        }
    }
    return 0;
}

/* The shims' sampler, from the customer's copy of the sampling key: the
 * key must match the manifest's commitment; the verifier then re-decides
 * every whole logged packet (sampling.consistency). */
static int make_sampler(vnfo_sampler **out, const vnfo_manifest *m, const char *path, const char *cmd)
{
    vnfo_status st = sim_sampler_load(out, m, path);
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
    if (rc == 0)
        rc = configure_references(&fns, a, vo.linktype, cmd);
    if (rc == 0 && a->key)
        rc = make_sampler(&sampler, m, a->key, cmd);
    if (rc == 0 && (st = vnfo_verifier_create(&v, m, &vo)) != VNFO_OK)
        rc = input_error(cmd, st);
    if (rc == 0 && sampler)
        vnfo_verifier_sampler_set(v, sampler);
    if (rc == 0)
        vnfo_verifier_memory_limit_set(v, a->max_memory);
    if (rc == 0 && (st = vnfo_verifier_threads_set(v, a->threads)) != VNFO_OK)
        rc = input_error(cmd, st);
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
