/* The verifier's internal model (never installed).
 *
 * Records of every node are copied into one compact table (struct vrec) and
 * sorted by (epoch, label, chain position), so each packet's records are
 * adjacent: a trajectory is a slice of the table.  Findings are tallied per
 * check and written into the report at the end.  Nothing here depends on
 * where the records came from (log files, buffers, or
 * vnfo_verifier_record_add()). */
#ifndef VNFO_VERIFY_PRIVATE_H
#define VNFO_VERIFY_PRIVATE_H

#include <vnfo/account.h>
#include <vnfo/bill.h>
#include <vnfo/flowtag.h>
#include <vnfo/log.h>
#include <vnfo/manifest.h>
#include <vnfo/record.h>
#include <vnfo/verify.h>

#include "workers.h"

#define VNAME_MAX 64
#define VCHAIN_MAX 64
#define VNODES_MAX 256
#define VPOS_NONE UINT32_MAX /* a node outside the chain */
#define VBYTES_NONE UINT32_MAX
#define VFAULTS_KEPT 4

struct vfunction {
    char name[VNAME_MAX + 1];
    char function[VNAME_MAX + 1];
    uint32_t node_id;
    vnfo_manifest_modify may_modify;
    int may_drop;
    vnfo_public_key key;
    vnfo_reference_fn ref; /* NULL when the customer gave none */
    vnfo_reference_linktype_fn ref_lt; /* or this one, which takes each record's link type */
    void *ref_ctx;
    vnfo_relation rel;   /* rel.check NULL when the customer gave no relation */
    void *rel_ctx;
    int log_added;
};

/* One packet record, as much of it as the checks need: 128 bytes, two
 * cache lines, no padding (the table is written, faulted in, sorted and
 * copied whole, so every byte costs).  What only some runs need lives
 * elsewhere: the state digest in the arena (kept for a reference's
 * snapshot check only), the references' costs in v->refs (replay.c). */
struct vrec {
    uint64_t epoch;
    uint64_t label;
    uint32_t pos;     /* chain position of the logging node, or VPOS_NONE */
    uint32_t hop;     /* the hop the record claims */
    uint32_t node_id;
    uint32_t flowtag;
    uint64_t t_in, t_out;
    uint64_t cycles, mem;
    uint8_t din[16], dout[16];
    uint32_t bytes_in, bytes_in_len; /* offset into the arena, or VBYTES_NONE */
    uint32_t link_type; /* of bytes_in and the digests: the record's, else opts.linktype */
    uint32_t wire_len;  /* 0: the record does not state it (format 1) */
    uint32_t bytes_out, bytes_out_len; /* output bytes, kept for a relation only */
    uint32_t state;   /* the state digest's offset in the arena (32 bytes), or VBYTES_NONE */
    uint8_t verdict;  /* vnfo_record_verdict */
    uint8_t granularity;
    uint8_t foreign;  /* from a log whose signature could not be checked */
    uint8_t has_ref;  /* a reference replayed it: its costs are in v->refs (replay.c) */
};

/* A reference's costs for the record at the same index of the sorted
 * table (replay.c). */
struct vref {
    uint64_t cycles, mem;
};

/* A FlowTag mapping record, as the event the resolver takes. */
struct vmap {
    vnfo_flowtag_event ev;
    uint32_t node_id;
    uint64_t seq; /* order within the node's log */
};

/* What one node's log said about itself. */
struct vnode {
    uint32_t node_id;
    uint32_t pos;            /* VPOS_NONE for a node outside the chain */
    char source[256];        /* file or buffer name */
    uint64_t batches, batches_bad;
    uint64_t records;        /* packet records from authentic batches */
    uint64_t rejected;       /* records in batches that failed verification */
    uint64_t lost;           /* records the writer said it lost (signed) */
    int truncated;           /* the log ends early: a torn tail, or (heartbeat rule) before the period's end */
    int unbounded;           /* a deletion of unknown size (sequence gap) */
    uint64_t end_ns;         /* latest t_out among its records */
    uint64_t last_signed_ns; /* latest time any of its authentic records states */
    uint32_t max_version;    /* highest record format version in its log */
    int closed;              /* a period-close record for the billing period */
    uint64_t heartbeats;     /* heartbeat records */
    uint64_t missing_seen;   /* hops found missing at this node */
    size_t n_faults;
    char faults[VFAULTS_KEPT][256];
    vnfo_status first_fault;
};

struct vnfo_verifier {
    vnfo_verify_options opts;
    uint64_t memory_limit; /* for recs, arena and maps (vnfo_verifier_memory_limit_set) */
    const vnfo_manifest *manifest;
    uint8_t manifest_digest[32];
    size_t n_chain;
    struct vfunction chain[VCHAIN_MAX];
    vnfo_rational rate;
    double confidence;
    uint64_t skew_ns;
    const vnfo_bill *bill;
    const vnfo_sampler *sampler; /* for sampling.consistency, or NULL */

