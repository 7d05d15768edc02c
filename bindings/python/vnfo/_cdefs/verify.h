/* cdef of include/vnfo/verify.h, written for cffi. */
#define VNFO_REFERENCE_STATE_BYTES ...

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
    uint8_t state_digest[16];
} vnfo_reference_resources;

typedef vnfo_reference_verdict (*vnfo_reference_fn)(void *ctx, const uint8_t *in, size_t in_len,
                                                    uint8_t *out, size_t out_cap, size_t *out_len,
                                                    vnfo_reference_resources *res);

/* Not libvnfo: the Python trampoline every Python reference goes through
 * (vnfo/reference.py); ctx is the handle of a vnfo.reference.Reference. */
extern "Python" vnfo_reference_verdict vnfo_py_reference(void *ctx, const uint8_t *in,
                                                         size_t in_len, uint8_t *out,
                                                         size_t out_cap, size_t *out_len,
                                                         vnfo_reference_resources *res);
