/* cdef of include/vnfo/sampler.h, written for cffi. */
#define VNFO_E_SAMPLER_HASH_UNKNOWN ...
#define VNFO_E_SAMPLER_RATE ...
#define VNFO_E_SAMPLER_RANGES ...

#define VNFO_SAMPLER_KEY_BYTES ...
#define VNFO_SAMPLER_COMMITMENT_BYTES ...
#define VNFO_SAMPLER_COMMITMENT_TEXT_SIZE ...
#define VNFO_SAMPLER_MAX_RANGES ...
#define VNFO_SAMPLER_BURST_MAX ...
#define VNFO_SAMPLER_BOB_FIXED_INITVAL ...
#define VNFO_SAMPLER_OPTIONS_VERSION ...

typedef enum vnfo_sampler_hash {
    VNFO_SAMPLER_HASH_XXH3 = 1,
    VNFO_SAMPLER_HASH_SIPHASH = 2,
    VNFO_SAMPLER_HASH_BOB = 3,
} vnfo_sampler_hash;

typedef struct vnfo_sampler_range {
    uint64_t lo;
    uint64_t hi;
} vnfo_sampler_range;

typedef struct vnfo_sampler_options {
    unsigned version;
    uint32_t hash;
    vnfo_packet_fields fields;
    vnfo_rational rate;
    const vnfo_sampler_range *ranges;
    size_t nranges;
    uint64_t epoch;
    uint32_t flags;
    uint32_t bob_initval;
} vnfo_sampler_options;

typedef struct vnfo_sampler vnfo_sampler;

typedef struct vnfo_sampler_decision {
    uint64_t hash;
    uint64_t label;
    uint64_t epoch;
    int32_t status;
    uint8_t selected;
    uint8_t reserved_[3];
} vnfo_sampler_decision;

vnfo_status vnfo_sampler_options_init(vnfo_sampler_options *out, unsigned version);
vnfo_status vnfo_sampler_create(vnfo_sampler **out, const vnfo_sampler_options *opts,
                                const uint8_t *master_key, size_t key_len);
vnfo_status vnfo_sampler_rekey(vnfo_sampler **out, const vnfo_sampler *s, uint64_t epoch);
void vnfo_sampler_free(vnfo_sampler *s);
uint64_t vnfo_sampler_epoch(const vnfo_sampler *s);
vnfo_status vnfo_sampler_probability(vnfo_rational *out, const vnfo_sampler *s);
vnfo_status vnfo_sampler_ranges(vnfo_sampler_range *out, size_t cap, size_t *out_n,
                                const vnfo_sampler *s);
vnfo_status vnfo_sampler_decide(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                const uint8_t *pkt, size_t len, uint32_t linktype,
                                uint32_t flowtag);
vnfo_status vnfo_sampler_decide_view(vnfo_sampler_decision *out, const vnfo_sampler *s,
                                     const vnfo_packet_view *v, uint32_t flowtag);
vnfo_status vnfo_sampler_decide_burst(vnfo_sampler_decision *out, size_t *out_selected,
                                      const vnfo_sampler *s, const uint8_t *const *pkts,
                                      const uint32_t *lens, const uint32_t *flowtags,
                                      size_t n, uint32_t linktype);
vnfo_status vnfo_sampler_label(uint64_t *out, const vnfo_sampler *s, const uint8_t *pkt,
                               size_t len, uint32_t linktype, uint32_t flowtag);
vnfo_status vnfo_sampler_hash_bytes(uint64_t *out, const vnfo_sampler *s,
                                    const uint8_t *data, size_t len);
uint32_t vnfo_sampler_bob(const uint8_t *data, size_t len, uint32_t initval);
vnfo_status vnfo_sampler_hash_parse(uint32_t *out, const char *name);
const char *vnfo_sampler_hash_name(uint32_t hash);
vnfo_status vnfo_sampler_rate_parse(vnfo_rational *out, const char *text);
vnfo_status vnfo_sampler_ranges_parse(vnfo_sampler_range *out, size_t cap, size_t *out_n,
                                      const char *text);
vnfo_status vnfo_sampler_key_commitment(uint8_t *out, const uint8_t *master_key, size_t len);
vnfo_status vnfo_sampler_key_commitment_format(char *out, size_t size,
                                               const uint8_t *master_key, size_t len);
vnfo_status vnfo_sampler_key_generate(uint8_t *out);
vnfo_status vnfo_sampler_key_parse(uint8_t *out, const char *hex);
vnfo_status vnfo_sampler_key_save(const uint8_t *key, const char *path);
vnfo_status vnfo_sampler_key_load(uint8_t *out, const char *path);
size_t vnfo_sampler_key_bytes(void);
size_t vnfo_sampler_commitment_bytes(void);
size_t vnfo_sampler_burst_max(void);

