# log: signed Merkle batches, writer, reader/verifier, inclusion proofs.
