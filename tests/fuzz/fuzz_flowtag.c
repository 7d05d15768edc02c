/* Fuzz target: vnfo_flowtag_table_deserialize() on arbitrary bytes.  It must
 * never crash or leak, and whatever it accepts must behave as a table:
 * re-encoding gives the same bytes back (the encoding is canonical for the
 * fields a table keeps), every listed tag resolves, and generate/expire keep
 * working on it. */
#include <stdlib.h>
#include <string.h>

#include <vnfo/flowtag.h>

#include "fuzz.h"

static void exercise(vnfo_flowtag_table *t)
{
    vnfo_flowtag_options o;
    vnfo_flowtag_stats st;
    FUZZ_ASSERT(vnfo_flowtag_table_options(&o, t) == VNFO_OK);
    FUZZ_ASSERT(vnfo_flowtag_table_stats(&st, t) == VNFO_OK);
    FUZZ_ASSERT(st.live <= st.capacity && st.ipv6_live <= st.ipv6_capacity);
    vnfo_flow_key k;
    memset(&k, 0, sizeof k);
    k.ip_version = 4;
    k.proto = 6;
    k.src[0] = 10;
    vnfo_flowtag_event ev, evs[4];
    vnfo_status s = vnfo_flowtag_generate(&ev, t, &k, &k, 1, 1, UINT64_MAX / 2);
    FUZZ_ASSERT(s == VNFO_OK || s == VNFO_E_FLOWTAG_FULL);
    if (s == VNFO_OK) {
        vnfo_flowtag_context c;
        FUZZ_ASSERT(vnfo_flowtag_consume(&c, t, ev.context.tag) == VNFO_OK);
        FUZZ_ASSERT(memcmp(&c.original, &k, sizeof k) == 0);
    }
    size_t n;
    FUZZ_ASSERT(vnfo_flowtag_table_expire(evs, &n, 4, t, UINT64_MAX) == VNFO_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vnfo_flowtag_table *t;
    if (vnfo_flowtag_table_deserialize(&t, data, size) != VNFO_OK)
        return 0;
    size_t len;
    FUZZ_ASSERT(vnfo_flowtag_table_serialized_size(&len, t) == VNFO_OK);
    uint8_t *again = malloc(len ? len : 1);
    FUZZ_ASSERT(again && vnfo_flowtag_table_serialize(again, len, &len, t) == VNFO_OK);
    vnfo_flowtag_table *t2;
    FUZZ_ASSERT(vnfo_flowtag_table_deserialize(&t2, again, len) == VNFO_OK);
    size_t len2;
    FUZZ_ASSERT(vnfo_flowtag_table_serialized_size(&len2, t2) == VNFO_OK);
    uint8_t *third = malloc(len2 ? len2 : 1);
    FUZZ_ASSERT(third && vnfo_flowtag_table_serialize(third, len2, &len2, t2) == VNFO_OK);
    FUZZ_ASSERT(len2 == len && memcmp(again, third, len) == 0);
    free(third);
    free(again);
    vnfo_flowtag_table_free(t2);
    exercise(t);
    vnfo_flowtag_table_free(t);
    return 0;
}
