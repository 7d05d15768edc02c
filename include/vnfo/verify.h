/**
 * @file verify.h
 * @brief The end-to-end verifier: trajectories, functional checks, replay
 *        through the customer's reference implementations, performance and
 *        accounting checks, all into a ::vnfo_report.
 */
#ifndef VNFO_VERIFY_H
#define VNFO_VERIFY_H

#include <vnfo/bill.h>
#include <vnfo/common.h>
#include <vnfo/manifest.h>
#include <vnfo/record.h>
#include <vnfo/report.h>
#include <vnfo/sampler.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a function's state digest (snapshot mode). */
#define VNFO_REFERENCE_STATE_BYTES 32

/** What a reference implementation did with a packet.  Values are pinned. */
typedef enum vnfo_reference_verdict {
    VNFO_REFERENCE_FORWARD = 0, /**< The packet leaves, as written to the output buffer. */
    VNFO_REFERENCE_DROP = 1,    /**< The packet is dropped. */
    VNFO_REFERENCE_ERROR = 2    /**< The reference cannot process it (malformed, output too small). */
} vnfo_reference_verdict;

/**
 * @brief Resource use and state a reference reports for one packet.
 *
 * The verifier zeroes it before each call.  Fixed layout: fields are only
 * ever appended, and a callback built against an older layout leaves the
 * new ones zero.
 */
typedef struct vnfo_reference_resources {
    uint64_t cpu_cycles;  /**< Cycles the reference needs (feeds the minimality check). */
    uint64_t mem_bytes;   /**< Memory the reference needs. */
    uint32_t alerts;      /**< Alerts raised (an IDS); informational. */
    uint32_t has_state;   /**< 1 when state_digest is set (snapshot mode). */
    uint8_t state_digest[VNFO_REFERENCE_STATE_BYTES]; /**< Digest of the state the packet saw. */
} vnfo_reference_resources;

/**
 * @brief A reference implementation f̂ of a function: a pure function of the
 *        input packet (and its configuration in @p ctx).
 * @param ctx The opaque context given with the callback.
 * @param in The packet as the function received it (link layer included).
 * @param out A buffer of @p out_cap bytes for the packet it forwards.
 * @param[out] out_len The length written to @p out (when forwarding).
 * @param[out] res Resource use and, optionally, the state digest.
 * @return The verdict.
 */
typedef vnfo_reference_verdict (*vnfo_reference_fn)(void *ctx, const uint8_t *in, size_t in_len,
                                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                                    vnfo_reference_resources *res);

/** Version of ::vnfo_verify_options understood by this library. */
#define VNFO_VERIFY_OPTIONS_VERSION 1

/** Options of vnfo_verifier_create(). */
typedef struct vnfo_verify_options {
    unsigned version;     /**< VNFO_VERIFY_OPTIONS_VERSION. */
    uint32_t linktype;    /**< pcap link type of logged packet bytes whose record states none
                               (format 1; default 1, Ethernet).  A record of format 2 that
                               states its link type is read with its own. */
    int snapshot;         /**< Non-zero: snapshot mode, compare logged state digests in replays. */
    uint32_t max_examples; /**< Example labels kept per check (default 8, at most 1024). */
    double reference_ghz; /**< Clock that turns a reference's cycles into its delay for the SLA
                               checks (default 2.0); 0: reference delay 0, the slack alone bounds it. */
} vnfo_verify_options;

/** Initialiser of ::vnfo_verify_options with the defaults. */
#define VNFO_VERIFY_OPTIONS_INIT {VNFO_VERIFY_OPTIONS_VERSION, 1, 0, 8, 2.0}

/**
 * @brief Fill @p out with the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_verify_options_init(vnfo_verify_options *out, unsigned version);

/** A verification in progress (opaque). */
typedef struct vnfo_verifier vnfo_verifier;

