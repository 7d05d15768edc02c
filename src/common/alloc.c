/* Allocation through a replaceable hook (vnfo_allocator_set). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "internal.h"

static void *default_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *default_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void default_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static vnfo_allocator current = {
    VNFO_ALLOCATOR_VERSION, default_alloc, default_realloc, default_free, NULL,
};

vnfo_status vnfo_allocator_set(const vnfo_allocator *allocator)
{
    if (!allocator) {
        current = (vnfo_allocator){VNFO_ALLOCATOR_VERSION, default_alloc, default_realloc,
                                   default_free, NULL};
        return VNFO_OK;
    }
    if (allocator->version != VNFO_ALLOCATOR_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_allocator_set: version %u, expected %u",
                           allocator->version, VNFO_ALLOCATOR_VERSION);
    if (!allocator->alloc || !allocator->realloc || !allocator->free)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_allocator_set: alloc, realloc and free must all be set");
    current = *allocator;
    return VNFO_OK;
}

int vnfo__allocator_is_default(void)
{
    return current.alloc == default_alloc && current.realloc == default_realloc &&
           current.free == default_free;
}

void *vnfo__malloc(size_t size)
{
    return current.alloc(current.ctx, size ? size : 1);
}

void *vnfo__calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = vnfo__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *vnfo__realloc(void *ptr, size_t size)
{
    return current.realloc(current.ctx, ptr, size ? size : 1);
}

void *vnfo__reallocarray(void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return vnfo__realloc(ptr, n * size);
}

void vnfo__free(void *ptr)
{
    if (ptr)
        current.free(current.ctx, ptr);
}

char *vnfo__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = vnfo__malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

vnfo_status vnfo__options_init(void *out, size_t size, const void *defaults, unsigned version,
                               unsigned known, const char *fn)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: out is NULL", fn);
    if (version != known)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "%s: version %u, expected %u", fn, version, known);
    memcpy(out, defaults, size);
    return VNFO_OK;
}

/* Large tables written once, in full, right after they are allocated (the
 * verifier's sort keys and sorted copy of its records): with 4 KiB pages a
 * fifth of the verifier's CPU time went to page faults.  (Not for a table
 * grown by realloc: moving huge pages cost more than it saved.)  Asking for transparent
 * huge pages (where the system leaves it to madvise) takes one fault per
 * 2 MiB instead.  Only for the C library's malloc: a caller's allocator
 * keeps its memory as it likes.  A hint: it changes no content, and a
 * refusal changes nothing. */
void vnfo__memory_advise_large(void *p, size_t len)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    enum { PAGE = 4096, LARGE = 4u << 20 };
    if (!p || len < LARGE || current.alloc != default_alloc)
        return;
    uintptr_t a = ((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t b = ((uintptr_t)p + len) & ~(uintptr_t)(PAGE - 1);
    if (b > a)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)len;
#endif
}
