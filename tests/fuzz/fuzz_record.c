/* Fuzz harness of the record decoder.  Invariants: decoding never crashes
 * or reads out of bounds (the sanitizers check), a decoded record re-encodes
 * to exactly the input bytes (the encoding is canonical), it renders as
 * JSON, and the FlowTag readers of decoded records (mapping events and
 * observations, the latter parsing the kept packet bytes with every link
 * type) accept or refuse it without reading out of bounds. */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

static void flowtag_readers(const vnfo_record *rec)
{
    vnfo_flowtag_event ev;
    vnfo_status s = vnfo_flowtag_event_from_record(&ev, rec);
    FUZZ_ASSERT(s == VNFO_OK || rec->type != VNFO_RECORD_FLOWTAG_MAP);
    static const uint32_t linktypes[] = {VNFO_LINKTYPE_ETHERNET, VNFO_LINKTYPE_RAW,
                                         VNFO_LINKTYPE_LINUX_SLL, VNFO_LINKTYPE_LINUX_SLL2,
                                         VNFO_LINKTYPE_NFLOG, VNFO_LINKTYPE_NULL};
    for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++) {
        vnfo_flowtag_observation obs;
        s = vnfo_flowtag_observation_from_record(&obs, rec, linktypes[i]);
        FUZZ_ASSERT(s == VNFO_OK || rec->type != VNFO_RECORD_PACKET);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vnfo_record rec;
    if (vnfo_record_decode(&rec, data, size) != VNFO_OK) {
        FUZZ_ASSERT_MESSAGE(vnfo_error_message());
        return 0;
    }
    static uint8_t again[VNFO_RECORD_MAX_BYTES];
    size_t n = 0;
    FUZZ_ASSERT(vnfo_record_encode(again, sizeof again, &n, &rec) == VNFO_OK);
    FUZZ_ASSERT(n == size && memcmp(again, data, size) == 0);
    static char json[1 << 19];
    size_t jn;
    FUZZ_ASSERT(vnfo_record_to_json(json, sizeof json, &jn, &rec) == VNFO_OK);
    flowtag_readers(&rec);
    return 0;
}