/**
 * @brief Start a verification against a manifest.
 * @param[out] out The verifier; NULL on failure.
 * @param manifest The agreed manifest; it must outlive the verifier.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION,
 *         VNFO_E_LIMIT_EXCEEDED (more than 64 functions) or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_verifier_create(vnfo_verifier **out, const vnfo_manifest *manifest,
                                          const vnfo_verify_options *opts);

/** @brief Free a verifier.  Accepts NULL.  @par Thread safety: per handle. */
VNFO_API void vnfo_verifier_free(vnfo_verifier *v);

/**
 * @brief Give the reference implementation of a chain function.
 * @param name The chain entry's name (manifest "name", e.g. "ids").
 * @param fn The reference; NULL removes it.
 * @param ctx Passed to @p fn; must outlive the verifier.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NOT_FOUND (no such
 *         chain entry).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_reference_set(vnfo_verifier *v, const char *name,
                                                 vnfo_reference_fn fn, void *ctx);

/**
 * @brief A reference implementation that is told the link type of each
 *        frame: the record's link type (docs/FORMAT.md 1.1), or
 *        ::vnfo_verify_options.linktype for a record that states none.
 * @param ctx The opaque context given with the callback.
 * @param linktype pcap LINKTYPE of @p in (and of the frame it should write).
 * Other parameters and the return value as ::vnfo_reference_fn.
 */
typedef vnfo_reference_verdict (*vnfo_reference_linktype_fn)(void *ctx, uint32_t linktype,
                                                             const uint8_t *in, size_t in_len,
                                                             uint8_t *out, size_t out_cap,
                                                             size_t *out_len,
                                                             vnfo_reference_resources *res);

