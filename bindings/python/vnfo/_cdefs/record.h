/* cdef of include/vnfo/record.h, written for cffi. */
#define VNFO_E_RECORD_MALFORMED ...
#define VNFO_E_RECORD_NONCANONICAL ...
#define VNFO_E_RECORD_UNKNOWN_TYPE ...

#define VNFO_RECORD_FORMAT_VERSION ...
#define VNFO_RECORD_FORMAT_VERSION_MIN ...
#define VNFO_RECORD_MAX_LINK_TYPE ...
#define VNFO_RECORD_DIGEST_BYTES ...
#define VNFO_RECORD_STATE_DIGEST_BYTES ...
#define VNFO_RECORD_MAX_COUNTERS ...
#define VNFO_RECORD_MAX_COUNTER_NAME ...
#define VNFO_RECORD_HEADER_BYTES ...
#define VNFO_RECORD_MAX_PACKET_BYTES ...
#define VNFO_RECORD_MAX_COMMITMENT ...
#define VNFO_RECORD_MAX_BYTES ...

typedef enum vnfo_record_type {
    VNFO_RECORD_PACKET = 1,
    VNFO_RECORD_FLOWTAG_MAP = 2,
    VNFO_RECORD_LOSS_NOTICE = 3,
    VNFO_RECORD_EPOCH_START = 4,
    VNFO_RECORD_HEARTBEAT = 5,
    VNFO_RECORD_PERIOD_CLOSE = 6,
} vnfo_record_type;

typedef enum vnfo_record_verdict {
    VNFO_VERDICT_FORWARDED = 0,
    VNFO_VERDICT_DROPPED = 1,
    VNFO_VERDICT_GENERATED = 2,
} vnfo_record_verdict;

typedef enum vnfo_record_granularity {
    VNFO_GRANULARITY_DIGEST = 0,
    VNFO_GRANULARITY_HEADERS = 1,
    VNFO_GRANULARITY_FULL = 2,
} vnfo_record_granularity;

typedef enum vnfo_record_loss_reason {
    VNFO_LOSS_UNSPECIFIED = 0,
    VNFO_LOSS_QUEUE_OVERFLOW = 1,
    VNFO_LOSS_SINK_FAILURE = 2,
    VNFO_LOSS_RESTART = 3,
    VNFO_LOSS_RATE_LIMIT = 4,
} vnfo_record_loss_reason;

typedef struct vnfo_record_counter {
    const char *name;
    size_t name_len;
    uint64_t value;
} vnfo_record_counter;

typedef struct vnfo_record_packet {
    uint32_t hop;
    uint64_t label;
    uint32_t flowtag;
    uint8_t digest_in[16];
    uint8_t digest_out[16];
    vnfo_record_verdict verdict;
    uint64_t t_in_ns;
    uint64_t t_out_ns;
    uint64_t cpu_cycles;
    uint64_t mem_bytes;
    size_t n_counters;
    vnfo_record_counter counters[16];
    vnfo_record_granularity granularity;
    const uint8_t *bytes_in;
    size_t bytes_in_len;
    const uint8_t *bytes_out;
    size_t bytes_out_len;
    int has_state_digest;
    uint8_t state_digest[32];
    int has_link_type;
    uint32_t link_type;
    uint32_t wire_len;
} vnfo_record_packet;

typedef struct vnfo_record_flowtag_map {
    uint32_t tag;
    uint32_t tagging_node;
    uint32_t service_path;
    uint64_t time_ns;
    vnfo_flow_key original;
    vnfo_flow_key rewritten;
} vnfo_record_flowtag_map;

typedef struct vnfo_record_loss_notice {
    uint64_t count;
    vnfo_record_loss_reason reason;
    uint64_t time_ns;
} vnfo_record_loss_notice;

typedef struct vnfo_record_epoch_start {
    uint64_t time_ns;
    size_t commitment_len;
    const uint8_t *commitment;
} vnfo_record_epoch_start;

typedef struct vnfo_record_heartbeat {
    uint64_t time_ns;
} vnfo_record_heartbeat;

typedef struct vnfo_record_period_close {
    uint64_t period_start_ns;
    uint64_t period_end_ns;
    uint64_t time_ns;
} vnfo_record_period_close;

typedef struct vnfo_record {
    uint32_t format_version;
    vnfo_record_type type;
    uint32_t node_id;
    uint64_t epoch;
    uint64_t seq;
    union {
        vnfo_record_packet packet;
        vnfo_record_flowtag_map flowtag_map;
        vnfo_record_loss_notice loss_notice;
        vnfo_record_epoch_start epoch_start;
        vnfo_record_heartbeat heartbeat;
        vnfo_record_period_close period_close;
        uint8_t reserved_[640];
    } u;
} vnfo_record;

size_t vnfo_record_max_bytes(void);
size_t vnfo_record_digest_bytes(void);
size_t vnfo_record_struct_size(void);
vnfo_status vnfo_record_init(vnfo_record *out, vnfo_record_type type);
vnfo_status vnfo_record_encoded_size(size_t *out, const vnfo_record *rec);
vnfo_status vnfo_record_encode(uint8_t *out, size_t size, size_t *written, const vnfo_record *rec);
vnfo_status vnfo_record_decode(vnfo_record *out, const uint8_t *data, size_t len);
const char *vnfo_record_type_name(vnfo_record_type type);
const char *vnfo_record_verdict_name(vnfo_record_verdict verdict);
const char *vnfo_record_granularity_name(vnfo_record_granularity granularity);
const char *vnfo_record_loss_reason_name(vnfo_record_loss_reason reason);
vnfo_status vnfo_record_granularity_parse(vnfo_record_granularity *out, const char *name);
vnfo_status vnfo_record_to_json(char *out, size_t size, size_t *written, const vnfo_record *rec);
