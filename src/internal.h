/* Internal helpers shared by several modules.  Never installed; nothing here
 * is exported (the library is built with -fvisibility=hidden). */
#ifndef VNFO_INTERNAL_H
#define VNFO_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/common.h>

#if defined(__GNUC__)
#define VNFO_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define VNFO_LIKELY(x) __builtin_expect(!!(x), 1)
#define VNFO_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define VNFO_PRINTF(fmt, args)
#define VNFO_LIKELY(x) (x)
#define VNFO_UNLIKELY(x) (x)
#endif

/* Allocation through the hook set by vnfo_allocator_set().  vnfo__calloc and
 * vnfo__reallocarray check n * size for overflow. */
void *vnfo__malloc(size_t size);
void *vnfo__calloc(size_t n, size_t size);
void *vnfo__realloc(void *ptr, size_t size);
void *vnfo__reallocarray(void *ptr, size_t n, size_t size);
void vnfo__free(void *ptr);
/* Whether no allocator was set with vnfo_allocator_set(): only then may
 * worker threads allocate (they never call a user's hooks). */
int vnfo__allocator_is_default(void);
char *vnfo__strdup(const char *s);
/* Asks for huge pages for a large block just allocated (a hint; see alloc.c). */
void vnfo__memory_advise_large(void *p, size_t len);

/* Records status and a formatted message as the calling thread's last error
 * and returns status, so a failing path reads
 *     return vnfo__error(VNFO_E_IO, "%s: %s", path, strerror(errno));
 * Never pass secrets to it. */
vnfo_status vnfo__error(vnfo_status status, const char *fmt, ...) VNFO_PRINTF(2, 3);
vnfo_status vnfo__verror(vnfo_status status, const char *fmt, va_list ap);

struct stat;
/* Opens a file for reading without ever blocking: O_NONBLOCK for the open
 * (a FIFO would wait for a writer), fstat, VNFO_E_NOT_REGULAR_FILE naming the
 * path for anything but a regular file, then blocking reads again.  *st is
 * the open file's status.  Every reader of files goes through this. */
vnfo_status vnfo__file_open(int *out_fd, struct stat *st, const char *path);

/* Reads a whole regular file of at most max_size bytes into a new buffer
 * (freed with vnfo__free) that is NUL-terminated one past *out_len.
 * VNFO_E_NOT_FOUND, VNFO_E_IO or VNFO_E_LIMIT_EXCEEDED name the path. */
vnfo_status vnfo__file_read(const char *path, size_t max_size, uint8_t **out, size_t *out_len);

/* vnfo__file_read for a file holding a secret: VNFO_E_KEY_PERMISSIONS, with
 * "<path>: <what> file has mode 644; ...", when group or others have any access to it.
 * The caller wipes the buffer (sodium_memzero) before freeing it. */
vnfo_status vnfo__secret_file_read(const char *path, size_t max_size, const char *what,
                                   uint8_t **out, size_t *out_len);

/* Length of a one-line text file's content: without a final "\n" or "\r\n". */
size_t vnfo__text_line_length(const char *text, size_t len);

/* Writes (creating or replacing) a regular file with the given mode bits;
 * anything else (a FIFO, a device, a folder) is VNFO_E_NOT_REGULAR_FILE. */
vnfo_status vnfo__file_write(const char *path, const void *data, size_t len, unsigned mode);

/* The body of every vnfo_<thing>_options_init(out, version): checks out and
 * version (`known` is the struct's _VERSION) and copies the defaults (its
 * _INIT initialiser).  fn names the public function in messages. */
vnfo_status vnfo__options_init(void *out, size_t size, const void *defaults, unsigned version,
                               unsigned known, const char *fn);

/* Escapes up to max_bytes of untrusted text (len bytes; NULs included) for a
 * message, as JSON would: \" \\ \u00XX for control bytes, \xXX for bytes that
 * are not UTF-8 (and C1 controls); "..." when cut.  out always ends in NUL.
 * Everything from the input that goes into a message goes through this. */
#define VNFO_QUOTE_SIZE 256
void vnfo__quote(char *out, size_t size, const char *text, size_t len, size_t max_bytes);

/* A name from outside (a file path, a source or document name) escaped as
 * vnfo__quote() does, for a message: vnfo__error(s, "%s: ...",
 * vnfo__shown(path).s).  Returned by value, so it lives until the end of
 * the full expression; a name longer than the buffer keeps its start and
 * ends in "...".  NULL reads as "". */
typedef struct vnfo__shown_name {
    char s[VNFO_QUOTE_SIZE];
} vnfo__shown_name;
vnfo__shown_name vnfo__shown(const char *name);

/* Length of the valid UTF-8 sequence at p (at most n bytes, p[0] >= 0x80);
 * 0 when it is invalid, overlong, a surrogate or a C1 control. */
size_t vnfo__utf8_length(const unsigned char *p, size_t n);

/* The UTF-8 bytes of code point cp (at most 0x10ffff) in out; returns how
 * many (1 to 4).  Shared by the JSON readers that decode \u escapes. */
size_t vnfo__utf8_put(unsigned char out[4], unsigned cp);

/* qsort, bsearch, memcpy and memset for arrays that may be empty: the C
 * library functions declare their pointers non-null even for zero elements,
 * and an empty array's pointer is often NULL (UBSan stops there).  Use these
 * wherever the count can be 0. */
static inline void vnfo__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* Ascending order of n uint64_t, in place, without allocating: an introsort
 * with the comparison inlined (src/common/sort.c); O(n log n) whatever the
 * values.  The same result as vnfo__sort() with a uint64_t comparison. */
void vnfo__sort_u64(uint64_t *x, size_t n);

static inline void *vnfo__search(const void *key, const void *base, size_t n, size_t size,
                                 int (*cmp)(const void *, const void *))
{
    return n ? bsearch(key, base, n, size, cmp) : NULL;
}

static inline void vnfo__copy(void *dst, const void *src, size_t n)
{
    if (n)
        memcpy(dst, src, n);
}

/* Whether vnfo_init() has succeeded. */
int vnfo__initialized(void);

/* vnfo_sampler_decide() for callers inside the library that pass valid
 * arguments (src/sampler/decide.c). */
struct vnfo_sampler;
struct vnfo_sampler_decision;
vnfo_status vnfo__sampler_decide(struct vnfo_sampler_decision *out, const struct vnfo_sampler *s,
                                 const uint8_t *pkt, size_t len, uint32_t linktype, uint32_t flowtag);

#endif /* VNFO_INTERNAL_H */