/**
 * @brief Give the reference implementation of a chain function, taking each
 *        record's link type.
 *
 * Replaces a reference given with vnfo_verifier_reference_set(), and the
 * other way round.  A reference given with vnfo_verifier_reference_set()
 * only reads frames of ::vnfo_verify_options.linktype: a record stating
 * another link type is not replayed through it (counted as
 * `other_link_type` in the reference check's evidence).
 * @param name The chain entry's name.
 * @param fn The reference; NULL removes it.
 * @param ctx Passed to @p fn; must outlive the verifier.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NOT_FOUND.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_reference_linktype_set(vnfo_verifier *v, const char *name,
                                                          vnfo_reference_linktype_fn fn, void *ctx);

/**
 * @brief Verify a chain node's log and take its records.
 *
 * Each batch is verified with the node's key from the manifest and the
 * manifest's digest (docs/FORMAT.md).  Faulty batches (bad signature, root
 * mismatch, broken chain, duplicate or replayed batch, truncated tail) do
 * not stop the verification: they become evidence of the report's
 * integrity check, and their records are not used.
 * @param name The chain entry's name.
 * @param data Length-prefixed batches; what the checks need is copied, so
 *        the buffer may be freed when the call returns.
 * @param source Names the log in messages.
 * @return VNFO_OK; VNFO_E_NOT_FOUND (no such chain entry);
 *         VNFO_E_LOG_MANIFEST_MISMATCH (the log follows another manifest);
 *         VNFO_E_LOG_MALFORMED or VNFO_E_UNSUPPORTED_VERSION (not a log
 *         this library reads: its first batch does not parse);
 *         VNFO_E_LOG_NODE_MISMATCH (the log is another node's);
 *         VNFO_E_INVALID_ARGUMENT; VNFO_E_NO_MEMORY.  Each is an input
 *         error: the message names the log and the place.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_log_add(vnfo_verifier *v, const char *name, const uint8_t *data,
                                           size_t len, const char *source);

/**
 * @brief As vnfo_verifier_log_add(), reading a file.
 * @return As vnfo_verifier_log_add(), plus VNFO_E_NOT_FOUND and VNFO_E_IO.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_log_add_file(vnfo_verifier *v, const char *name,
                                                const char *path);

/**
 * @brief Take a log written by a node outside the chain (found beside the
 *        chain's logs).  Its signature cannot be checked (the manifest has
 *        no key for it); its records are evidence that packets visited a
 *        node outside the chain.
 * @return VNFO_OK, VNFO_E_NOT_FOUND, VNFO_E_IO, VNFO_E_LOG_MALFORMED,
 *         VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_foreign_log_add_file(vnfo_verifier *v, const char *path);

/**
 * @brief Add one already verified record (for shards verified elsewhere,
 *        and for tests).  The record's node_id places it in the chain.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LIMIT_EXCEEDED or
 *         VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_record_add(vnfo_verifier *v, const vnfo_record *rec);

/**
 * @brief Give the sampler the shims were configured with (the customer
 *        holds the sampling key), to add the check "sampling.consistency":
 *        every record that keeps its whole packet must be one the sampler
 *        selects, with the label it logged (other key epochs are derived
 *        with vnfo_sampler_rekey()).  Call it before adding logs.
 * @param sampler The sampler; it must outlive the verifier.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_sampler_set(vnfo_verifier *v, const vnfo_sampler *sampler);

/**
 * @brief Limit the memory the verifier keeps for sampled records.
 *
 * The verifier streams each log (one batch in memory at a time) and keeps a
 * compact copy of every packet record (VNFO_VERIFY_RECORD_BYTES bytes each,
 * plus the packet bytes a reference or the sampler re-reads, plus FlowTag
 * mappings); vnfo_verifier_run() needs a sorted copy of the table and 32
 * bytes of key per record while it sorts.  Adding a log or record whose keeping would take this table past
 * @p bytes fails with VNFO_E_LIMIT_EXCEEDED and a message that names the
 * source, the records kept and the limit, instead of the process being
 * killed for want of memory.
 * @param bytes The limit; 0 restores VNFO_VERIFY_MEMORY_LIMIT_DEFAULT.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_memory_limit_set(vnfo_verifier *v, uint64_t bytes);

/**
 * @brief Set how many threads vnfo_verifier_log_add(),
 *        vnfo_verifier_log_add_file() and vnfo_verifier_run() use.
 *
 * The stages that split cleanly run on a pool of worker threads made at
 * the first stage that needs it and kept until the verifier is freed or
 * this is called again: each batch's signature and Merkle verification,
 * each batch's record decoding and storing, and the sort of the record
 * table (in shards of the label space).  Results are merged in a fixed
 * order, so the report is byte-identical for every number of threads.
 * Memory the threads add (docs/verify.md, "Threads"): per thread, for log
 * files, two batch buffers (the largest batch each) and a 1 MiB stack.
 * Worker threads never call the allocator (vnfo_allocator_set()), nor the
 * references and relations.
 * @param threads 1 for the calling thread alone; 0 (the default) for the
 *        number of online CPUs; at most VNFO_VERIFY_THREADS_MAX.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (NULL verifier, too many
 *         threads).  When the system refuses to start threads, the stages
 *         run on fewer (the same results).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_threads_set(vnfo_verifier *v, unsigned threads);

/** @brief VNFO_VERIFY_RECORD_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_verify_record_bytes(void);

/**
 * @brief Give the provider's bill.  Checks that it names the manifest, its
 *        period, billed resources and functions.
 * @param bill The bill; it must outlive the verifier.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BILL_MISMATCH (message
 *         says what differs).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_bill_set(vnfo_verifier *v, const vnfo_bill *bill);

/**
 * @brief Check every node's log is there, assemble trajectories and run
 *        every check into a new report.
 *
 * Checks (docs/verify.md): integrity of each log; chain completeness and
 * order; no node outside the chain; hop-to-hop digests; functions that may
 * not modify; drop attribution; causal timing within the clock-skew slack;
 * FlowTag mappings; replay through each reference given (verdict, output
 * digest, state digest in snapshot mode); SLA delay entries; bill totals,
 * billed packet count and minimality.
 * @param[out] out The report; NULL on failure.
 * @return VNFO_OK (whatever the verdicts), VNFO_E_VERIFY_MISSING_LOG (a
 *         chain node has no log), VNFO_E_INVALID_ARGUMENT or
 *         VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_run(vnfo_report **out, vnfo_verifier *v);

/**
 * @brief Nanoseconds spent so far in each stage: 0 reading and verifying
 *        logs, 1 decoding and storing records, 2 assembling trajectories and
 *        functional checks, 3 replay, accounting and performance checks.
 * @param[out] out Four doubles.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_stage_times(double *out, const vnfo_verifier *v);

/* ---- black-box relations (docs/verify.md, "Black-box relations") -------- */

