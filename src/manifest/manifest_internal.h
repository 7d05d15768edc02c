/* Private to the manifest module: the parsed representation, the parse
 * context with its JSON path, and the helpers the parse_*.c files share. */
#ifndef VNFO_MANIFEST_INTERNAL_H
#define VNFO_MANIFEST_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include <vnfo/manifest.h>
#include <vnfo/sampler.h>

#include "internal.h"

/* ---- parsed manifest ------------------------------------------------------ */

/* Strings point into `root`, which the manifest keeps alive. */
struct mf_function {
    const char *name;
    const char *function;
    uint32_t node_id;
    vnfo_public_key key;
    vnfo_manifest_modify may_modify;
    bool may_drop;
};

/* A resource as named: the enum, plus the text ("vendor:x" for vendors). */
struct mf_resource {
    vnfo_manifest_resource kind;
    const char *name;
};

struct mf_sla {
    vnfo_manifest_metric metric;
    size_t scope; /* chain index or VNFO_MANIFEST_SCOPE_CHAIN */
    vnfo_manifest_statistic statistic;
    vnfo_manifest_slack kind;
    uint64_t slack_us;
    double ratio;
};

struct mf_bill {
    struct mf_resource resource;
    vnfo_manifest_summary summary;
    size_t scope; /* chain index or VNFO_MANIFEST_SCOPE_CHAIN */
    uint64_t max_per_packet; /* Bernstein's M; 0 when absent */
};

struct mf_minimality {
    struct mf_resource resource;
    double relative, absolute;
};

struct mf_party {
    const char *name;
    vnfo_public_key key;
};

struct vnfo_manifest {
    json_t *root;
    unsigned version;
    const char *id;
    struct mf_party party[2];

    struct mf_function *chain;
    size_t chain_count;

    struct {
        vnfo_manifest_hash hash;
        const char *key_id;
        uint8_t commitment[VNFO_MANIFEST_COMMITMENT_BYTES];
        vnfo_rational rate;
        vnfo_sampler_range *ranges; /* NULL when a rate was given; sorted */
        size_t range_count;
        vnfo_manifest_fields fields;
        vnfo_manifest_field *custom;
        size_t custom_count;
        uint32_t payload_bytes;
        uint32_t payload_offset;
        uint64_t epoch_seconds;
        bool has_bob_initval;
        uint32_t bob_initval;
    } sampling;

    struct {
        vnfo_manifest_granularity granularity;
        uint32_t batch_records;
        vnfo_manifest_tree_hash tree_hash;
        uint32_t heartbeat_ms; /* 0: absent (no heartbeats, no period close) */
    } logging;

    struct {
        bool present;
        vnfo_manifest_carrier carrier;
        unsigned bits;
    } flowtags;

    struct mf_sla *sla;
    size_t sla_count;

    struct {
        int64_t start, end;
        struct mf_bill *items;
        size_t count;
    } billing;

    struct {
        double confidence;
        uint64_t clock_skew_us;
        struct mf_minimality *minimality;
        size_t minimality_count;
    } verification;

    uint8_t digest[VNFO_MANIFEST_DIGEST_BYTES];
};

/* ---- parse context and JSON paths ------------------------------------------- */

#define MF_PATH_MAX VNFO_MANIFEST_MAX_DEPTH

struct mf_component {
    const char *key; /* NULL for an array index */
    size_t index;
};

typedef struct mf_ctx {
    const char *name; /* file name for messages */
    const char *text;
    size_t len;
    struct mf_component path[MF_PATH_MAX];
    int depth;
    vnfo_manifest *m;
} mf_ctx;

/* Path stack: the parse functions push the key or index they descend into
 * and pop it on success; on failure the context is dropped, so the path at
 * the failure is the place of the offending value. */
void mf_push_key(mf_ctx *c, const char *key);
void mf_push_index(mf_ctx *c, size_t index);
void mf_pop(mf_ctx *c);

/* Records "name:line:col: path: message" (the position of the value at the
 * current path, or of its key when at_key) and the thread-local position. */
vnfo_status mf_fail(mf_ctx *c, vnfo_status status, const char *fmt, ...) VNFO_PRINTF(3, 4);
vnfo_status mf_fail_key(mf_ctx *c, vnfo_status status, const char *fmt, ...) VNFO_PRINTF(3, 4);
/* Error without a JSON path (syntax errors, limits found by scanning). */
vnfo_status mf_fail_at(mf_ctx *c, vnfo_status status, unsigned long line, unsigned long column,
                       const char *fmt, ...) VNFO_PRINTF(5, 6);
/* Clears the thread-local position at the start of a parse. */
void mf_error_reset(void);

/* Quotes untrusted text for a message: escapes, cut at 40 bytes. */
#define MF_QUOTE_SIZE 256
void mf_quote(char *out, size_t size, const char *s);

/* Renders a path ("chain[1].node_id", "$" for the top level). */
void mf_path_format(char *out, size_t size, const struct mf_component *path, int depth);

/* ---- locating values in the text (locate.c) --------------------------------- */

/* Byte offset of the value at `path` in valid JSON text (or of its key when
 * at_key and the last component is a key); 0 when not found. */
size_t mf_locate(const char *text, size_t len, const struct mf_component *path, int depth,
                 bool at_key);
/* 1-based line and character column of a byte offset. */
void mf_line_column(const char *text, size_t offset, unsigned long *line, unsigned long *column);
/* Checks the nesting depth of valid JSON text; on excess gives the offset of
 * the first bracket that is too deep. */
bool mf_depth_ok(const char *text, size_t len, int max_depth, size_t *out_offset);

