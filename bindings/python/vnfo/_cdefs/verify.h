/* cdef of include/vnfo/verify.h, written for cffi. */
#define VNFO_REFERENCE_STATE_BYTES ...
#define VNFO_VERIFY_OPTIONS_VERSION ...
#define VNFO_E_VERIFY_MISSING_LOG ...

typedef struct vnfo_manifest vnfo_manifest;

typedef enum vnfo_reference_verdict {
    VNFO_REFERENCE_FORWARD = 0,
    VNFO_REFERENCE_DROP = 1,
    VNFO_REFERENCE_ERROR = 2
} vnfo_reference_verdict;

typedef struct vnfo_reference_resources {
    uint64_t cpu_cycles;
    uint64_t mem_bytes;
    uint32_t alerts;
    uint32_t has_state;
    uint8_t state_digest[32];
} vnfo_reference_resources;

typedef vnfo_reference_verdict (*vnfo_reference_fn)(void *ctx, const uint8_t *in, size_t in_len,
                                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                                    vnfo_reference_resources *res);

typedef struct vnfo_verify_options {
    unsigned version;
    uint32_t linktype;
    int snapshot;
    uint32_t max_examples;
    double reference_ghz;
} vnfo_verify_options;

typedef struct vnfo_verifier vnfo_verifier;

vnfo_status vnfo_verify_options_init(vnfo_verify_options *out, unsigned version);
vnfo_status vnfo_verifier_create(vnfo_verifier **out, const vnfo_manifest *manifest,
                                 const vnfo_verify_options *opts);
void vnfo_verifier_free(vnfo_verifier *v);
vnfo_status vnfo_verifier_reference_set(vnfo_verifier *v, const char *name, vnfo_reference_fn fn,
                                        void *ctx);
vnfo_status vnfo_verifier_log_add(vnfo_verifier *v, const char *name, const uint8_t *data,
                                  size_t len, const char *source);
vnfo_status vnfo_verifier_log_add_file(vnfo_verifier *v, const char *name, const char *path);
vnfo_status vnfo_verifier_foreign_log_add_file(vnfo_verifier *v, const char *path);
vnfo_status vnfo_verifier_record_add(vnfo_verifier *v, const vnfo_record *rec);
vnfo_status vnfo_verifier_bill_set(vnfo_verifier *v, const vnfo_bill *bill);
vnfo_status vnfo_verifier_run(vnfo_report **out, vnfo_verifier *v);
vnfo_status vnfo_verifier_stage_times(double *out, const vnfo_verifier *v);

/* Not libvnfo: the Python trampoline every Python reference goes through
 * (vnfo/reference.py); ctx is the handle of a vnfo.reference.Reference. */
extern "Python" vnfo_reference_verdict vnfo_py_reference(void *ctx, const uint8_t *in,
                                                         size_t in_len, uint8_t *out,
                                                         size_t out_cap, size_t *out_len,
                                                         vnfo_reference_resources *res);