/** Version of ::vnfo_relation understood by this library. */
#define VNFO_RELATION_VERSION 1
/** Bytes of a relation's flow key and of a fact's key and value, at most. */
#define VNFO_RELATION_KEY_BYTES 48
/** Facts one record may state, at most. */
#define VNFO_RELATION_FACTS_MAX 4

/** Whether a logged output is admissible.  Values are pinned. */
typedef enum vnfo_relation_verdict {
    VNFO_RELATION_ADMISSIBLE = 0,   /**< Some state consistent with the sample explains it. */
    VNFO_RELATION_INADMISSIBLE = 1, /**< No state of the function explains it: a violation. */
    VNFO_RELATION_NOT_APPLICABLE = 2 /**< The relation does not judge this packet (not IP, bytes missing). */
} vnfo_relation_verdict;

/**
 * @brief One sampled record as a relation sees it.
 *
 * Pointers are valid during the call only.  @p out is the packet the
 * function forwarded as the record logged it (NULL when it dropped the
 * packet or the record keeps no output bytes); @p out_whole says whether it
 * is the whole packet or a header prefix (granularity `headers`).
 */
typedef struct vnfo_relation_packet {
    uint64_t label;    /**< The packet's sampling label. */
    uint64_t t_in_ns;  /**< When the function received it (its node's clock). */
    uint32_t linktype; /**< pcap LINKTYPE of @p in and @p out. */
    uint32_t forwarded; /**< 1 forwarded, 0 dropped. */
    const uint8_t *in;  /**< The input packet (link layer included). */
    size_t in_len;
    const uint8_t *out; /**< The output packet, or NULL. */
    size_t out_len;
    uint32_t in_whole;  /**< 1: @p in is the whole packet, 0: a prefix. */
    uint32_t out_whole; /**< 1: @p out is the whole packet, 0: a prefix. */
} vnfo_relation_packet;

/**
 * @brief A fact about the function's state that one record shows.
 *
 * Facts of one @p space and equal key must agree: two facts with different
 * values conflict when the later one's time lies less than @p hold_ns after
 * the earlier one's (the state the earlier record shows cannot have ended
 * sooner, e.g. a NAT mapping's minimum idle lifetime).  Key and value are
 * compared as bytes over their lengths.
 */
typedef struct vnfo_relation_fact {
    uint32_t space;     /**< Which constraint; facts of different spaces never conflict. */
    uint32_t key_len;   /**< Bytes of @p key used (1 to VNFO_RELATION_KEY_BYTES). */
    uint32_t value_len; /**< Bytes of @p value used (0 to VNFO_RELATION_KEY_BYTES). */
    uint32_t reserved;  /**< 0. */
    uint64_t hold_ns;   /**< How long after this record its value must keep holding. */
    uint8_t key[VNFO_RELATION_KEY_BYTES];
    uint8_t value[VNFO_RELATION_KEY_BYTES];
} vnfo_relation_fact;

/**
 * @brief Per packet: is the logged output admissible given the input and
 *        some state consistent with what was observed?
 * @param ctx The relation's context.
 * @param p The record.
 * @param prev The previous sampled record of the same flow in the flow's
 *        order (::vnfo_relation.flow), or NULL (no flow callback, first of
 *        its flow).  Lets a relation use bytes a neighbouring sample saw
 *        (an IDS reassembling a stream).
 * @param why A buffer of @p why_cap bytes for the reason of an
 *        INADMISSIBLE verdict (text; the verifier escapes it).
 * @return The verdict.
 */
