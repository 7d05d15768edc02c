/* Bounds-checked msgpack cursor (see mpread.h). */
#include <string.h>

#include "mpread.h"

vnfo_status vnfo__mpread_fail(const struct mpread *r, const char *where, const char *field,
                              const char *why)
{
    return vnfo__error(VNFO_E_FLOWTAG_FORMAT, "%s: byte %zu: %s: %s", where, r->pos, field, why);
}

/* Big-endian integer of n bytes at the cursor (after the type byte). */
static int take_be(struct mpread *r, size_t n, uint64_t *out)
{
    if (r->len - r->pos < n)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | r->buf[r->pos + i];
    r->pos += n;
    *out = v;
    return 0;
}

static vnfo_status truncated(const struct mpread *r, const char *where, const char *field)
{
    return vnfo__mpread_fail(r, where, field, "truncated");
}

vnfo_status vnfo__mpread_array(struct mpread *r, uint32_t *out, const char *where,
                               const char *field)
{
    if (r->pos >= r->len)
        return truncated(r, where, field);
    uint8_t b = r->buf[r->pos];
    uint64_t n;
    size_t start = r->pos;
    if ((b & 0xF0) == 0x90) {
        n = b & 0x0F;
        r->pos++;
    } else if (b == 0xDC || b == 0xDD) {
        r->pos++;
        if (take_be(r, b == 0xDC ? 2 : 4, &n) != 0) {
            r->pos = start;
            return truncated(r, where, field);
        }
    } else {
        return vnfo__mpread_fail(r, where, field, "expected an array");
    }
    if (n > r->len - r->pos) {
        r->pos = start;
        return vnfo__mpread_fail(r, where, field, "array longer than the remaining bytes");
    }
    *out = (uint32_t)n;
    return VNFO_OK;
}

vnfo_status vnfo__mpread_uint(struct mpread *r, uint64_t *out, const char *where,
                              const char *field)
{
    if (r->pos >= r->len)
        return truncated(r, where, field);
    uint8_t b = r->buf[r->pos];
    if (b <= 0x7F) {
        r->pos++;
        *out = b;
        return VNFO_OK;
    }
    size_t n;
    switch (b) {
    case 0xCC: n = 1; break;
    case 0xCD: n = 2; break;
    case 0xCE: n = 4; break;
    case 0xCF: n = 8; break;
    default:
        return vnfo__mpread_fail(r, where, field, "expected a non-negative integer");
    }
    r->pos++;
    if (take_be(r, n, out) != 0) {
        r->pos--;
        return truncated(r, where, field);
    }
    return VNFO_OK;
}

vnfo_status vnfo__mpread_bin_exact(struct mpread *r, uint8_t *out, size_t n, const char *where,
                                   const char *field)
{
    if (r->len - r->pos < 2)
        return truncated(r, where, field);
    if (r->buf[r->pos] != 0xC4)
        return vnfo__mpread_fail(r, where, field, "expected a bin");
    if (r->buf[r->pos + 1] != n)
        return vnfo__mpread_fail(r, where, field, "address of the wrong length for its IP version");
    if (r->len - r->pos - 2 < n)
        return truncated(r, where, field);
    memcpy(out, r->buf + r->pos + 2, n);
    r->pos += 2 + n;
    return VNFO_OK;
}

vnfo_status vnfo__mpread_nil(struct mpread *r, const char *where, const char *field)
{
    if (r->pos >= r->len)
        return truncated(r, where, field);
    if (r->buf[r->pos] != 0xC0)
        return vnfo__mpread_fail(r, where, field, "expected nil");
    r->pos++;
    return VNFO_OK;
}
