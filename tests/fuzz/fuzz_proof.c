/* Fuzz target for inclusion proofs (docs/FORMAT.md, 3.1): the input fills a
 * vnfo_log_proof field by field (signed header, leaf index, tree size, path
 * length, path) and the rest is the record; vnfo_log_proof_check() under the
 * corpus key and vnfo_log_proof_verify_root() must refuse or accept without
 * reading out of bounds, whatever the lengths claim.  Replayed by make check
 * over tests/corpus/proof (tests/replay_proof). */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"
#include "fuzz_key.h"

static size_t take(void *out, size_t n, const uint8_t **p, size_t *left)
{
    size_t k = n < *left ? n : *left;
    memset(out, 0, n);
    memcpy(out, *p, k);
    *p += k;
    *left -= k;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static vnfo_log_proof proof;
    static vnfo_public_key pk;
    static int ready;
    if (!ready) {
        vnfo_signing_key *k;
        FUZZ_ASSERT(vnfo_init() == VNFO_OK);
        FUZZ_ASSERT(vnfo_signing_key_from_seed(&k, FUZZ_SEED) == VNFO_OK);
        FUZZ_ASSERT(vnfo_signing_key_public(&pk, k) == VNFO_OK);
        vnfo_signing_key_free(k);
        ready = 1;
    }
    const uint8_t *p = data;
    size_t left = size;
    take(proof.signed_header, sizeof proof.signed_header, &p, &left);
    take(&proof.leaf_index, sizeof proof.leaf_index, &p, &left);
    take(&proof.tree_size, sizeof proof.tree_size, &p, &left);
    take(&proof.path_len, sizeof proof.path_len, &p, &left);
    /* the path: as many hashes as the input holds, up to the array */
    memset(proof.path, 0, sizeof proof.path);
    size_t hashes = left / VNFO_LOG_HASH_BYTES / 2;
    if (hashes > VNFO_LOG_MAX_PROOF_DEPTH)
        hashes = VNFO_LOG_MAX_PROOF_DEPTH;
    take(proof.path, hashes * VNFO_LOG_HASH_BYTES, &p, &left);
    vnfo_status s = vnfo_log_proof_check(&proof, &pk, p, left);
    FUZZ_ASSERT(s != VNFO_OK || proof.path_len <= VNFO_LOG_MAX_PROOF_DEPTH);
    uint8_t root[VNFO_LOG_HASH_BYTES] = {0};
    (void)vnfo_log_proof_verify_root(&proof, VNFO_LOG_TREE_BLAKE2B_256, root, p, left);
    (void)vnfo_log_proof_verify_root(&proof, VNFO_LOG_TREE_SHA256, root, p, left);
    return 0;
}
