/* cdef of include/vnfo/bill.h, written for cffi.  Its status codes are in
 * verify.h (the verify and report block of common.h). */

#define VNFO_BILL_FORMAT_VERSION ...
#define VNFO_BILL_MAX_BYTES ...
#define VNFO_BILL_MAX_FUNCTIONS ...

typedef struct vnfo_bill vnfo_bill;

unsigned vnfo_bill_format_version(void);
int vnfo_bill_resource_known(const char *name);
vnfo_status vnfo_bill_parse(vnfo_bill **out, const char *text, size_t len, const char *name);
vnfo_status vnfo_bill_load(vnfo_bill **out, const char *path);
void vnfo_bill_free(vnfo_bill *bill);
const char *vnfo_bill_manifest_id(const vnfo_bill *bill);
const char *vnfo_bill_provider(const vnfo_bill *bill);
vnfo_status vnfo_bill_period(int64_t *out_start, int64_t *out_end, const vnfo_bill *bill);
vnfo_status vnfo_bill_total(uint64_t *out, const vnfo_bill *bill, const char *function,
                            const char *resource);
size_t vnfo_bill_resource_count(const vnfo_bill *bill, const char *function);
const char *vnfo_bill_resource_at(const vnfo_bill *bill, const char *function, size_t index);
size_t vnfo_bill_function_count(const vnfo_bill *bill);
const char *vnfo_bill_function_at(const vnfo_bill *bill, size_t index);