/* ---- suggestions (suggest.c) -------------------------------------------------- */

/* The candidate closest to `word` by edit distance, or NULL when none is
 * close enough to be a plausible typo. */
const char *mf_suggest(const char *word, const char *const *candidates);
/* Writes the candidates as "a, b, c". */
void mf_join(char *out, size_t size, const char *const *candidates);

/* ---- names (names.c) ---------------------------------------------------------- */

/* NULL-terminated tables indexed by enum value. */
extern const char *const mf_modify_names[];
extern const char *const mf_hash_names[];
extern const char *const mf_fields_names[];
extern const char *const mf_field_names[];
extern const char *const mf_granularity_names[];
extern const char *const mf_tree_hash_names[];
extern const char *const mf_carrier_names[];
extern const char *const mf_metric_names[];
extern const char *const mf_statistic_names[];
extern const char *const mf_resource_names[]; /* without the vendor form */
extern const char *const mf_summary_names[];
/* Maximum tag bits per carrier. */
extern const unsigned mf_carrier_max_bits[];

/* ---- typed readers (values.c) ----------------------------------------------- */

/* Each reader looks up `key` in `obj`.  A missing required key fails at the
 * object; a present value is checked with the key pushed on the path.
 * Optional readers leave *out untouched and set *found (if non-NULL). */
vnfo_status mf_keys_check(mf_ctx *c, json_t *obj, const char *const *known);
vnfo_status mf_object(mf_ctx *c, json_t *parent, const char *key, bool required, json_t **out);
vnfo_status mf_array(mf_ctx *c, json_t *parent, const char *key, size_t min, size_t max,
                     json_t **out);
/* mf_array() plus a zeroed array of one item per element (freed with the
 * manifest by its owner), so every list is parsed into storage of its size. */
vnfo_status mf_array_items(mf_ctx *c, json_t *parent, const char *key, size_t min, size_t max,
                           size_t item_size, json_t **out_arr, void **out_items, size_t *out_n);
vnfo_status mf_string(mf_ctx *c, json_t *obj, const char *key, const char **out);
vnfo_status mf_identifier(mf_ctx *c, json_t *obj, const char *key, const char **out);
vnfo_status mf_uint(mf_ctx *c, json_t *obj, const char *key, bool required, uint64_t min,
                    uint64_t max, uint64_t *out);
vnfo_status mf_bool(mf_ctx *c, json_t *obj, const char *key, bool *out);
vnfo_status mf_number(mf_ctx *c, json_t *obj, const char *key, bool *found, double *out);
vnfo_status mf_enum(mf_ctx *c, json_t *obj, const char *key, const char *what,
                    const char *const *names, int *out);
/* The same on a value at the current path (array elements). */
vnfo_status mf_enum_value(mf_ctx *c, json_t *v, const char *what, const char *const *names,
                          int *out);
/* "expected <what>, found <type of v>" at the current path. */
vnfo_status mf_type_error(mf_ctx *c, const char *expected, const json_t *v);
vnfo_status mf_public_key(mf_ctx *c, json_t *obj, const char *key, vnfo_public_key *out);
vnfo_status mf_resource_parse(mf_ctx *c, const char *text, bool at_key, struct mf_resource *out);
vnfo_status mf_function_ref(mf_ctx *c, const char *name, size_t *out);
/* Checks that the value at the current path is an object with known keys. */
vnfo_status mf_expect_object(mf_ctx *c, json_t *v, const char *const *known);

/* ---- text forms (text.c) ------------------------------------------------------ */

/* "N/D" with decimal digits, den > 0; reduced.  0 when malformed. */
bool mf_rational_parse(const char *text, vnfo_rational *out);
/* "YYYY-MM-DDTHH:MM:SSZ" to Unix seconds.  0 when malformed. */
bool mf_timestamp_parse(const char *text, int64_t *out);
/* "0x" hex (1-16 digits) to an integer.  0 when malformed. */
bool mf_hex_u64_parse(const char *text, uint64_t *out);

/* ---- sections (parse_*.c) -------------------------------------------------- */

vnfo_status mf_parse_parties(mf_ctx *c, json_t *root);
vnfo_status mf_parse_chain(mf_ctx *c, json_t *root);
vnfo_status mf_parse_sampling(mf_ctx *c, json_t *root);
vnfo_status mf_parse_logging(mf_ctx *c, json_t *root);
vnfo_status mf_parse_flowtags(mf_ctx *c, json_t *root);
vnfo_status mf_parse_sla(mf_ctx *c, json_t *root);
vnfo_status mf_parse_billing(mf_ctx *c, json_t *root);
vnfo_status mf_parse_verification(mf_ctx *c, json_t *root);

/* ---- digest (digest.c) ---------------------------------------------------------- */

vnfo_status mf_digest(vnfo_manifest *m);
/* "blake2b:<64 hex>" plus NUL (the one spelling of a digest; readers also
 * take the 0.1.0 spelling "blake2b256:<64 hex>"). */
#define MF_DIGEST_TEXT_SIZE (11 + 2 * VNFO_MANIFEST_DIGEST_BYTES + 1)
void mf_digest_text(char out[MF_DIGEST_TEXT_SIZE], const uint8_t *digest);

#define MF_TRY(expr)                                                                                \
    do {                                                                                            \
        vnfo_status mf_s_ = (expr);                                                                 \
        if (mf_s_ != VNFO_OK)                                                                       \
            return mf_s_;                                                                           \
    } while (0)

#endif /* VNFO_MANIFEST_INTERNAL_H */