typedef vnfo_relation_verdict (*vnfo_relation_check_fn)(void *ctx, const vnfo_relation_packet *p,
                                                         const vnfo_relation_packet *prev,
                                                         char *why, size_t why_cap);

/**
 * @brief The flow a record belongs to, and its place in the flow.
 * @param[out] key Up to VNFO_RELATION_KEY_BYTES bytes naming the flow.
 * @param[out] key_len Bytes of @p key used; 0: the record has no flow.
 * @param[out] order Its position in the flow (a TCP sequence number, a
 *        time); records of a flow are given to the check in this order.
 */
typedef void (*vnfo_relation_flow_fn)(void *ctx, const vnfo_relation_packet *p, uint8_t *key,
                                      size_t *key_len, uint64_t *order);

/**
 * @brief The facts a record shows about the function's state.
 * @param[out] facts Room for VNFO_RELATION_FACTS_MAX facts (zeroed).
 * @return How many were written (0 to VNFO_RELATION_FACTS_MAX).
 */
typedef size_t (*vnfo_relation_facts_fn)(void *ctx, const vnfo_relation_packet *p,
                                         vnfo_relation_fact *facts);

/**
 * @brief A reference given as a relation instead of a function: the
 *        customer's model of a stateful function for black-box checking.
 *
 * Every callback but @p check is optional (NULL).  The relation allocates
 * nothing on the verifier's behalf; its context is the caller's.
 */
typedef struct vnfo_relation {
    unsigned version;              /**< VNFO_RELATION_VERSION. */
    vnfo_relation_check_fn check;  /**< Per-packet admissibility (required). */
    vnfo_relation_flow_fn flow;    /**< Flow key and order, or NULL. */
    vnfo_relation_facts_fn facts;  /**< Facts across records, or NULL. */
    const char *const *space_names; /**< What a conflict in fact space i means
                                         ("one original flow, two rewritten tuples"), or NULL. */
    uint32_t n_space_names;        /**< Entries of @p space_names. */
} vnfo_relation;

/** Initialiser of ::vnfo_relation (no callbacks yet). */
#define VNFO_RELATION_INIT {VNFO_RELATION_VERSION, NULL, NULL, NULL, NULL, 0}

/**
 * @brief Give a chain function its reference as a relation (black-box
 *        checking of a stateful function), checked as `relation.<name>`.
 *
 * Independent of vnfo_verifier_reference_set(): a function may have both.
 * Records with packet bytes are checked: each for admissibility, all the
 * records of a flow and all facts for consistency (sorted, O(n log n)).
 * @param name The chain entry's name.
 * @param relation The callbacks (copied); NULL removes the relation.
 * @param ctx Passed to the callbacks; must outlive the verifier.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (no check callback),
 *         VNFO_E_STRUCT_VERSION or VNFO_E_NOT_FOUND (no such chain entry).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_verifier_relation_set(vnfo_verifier *v, const char *name,
                                                const vnfo_relation *relation, void *ctx);

/**
 * @brief Size of ::vnfo_relation in this build (for bindings).
 * @par Thread safety: safe.
 */
VNFO_API size_t vnfo_relation_size(void);
/* Macros after the last declaration (tests/check-symbols.sh reads each
 * declaration as the text since the previous ';'). */
/** The verifier's default memory limit for the records it keeps: 4 GiB. */
#define VNFO_VERIFY_MEMORY_LIMIT_DEFAULT ((uint64_t)4 << 30)

/** Most threads vnfo_verifier_threads_set() takes. */
#define VNFO_VERIFY_THREADS_MAX 256

/** Bytes the verifier keeps per packet record (without its packet bytes). */
#define VNFO_VERIFY_RECORD_BYTES 128

#ifdef __cplusplus
}
#endif

#endif /* VNFO_VERIFY_H */
