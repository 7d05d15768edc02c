/* cdef of include/vnfo/common.h (and version.h), written for cffi: no macros
 * other than cffi's "#define NAME ..." constants, no attributes.  Status
 * codes are constants so that each module's cdef declares its own block. */
typedef int... vnfo_status;
#define VNFO_OK ...
#define VNFO_E_INVALID_ARGUMENT ...
#define VNFO_E_NO_MEMORY ...
#define VNFO_E_BUFFER_TOO_SMALL ...
#define VNFO_E_IO ...
#define VNFO_E_NOT_FOUND ...
#define VNFO_E_UNSUPPORTED_VERSION ...
#define VNFO_E_LIMIT_EXCEEDED ...
#define VNFO_E_CRYPTO ...
#define VNFO_E_STRUCT_VERSION ...
#define VNFO_E_OVERFLOW ...
#define VNFO_E_NOT_INITIALIZED ...
#define VNFO_E_NOT_REGULAR_FILE ...

#define VNFO_VERSION_MAJOR ...
#define VNFO_VERSION_MINOR ...
#define VNFO_VERSION_PATCH ...

const char *vnfo_strerror(vnfo_status status);
const char *vnfo_status_name(vnfo_status status);
const char *vnfo_error_message(void);
vnfo_status vnfo_error_status(void);
void vnfo_error_clear(void);
vnfo_status vnfo_init(void);
const char *vnfo_version_string(void);
uint32_t vnfo_version_number(void);

typedef struct vnfo_rational {
    uint64_t num;
    uint64_t den;
} vnfo_rational;

typedef struct vnfo_flow_key {
    uint8_t ip_version;
    uint8_t proto;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t src[16];
    uint8_t dst[16];
} vnfo_flow_key;

double vnfo_rational_to_double(vnfo_rational r);

#define VNFO_ALLOCATOR_VERSION ...
typedef struct vnfo_allocator {
    unsigned version;
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} vnfo_allocator;
vnfo_status vnfo_allocator_set(const vnfo_allocator *allocator);
vnfo_status vnfo_file_open(int *out_fd, const char *path);

