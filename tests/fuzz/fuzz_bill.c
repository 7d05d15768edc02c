/* Fuzz target for the bill parser (docs/bill.md).  Every input either parses
 * (and then every accessor answers) or fails with a positioned message in
 * which nothing from the input appears unescaped: no control byte, however
 * the input spells it, reaches the message.  Replayed by make check over
 * tests/corpus/bill (tests/replay_bill). */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vnfo_bill *b = NULL;
    vnfo_status s = vnfo_bill_parse(&b, (const char *)data, size, "bill.json");
    if (s != VNFO_OK) {
        FUZZ_ASSERT(b == NULL);
        const char *msg = vnfo_error_message();
        FUZZ_ASSERT(strncmp(msg, "bill.json:", 10) == 0 || s == VNFO_E_LIMIT_EXCEEDED);
        FUZZ_ASSERT_MESSAGE(msg);
        return 0;
    }
    int64_t start, end;
    FUZZ_ASSERT(vnfo_bill_period(&start, &end, b) == VNFO_OK && start < end);
    (void)vnfo_bill_manifest_id(b);
    (void)vnfo_bill_provider(b);
    for (size_t f = 0; f <= vnfo_bill_function_count(b); f++) {
        const char *fn = f ? vnfo_bill_function_at(b, f - 1) : NULL;
        for (size_t i = 0; i < vnfo_bill_resource_count(b, fn); i++) {
            uint64_t v;
            const char *res = vnfo_bill_resource_at(b, fn, i);
            FUZZ_ASSERT(res && vnfo_bill_resource_known(res));
            FUZZ_ASSERT(vnfo_bill_total(&v, b, fn, res) == VNFO_OK);
        }
    }
    vnfo_bill_free(b);
    return 0;
}
