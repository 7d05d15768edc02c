/* Verifying a folder of logs against a manifest and a bill: shared by
 * `vnfo verify` and `vnfo demo`. */
#ifndef VNFO_VERIFY_DIR_H
#define VNFO_VERIFY_DIR_H

#include <vnfo/vnfo.h>

struct verify_args {
    const char *manifest;   /* path */
    const char *logs;       /* folder with <name>.log per chain entry */
    const char *bill;       /* path, or NULL */
    const char *key;        /* sampling key file to check against the commitment, or NULL */
    const char *references; /* "firewall,nat,ids", or NULL */
    int snapshot;
    unsigned max_examples;  /* example labels kept per check; 0: the default (8) */
    const char *acl;        /* the reference firewall's ACL file (examples/middleboxes format), or NULL */
    const char *nat;        /* the reference NAT: "ADDR" (keep ports) or "ADDR:LO-HI", or NULL */
    uint64_t max_memory;    /* bytes for the records kept; 0: the library's default (4 GiB) */
    unsigned threads;       /* verifier threads; 0: the online CPUs */
};

/* Runs the verification.  Returns 0 with *out set, or 3 (input error) after
 * printing the error, prefixed by cmd, on stderr. */
int verify_dir(vnfo_report **out, const struct verify_args *a, const char *cmd);

#endif
