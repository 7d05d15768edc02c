/* Fuzz harness of the batch and log-file decoders.  The input is read as a
 * log file (length-prefixed batches) by a reader holding the corpus key,
 * then every authentic record is decoded, and the first frame is also given
 * to the single-batch functions.  Invariants: no crash, no out-of-bounds
 * read (sanitizers), every failure carries a message, and a log that
 * verifies yields only records whose sequence numbers follow the headers. */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"
#include "fuzz_key.h"

static vnfo_public_key fuzz_public_key(void)
{
    static vnfo_public_key pk;
    static int ready;
    if (!ready) {
        vnfo_signing_key *k = NULL;
        FUZZ_ASSERT(vnfo_init() == VNFO_OK);
        FUZZ_ASSERT(vnfo_signing_key_from_seed(&k, FUZZ_SEED) == VNFO_OK);
        vnfo_signing_key_public(&pk, k);
        vnfo_signing_key_free(k);
        ready = 1;
    }
    return pk;
}

static void single_batch(const uint8_t *data, size_t size, const vnfo_public_key *pk)
{
    if (size < 4)
        return;
    const uint8_t *b = data + 4;
    size_t n = size - 4;
    vnfo_log_header h;
    if (vnfo_log_batch_verify(&h, b, n, pk, NULL) != VNFO_OK)
        FUZZ_ASSERT_MESSAGE(vnfo_error_message());
    if (vnfo_log_header_parse(&h, b, n) != VNFO_OK)
        return;
    vnfo_log_proof p;
    if (vnfo_log_proof_create(&p, b, n, 0) == VNFO_OK) {
        const uint8_t *rec;
        size_t rl;
        FUZZ_ASSERT(vnfo_log_batch_record(&rec, &rl, b, n, 0) == VNFO_OK);
        FUZZ_ASSERT(vnfo_log_proof_verify_root(&p, h.tree_hash, h.root, rec, rl) == VNFO_OK ||
                    vnfo_log_batch_verify(&h, b, n, pk, NULL) != VNFO_OK);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vnfo_public_key pk = fuzz_public_key();
    vnfo_log_reader_options o = VNFO_LOG_READER_OPTIONS_INIT;
    o.public_key = pk;
    vnfo_log_reader *r = NULL;
    FUZZ_ASSERT(vnfo_log_reader_create(&r, &o) == VNFO_OK);
    FUZZ_ASSERT(vnfo_log_reader_add_buffer(r, data, size, "fuzz") == VNFO_OK);
    vnfo_status s = vnfo_log_reader_verify(r);
    if (s != VNFO_OK)
        FUZZ_ASSERT_MESSAGE(vnfo_error_message());
    vnfo_log_cursor cur = VNFO_LOG_CURSOR_INIT;
    vnfo_record rec;
    for (int guard = 0; guard < 1 << 22; guard++) {
        s = vnfo_log_reader_next_record(&rec, r, &cur);
        if (s == VNFO_E_NOT_FOUND)
            break;
        if (s != VNFO_OK)
            FUZZ_ASSERT_MESSAGE(vnfo_error_message());
        else {
            vnfo_log_batch_info info;
            FUZZ_ASSERT(vnfo_log_reader_batch(&info, r, cur.batch) == VNFO_OK);
            FUZZ_ASSERT(rec.seq == info.header.first_seq + cur.record);
        }
    }
    vnfo_log_reader_free(r);
    single_batch(data, size, &pk);
    return 0;
}