    /* The table: while records are added, in segments of VSEG records
     * that never move (vnfo__verify_rec()); from the sort on (trajectory.c),
     * one sorted array, recs.  Exactly one of the two holds the n_recs
     * records; adding a record after a run moves them back to segments. */
    struct vrec *recs;
    size_t n_recs, cap_recs;  /* cap_recs: records the segments or recs hold room for */
    struct vrec **segs;       /* 2 MiB-aligned starts of the segments */
    void **seg_blocks;        /* what the allocator returned for each */
    size_t n_segs, cap_segs;
    struct vref *refs; /* n_recs entries once replay ran with references, else NULL */
    uint8_t *arena;
    size_t arena_len, arena_cap;
    struct vmap *maps;
    size_t n_maps, cap_maps;
    struct vnode nodes[VNODES_MAX];
    size_t n_nodes;
    uint64_t decode_errors;
    char decode_error[256];
    double stage_ns[4]; /* see vnfo_verifier_stage_times() */
    unsigned threads;      /* vnfo_verifier_threads_set(): 0 = the online CPUs */
    vnfo__workers *workers; /* the pool, made at first use; NULL for one thread */
    int workers_made;
};

/* Segments of the table while records are added: 32768 records (4 MiB),
 * each allocated once, aligned to 2 MiB and advised to use transparent
 * huge pages.  A table grown by realloc moved its pages at each doubling
 * and took a 4 KiB page fault per 32 records: the largest cost of the
 * verifier over the log reader (bench/bench_verify). */
#define VSEG_SHIFT 15
#define VSEG ((size_t)1 << VSEG_SHIFT)

/* Record i of the table while it is in segments (before the sort). */
static inline struct vrec *vnfo__verify_rec(const vnfo_verifier *v, size_t i)
{
    return v->segs[i >> VSEG_SHIFT] + (i & (VSEG - 1));
}

/* The outcome of one check over all trajectories. */
struct tally {
    uint64_t checked;         /* trajectories (or records) the check examined */
    uint64_t violations;      /* of which violated it */
    vnfo_report_entry *entry; /* where examples go (created before the scan) */
};

/* verifier.c: the verifier's worker pool (NULL: one thread), made at the
 * first parallel stage.  Results never depend on it (src/workers.h). */
vnfo__workers *vnfo__verify_workers(vnfo_verifier *v);

/* store.c */
vnfo_status vnfo__verify_node_get(struct vnode **out, vnfo_verifier *v, uint32_t node_id,
                                  const char *source);
vnfo_status vnfo__verify_record_put(vnfo_verifier *v, const vnfo_record *rec, int foreign);
/* The parallel way to store a log's packet records, when no bytes are kept
 * (vnfo__verify_keeps_any_bytes() is 0): claim n table entries (the table
 * grows as n single puts would grow it), fill them on the workers with
 * vnfo__verify_vrec_fill(), and note every record in log order with
 * vnfo__verify_record_note() (node bookkeeping and mappings, no entry). */
vnfo_status vnfo__verify_recs_claim(vnfo_verifier *v, size_t n);
/* Moves n records from index from to index to (to <= from), in segments. */
void vnfo__verify_recs_move(vnfo_verifier *v, size_t to, size_t from, size_t n);
/* Frees the segments (their records were copied into recs by the sort). */
void vnfo__verify_segments_free(vnfo_verifier *v);
void vnfo__verify_vrec_fill(struct vrec *r, const vnfo_verifier *v, const vnfo_record *rec, int foreign);
vnfo_status vnfo__verify_record_note(vnfo_verifier *v, const vnfo_record *rec);
/* Back to n_recs records (a claim given up: its entries are reused). */
void vnfo__verify_recs_unclaim(vnfo_verifier *v, size_t n_recs);

/* What the records of a chain log's batch say about their node, gathered on
 * a worker (pure) and applied in batch order: sums, maxima and flags, as
 * vnfo__verify_record_put() would have left them record by record. */
struct vnote {
    uint64_t packets, lost, heartbeats, end_ns, last_signed_ns, maps;
    uint32_t max_version;
    int closed;
};
void vnfo__verify_note_record(struct vnote *n, const vnfo_verifier *v, const vnfo_record *rec);
void vnfo__verify_note_apply(struct vnode *node, const struct vnote *n);

/* take.c: a verified chain log's records into the table (decoded and
 * stored on the workers, merged in log order). */
vnfo_status vnfo__verify_take_records(vnfo_verifier *v, vnfo_log_reader *r, struct vnode *node);
/* Whether the packet bytes of records at chain position pos are kept
 * (whole: the record keeps its whole packet). */
