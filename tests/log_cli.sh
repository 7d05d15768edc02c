#!/bin/sh
# End-to-end test of `vnfo keygen` and `vnfo log verify|dump|prove|check-proof`
# on the committed corpus (key: RFC 8032 TEST 1, see docs/FORMAT.md).
set -u
. "${top_srcdir:-..}/tests/cli_lib.sh"
corpus="$top_srcdir/tests/corpus/batch"

echo "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=" >"$tmp/ex.pub"

expect 0 "verify a valid log" "$vnfo" log verify --pub "$tmp/ex.pub" "$corpus/valid-three-batches"
contains "$tmp/out" "3 batches, 12 records, 0 faulty batches, 0 undecodable records: VALID"
contains "$tmp/out" "valid-three-batches:440: batch 1: node 1 epoch 0 seq 4..7 (4 records, 0 lost) OK"

expect 1 "verify a reordered log" "$vnfo" log verify --pub "$tmp/ex.pub" "$corpus/reordered"
contains "$tmp/out" "INVALID (first fault: VNFO_E_LOG_REORDERED)"
expect 1 "verify a log with a deleted batch" "$vnfo" log verify --pub "$tmp/ex.pub" "$corpus/deleted"
contains "$tmp/out" "VNFO_E_LOG_SEQUENCE_GAP: starts at seq 8, expected 4: 4 records missing"
expect 1 "verify a duplicated batch" "$vnfo" log verify --pub "$tmp/ex.pub" "$corpus/duplicated"
contains "$tmp/out" "VNFO_E_LOG_DUPLICATE"
expect 1 "verify a truncated log" "$vnfo" log verify --pub "$tmp/ex.pub" "$corpus/truncated"
contains "$tmp/out" "batch 2: VNFO_E_LOG_TRUNCATED: the log ends inside a batch: 386 of its 436 bytes present"
contains "$tmp/out" "batch 1: node 1 epoch 0 seq 4..7 (4 records, 0 lost) OK"
expect 1 "verify with the wrong manifest digest" "$vnfo" log verify --pub "$tmp/ex.pub" \
    --manifest-digest 0100000000000000000000000000000000000000000000000000000000000000 "$corpus/valid-one-batch"
contains "$tmp/out" "VNFO_E_LOG_MANIFEST_MISMATCH"
expect 0 "verify from the start" "$vnfo" log verify --pub "$tmp/ex.pub" --from-start --node 1 "$corpus/valid-three-batches"
dd if="$corpus/valid-three-batches" of="$tmp/headless" bs=440 skip=1 2>/dev/null
expect 0 "a log without its head verifies on its own" "$vnfo" log verify --pub "$tmp/ex.pub" "$tmp/headless"
expect 1 "... but not from the start" "$vnfo" log verify --pub "$tmp/ex.pub" --from-start "$tmp/headless"
contains "$tmp/out" "VNFO_E_LOG_SEQUENCE_GAP: starts at seq 4, expected 0"
expect 1 "verify another node" "$vnfo" log verify --pub "$tmp/ex.pub" --node 2 "$corpus/valid-one-batch"
contains "$tmp/out" "VNFO_E_LOG_NODE_MISMATCH: batch from node 1, expected node 2"
expect 3 "verify a missing file" "$vnfo" log verify --pub "$tmp/ex.pub" "$tmp/none.log"
contains "$tmp/err" "VNFO_E_NOT_FOUND"
expect 64 "verify without --pub" "$vnfo" log verify "$corpus/valid-one-batch"

expect 0 "keygen" "$vnfo" keygen --out "$tmp/node"
contains "$tmp/out" "fingerprint blake2b128:"
[ "$(stat -c %a "$tmp/node.key")" = 600 ] || { echo "FAIL: node.key mode"; fails=$((fails + 1)); }
expect 1 "keygen keeps an existing key" "$vnfo" keygen --out "$tmp/node"
expect 1 "verify under another key" "$vnfo" log verify --pub "$tmp/node.pub" "$corpus/valid-one-batch"
contains "$tmp/out" "VNFO_E_SIGNATURE_INVALID"

expect 0 "dump as JSON lines" "$vnfo" log dump --pub "$tmp/ex.pub" --jsonl "$corpus/valid-one-batch"
contains "$tmp/out" '{"type":"loss_notice","version":2,"node_id":1,"epoch":0,"seq":1,"count":3,"reason":"queue_overflow","time_ns":1700000000000004000}'
contains "$tmp/out" '"state_digest":null,"link_type":1,"wire_len":60}'
[ "$(wc -l <"$tmp/out")" -eq 2 ] || { echo "FAIL: dump line count"; fails=$((fails + 1)); }
# Version-1 records (0.1.0) still dump, as 0.1.0 rendered them.
expect 0 "dump version-1 records" "$vnfo" log dump --pub "$tmp/ex.pub" --jsonl "$corpus/valid-v1-records"
contains "$tmp/out" '{"type":"loss_notice","version":1,"node_id":1,"epoch":0,"seq":1,"count":3,"reason":"queue_overflow","time_ns":1700000000000004000}'
contains "$tmp/out" '"bytes_out":null,"state_digest":null}'
# Heartbeat and period close.
expect 0 "dump heartbeat and period close" "$vnfo" log dump --pub "$tmp/ex.pub" --jsonl "$corpus/valid-heartbeat-close"
contains "$tmp/out" '{"type":"heartbeat","version":2,"node_id":1,"epoch":0,"seq":4,"time_ns":1700000001000000000}'
contains "$tmp/out" '{"type":"period_close","version":2,"node_id":1,"epoch":0,"seq":5,"period_start_ns":1699999200000000000,"period_end_ns":1700000002000000000,"time_ns":1700000002000000000}'
# An empty file is a log of no batches (docs/FORMAT.md 5): the reader accepts
# it, and `log verify` has nothing to vouch for.
: >"$tmp/empty.log"
expect 1 "verify an empty log" "$vnfo" log verify --pub "$tmp/ex.pub" "$tmp/empty.log"
contains "$tmp/out" "0 batches, 0 records, 0 faulty batches, 0 undecodable records: INVALID (no batch)"
expect 3 "a public key that is not a regular file" "$vnfo" log verify --pub /dev/null "$tmp/empty.log"
expect 1 "dump a log with an undecodable record" "$vnfo" log dump --pub "$tmp/ex.pub" "$corpus/signed-noncanonical-record"
contains "$tmp/err" "VNFO_E_RECORD_NONCANONICAL"

expect 0 "prove seq 6" "$vnfo" log prove "$corpus/valid-three-batches" --seq 6 --pub "$tmp/ex.pub" --out "$tmp/p"
contains "$tmp/p" "leaf-index: 2"
expect 0 "check the proof" "$vnfo" log check-proof --pub "$tmp/ex.pub" "$tmp/p"
contains "$tmp/out" "VALID: record 2 of the batch of node 1 seq 4..7 (seq 6)"
sed 's/^record: dc/record: dd/' "$tmp/p" >"$tmp/p2"
expect 1 "a proof for another record" "$vnfo" log check-proof --pub "$tmp/ex.pub" "$tmp/p2"
contains "$tmp/err" "VNFO_E_LOG_PROOF_INVALID"
expect 1 "a proof under another key" "$vnfo" log check-proof --pub "$tmp/node.pub" "$tmp/p"
head -3 "$tmp/p" >"$tmp/p3"
expect 3 "an incomplete proof file" "$vnfo" log check-proof --pub "$tmp/ex.pub" "$tmp/p3"
expect 1 "prove a seq no batch holds" "$vnfo" log prove "$corpus/valid-three-batches" --seq 12

cli_finish
