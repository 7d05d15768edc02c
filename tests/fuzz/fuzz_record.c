/* Fuzz harness of the record decoder.  Invariants: decoding never crashes
 * or reads out of bounds (the sanitizers check), a decoded record re-encodes
 * to exactly the input bytes (the encoding is canonical), and it renders as
 * JSON. */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vnfo_record rec;
    if (vnfo_record_decode(&rec, data, size) != VNFO_OK) {
        FUZZ_ASSERT(vnfo_error_message()[0] != '\0');
        return 0;
    }
    static uint8_t again[VNFO_RECORD_MAX_BYTES];
    size_t n = 0;
    FUZZ_ASSERT(vnfo_record_encode(again, sizeof again, &n, &rec) == VNFO_OK);
    FUZZ_ASSERT(n == size && memcmp(again, data, size) == 0);
    static char json[1 << 19];
    size_t jn;
    FUZZ_ASSERT(vnfo_record_to_json(json, sizeof json, &jn, &rec) == VNFO_OK);
    return 0;
}