int vnfo__verify_keeps_bytes(const vnfo_verifier *v, uint32_t pos, int whole);
int vnfo__verify_keeps_any_bytes(const vnfo_verifier *v);
uint32_t vnfo__verify_pos_of(const vnfo_verifier *v, uint32_t node_id);

/* trajectory.c: functional checks over the sorted table. */
/* The end of the run of records with the (epoch, label) of recs[a], in the
 * sorted table: one sampled packet, or several that share a label.
 * Inline: every pass over the table walks it label by label. */
static inline size_t vnfo__verify_label_run_end(const vnfo_verifier *v, size_t a)
{
    const struct vrec *r = v->recs;
    size_t b = a + 1;
    while (b < v->n_recs && r[b].label == r[a].label && r[b].epoch == r[a].epoch)
        b++;
    return b;
}
/* How many packets a run of one label stands for: the most records any
 * one node logged under it (1 for an unambiguous trajectory).  O(n). */
uint32_t vnfo__verify_label_multiplicity(const vnfo_verifier *v, const struct vrec *r, size_t n);
/* Sorts the table and checks the trajectories.  The extra task lists (at
 * most VFUNCTIONAL_EXTRA_MAX) read the sorted table and nothing the checks
 * write: they run on the workers in one run with the trajectory scan, long
 * tasks first, so that the threads do not wait at the end of each list's
 * own run (the SLA entries are few, and uneven). */
#define VFUNCTIONAL_EXTRA_MAX 3
vnfo_status vnfo__verify_functional(vnfo_verifier *v, vnfo_report *report, const struct vnfo__tasks *extra,
                                    size_t n_extra);

/* flowtags.c: the tagged records are counted over fixed ranges of the
 * sorted table, one task each (a sum of integers: the same whatever the
 * split or the thread); vnfo__verify_flowtags() then reports with that
 * count. */
#define VTAG_COUNT_RANGES 16
struct vtag_count {
    const vnfo_verifier *v;
    size_t count[VTAG_COUNT_RANGES];
};
struct vnfo__tasks vnfo__verify_tag_count_tasks(struct vtag_count *c, const vnfo_verifier *v);
vnfo_status vnfo__verify_flowtags(vnfo_verifier *v, vnfo_report *report, const struct vtag_count *c);

/* sampling.c */
vnfo_status vnfo__verify_sampling(vnfo_verifier *v, vnfo_report *report);

/* replay.c */
vnfo_status vnfo__verify_replay(vnfo_verifier *v, vnfo_report *report);

/* relation.c: black-box checking through relations. */
vnfo_status vnfo__verify_relations(vnfo_verifier *v, vnfo_report *report);

/* integrity.c */
vnfo_status vnfo__verify_integrity(vnfo_verifier *v, vnfo_report *report);
/* The manifest's billing period in ns since the Unix epoch; 0 when it does
 * not fit in uint64 (after the year 2554). */
int vnfo__verify_billing_ns(const vnfo_verifier *v, uint64_t *start_ns, uint64_t *end_ns);
int vnfo__verify_logs_complete(const vnfo_verifier *v);

/* accounting.c and performance.c */
vnfo_status vnfo__verify_accounting(vnfo_verifier *v, vnfo_report *report);
/* The SLA entries' figures, one task per entry, each writing its own slot;
 * reported in manifest order by vnfo__verify_performance().  They read the
 * references' costs: vnfo__verify_sla_before_replay() says whether they
 * may be computed before the replay (no reference set, none replayed
 * before, the workers may allocate), to share a run with other tasks. */
struct vsla;
int vnfo__verify_sla_before_replay(const vnfo_verifier *v);
vnfo_status vnfo__verify_sla_tasks(struct vsla **out, struct vnfo__tasks *tasks, const vnfo_verifier *v);
void vnfo__verify_sla_free(struct vsla *sla);
/* Reports the SLA entries: computed now when sla is NULL, else from sla
 * (freed, whatever the outcome). */
vnfo_status vnfo__verify_performance(vnfo_verifier *v, vnfo_report *report, struct vsla *sla);

/* evidence.c: an account result as report evidence. */
vnfo_status vnfo__verify_account_entry(vnfo_report_entry **out, vnfo_report *report,
                                       const char *name, vnfo_report_category category,
                                       const vnfo_account_result *r, const char *what);
/* The same for a check whose sample is every record in the logs (SLA,
 * minimality): while a chain log is incomplete (logs.integrity) the entry
 * is INCONCLUSIVE whatever the result, which stays in the evidence, with
 * the records the faults took (records_rejected, records_lost_signed). */
vnfo_status vnfo__verify_account_entry_logs(vnfo_report_entry **out, vnfo_report *report,
                                            const char *name, vnfo_report_category category,
                                            const vnfo_account_result *r, const char *what,
                                            const vnfo_verifier *v);
vnfo_status vnfo__verify_rate_evidence(vnfo_report_entry *e, uint64_t checked,
                                       uint64_t violations, double confidence);

#endif
