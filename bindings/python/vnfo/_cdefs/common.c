/* Glue compiled into the extension (not part of libvnfo): the version of the
 * headers the extension was compiled against, and an allocator that counts
 * live allocations and can fail after N of them (vnfo.testing uses it for
 * real VNFO_E_NO_MEMORY failures and leak checks; it delegates to malloc, so
 * objects made before or after it is installed stay compatible). */
#include <stdlib.h>
static const uint32_t vnfo_py_header_version = VNFO_VERSION_NUMBER;
/* Allocations left before failing (-1: never fail) and live allocations. */
static long long vnfo_py_alloc_budget = -1;
static long long vnfo_py_alloc_count = 0;
static int vnfo_py_alloc_take(void)
{
    if (vnfo_py_alloc_budget == 0)
        return 0;
    if (vnfo_py_alloc_budget > 0)
        vnfo_py_alloc_budget--;
    return 1;
}
static void *vnfo_py_alloc(void *ctx, size_t size)
{
    (void)ctx;
    void *p = vnfo_py_alloc_take() ? malloc(size) : NULL;
    vnfo_py_alloc_count += p != NULL;
    return p;
}
static void *vnfo_py_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    void *p = vnfo_py_alloc_take() ? realloc(ptr, size) : NULL;
    vnfo_py_alloc_count += p != NULL && ptr == NULL;
    return p;
}
static void vnfo_py_free(void *ctx, void *ptr)
{
    (void)ctx;
    vnfo_py_alloc_count -= ptr != NULL;
    free(ptr);
}
/* n >= 0: fail after n allocations; -1: count only; -2: restore malloc. */
static vnfo_status vnfo_py_alloc_install(long long n)
{
    static const vnfo_allocator a = {VNFO_ALLOCATOR_VERSION, vnfo_py_alloc, vnfo_py_realloc,
                                     vnfo_py_free, NULL};
    vnfo_py_alloc_budget = n < 0 ? -1 : n;
    vnfo_py_alloc_count = 0;
    return vnfo_allocator_set(n == -2 ? NULL : &a);
}
static long long vnfo_py_alloc_live(void) { return vnfo_py_alloc_count; }
/* The file the dynamic loader mapped libvnfo from (through the extension's
 * RUNPATH, LD_LIBRARY_PATH or the system paths), "" when it cannot tell:
 * vnfo.library_path() reports it, so a user sees which install is in use.
 * Python.h (included first) defines _GNU_SOURCE, which declares dladdr. */
#include <dlfcn.h>
static const char *vnfo_py_library_path(void)
{
    Dl_info info;
    if (dladdr((void *)&vnfo_version_number, &info) && info.dli_fname)
        return info.dli_fname;
    return "";
}
