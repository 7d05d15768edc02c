import struct

import numpy as np
import pandas as pd
import pytest

import vnfo
from vnfo import log as L

KEY = vnfo.SigningKey.from_seed(bytes(range(32)))
DIGEST = bytes(range(32))


def records(n, hop=0):
    return [vnfo.PacketRecord(hop=hop, label=1000 + i, t_in_ns=10_000 * i,
                              t_out_ns=10_000 * i + 500 + i, cpu_cycles=2000 + i,
                              mem_bytes=4096, digest_in=bytes([i % 256]) * 16,
                              digest_out=bytes([i % 256]) * 16, counters={"rules": i})
            for i in range(n)]


def write_log(path, n=10, batch=4, **opts):
    clock = iter(range(1_000_000, 2_000_000, 1000))
    with vnfo.LogWriter.to_file(path, KEY, node_id=7, manifest_digest=DIGEST,
                                batch_records=batch, clock=lambda: next(clock), **opts) as w:
        for r in records(n):
            w.append(r)
        assert w.next_seq == n
    return path


def split_batches(data):
    out, off = [], 0
    while off < len(data):
        (n,) = struct.unpack(">I", data[off:off + 4])
        out.append((off, data[off + 4:off + 4 + n]))
        off += 4 + n
    return out


def test_write_then_read_verify_and_iterate(tmp_path):
    path = write_log(tmp_path / "fw.log", n=10, batch=4)
    log = vnfo.open_log(path, KEY.public_key, manifest_digest=DIGEST, node_id=7)
    assert log.ok and len(log) == 3 and log.faults == []
    hdr = log.batch(1).header
    assert (hdr.node_id, hdr.first_seq, hdr.record_count, hdr.tree_hash) == (7, 4, 4, "blake2b-256")
    assert hdr.prev_hash == log.batch(0).hash and hdr.manifest_digest == DIGEST
    assert hdr.created_ns == 1_001_000
    recs = list(log.records())
    assert [r.seq for r in recs] == list(range(10)) and all(r.node_id == 7 for r in recs)
    assert recs[3].label == 1003 and recs[3].counters == {"rules": 3}


def test_numpy_and_pandas_tables(tmp_path):
    log = vnfo.open_log(write_log(tmp_path / "fw.log", n=10), KEY.public_key,
                        manifest_digest=DIGEST)
    arr = log.to_numpy()
    assert arr.dtype == vnfo.record.PACKET_DTYPE and len(arr) == 10
    assert list(arr["delay_ns"]) == [500 + i for i in range(10)]
    assert np.array_equal(arr, vnfo.record.to_numpy(log.records()))
    df = log.to_pandas()
    assert df["node_id"].unique().tolist() == [7] and df["label"].dtype == np.uint64
    assert isinstance(df["verdict"].dtype, pd.CategoricalDtype)
    assert df["delay_ns"].mean() == pytest.approx(504.5)


def test_tampered_batch_is_a_fault_and_its_records_are_skipped(tmp_path):
    path = write_log(tmp_path / "fw.log", n=12, batch=4)
    data = bytearray(path.read_bytes())
    off, batch = split_batches(bytes(data))[1]
    data[off + 4 + len(batch) - 3] ^= 0xFF  # inside the records of batch 1
    path.write_bytes(bytes(data))
    log = vnfo.open_log(path, KEY.public_key, manifest_digest=DIGEST)
    assert not log.ok
    fault = log.faults[0]
    # Batch 2 then continues a batch that is not authentic: a gap follows.
    assert [f.status_name for f in log.faults[1:]] == ["VNFO_E_LOG_SEQUENCE_GAP"]
    assert fault.index == 1 and fault.status_name == "VNFO_E_LOG_ROOT_MISMATCH"
    assert fault.offset == off and fault.source == str(path)
    with pytest.raises(vnfo.LogIntegrityError) as info:
        log.raise_for_faults()
    assert info.value.path == str(path) and info.value.status_name == "VNFO_E_LOG_ROOT_MISMATCH"
    assert [r.seq for r in log.records()] == [0, 1, 2, 3, 8, 9, 10, 11]


def test_deleted_and_truncated_batches(tmp_path):
    path = write_log(tmp_path / "fw.log", n=12, batch=4)
    batches = split_batches(path.read_bytes())
    raw = [path.read_bytes()[o:o + 4 + len(b)] for o, b in batches]
    gap = tmp_path / "gap.log"
    gap.write_bytes(raw[0] + raw[2])
    faults = vnfo.open_log(gap, KEY.public_key, manifest_digest=DIGEST).faults
    assert [f.status_name for f in faults] == ["VNFO_E_LOG_SEQUENCE_GAP"]
    cut = tmp_path / "cut.log"
    cut.write_bytes(raw[0] + raw[1][:50])
    log = vnfo.open_log(cut, KEY.public_key, manifest_digest=DIGEST)
    assert [f.status_name for f in log.faults] == ["VNFO_E_LOG_TRUNCATED"]
    assert isinstance(log.faults[0].error(), vnfo.LogFormatError)
    assert len(list(log.records())) == 4


def test_wrong_key_or_manifest(tmp_path):
    path = write_log(tmp_path / "fw.log", n=4)
    other = vnfo.SigningKey.from_seed(bytes(32)).public_key
    log = vnfo.open_log(path, other, manifest_digest=DIGEST)
    assert log.faults[0].status_name == "VNFO_E_SIGNATURE_INVALID"
    with pytest.raises(vnfo.SignatureError):
        log.raise_for_faults()
    log = vnfo.open_log(path, KEY.public_key, manifest_digest=bytes(32))
    assert log.faults[0].status_name == "VNFO_E_LOG_MANIFEST_MISMATCH"
    with pytest.raises(vnfo.NotFound):
        vnfo.open_log(tmp_path / "none.log", KEY.public_key)


def test_batches_proofs_and_tree(tmp_path):
    batches = []
    with vnfo.LogWriter(KEY, 3, batches.append, batch_records=5, tree_hash="sha256") as w:
        for r in records(5):
            w.append(r)
    (batch,) = batches
    hdr = L.batch_verify(batch, KEY.public_key)
    assert hdr.record_count == 5 and hdr.tree_hash == "sha256"
    assert L.header_parse(batch) == hdr
    recs = [L.batch_record(batch, i) for i in range(5)]
    assert L.tree_root(recs, "sha256") == hdr.root
    assert vnfo.record.decode(recs[2]).label == 1002
    proof = L.Proof(batch, 2)
    assert (proof.leaf_index, proof.tree_size) == (2, 5)
    proof.check(KEY.public_key, recs[2])
    with pytest.raises(vnfo.LogIntegrityError) as info:
        proof.check(KEY.public_key, recs[3])
    assert info.value.status_name == "VNFO_E_LOG_PROOF_INVALID"
    reader = vnfo.LogReader(KEY.public_key).add_buffer(struct.pack(">I", len(batch)) + batch, "mem")
    assert reader.verify() and reader.batch_bytes(0) == batch


def test_sink_failure_is_reported_and_counted():
    calls = []

    def sink(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise OSError("disk full")
    w = vnfo.LogWriter(KEY, 1, sink, batch_records=2)
    w.append(records(1)[0])
    with pytest.raises(vnfo.LogError) as info:
        w.append(records(1)[0])  # closes batch 1: the sink fails
    assert info.value.status_name == "VNFO_E_LOG_SINK"
    assert isinstance(info.value.__cause__, OSError)
    assert w.lost_total == 2
    w.close()
    w.close()  # idempotent


def test_writer_freed_by_gc_flushes(tmp_path):
    import gc
    got = []
    w = vnfo.LogWriter(KEY, 1, got.append, batch_records=100)
    w.append(records(1)[0])
    del w
    gc.collect()
    assert len(got) == 1


def test_a_continued_log_verifies_as_one_stream():
    batches = []
    w = vnfo.LogWriter(KEY, 1, batches.append, batch_records=2)
    for r in records(4):
        w.append(r)
    w.flush()
    seq, prev, lost = w.next_seq, w.last_hash, w.pending_lost
    w.close()
    with vnfo.LogWriter(KEY, 1, batches.append, batch_records=2, first_seq=seq,
                        prev_hash=prev, lost_before=lost) as w2:
        for r in records(3):
            w2.append(r)
    reader = vnfo.LogReader(KEY.public_key)
    for b in batches:
        reader.add_buffer(struct.pack(">I", len(b)) + b)
    assert reader.verify() and [r.seq for r in reader.records()] == list(range(7))


def test_heartbeat_and_close_period_sign_batches():
    batches = []
    with vnfo.LogWriter(KEY, 3, batches.append, batch_records=100) as w:
        w.append(vnfo.PacketRecord(label=1))
        w.heartbeat(1_700_000_001_000_000_000)
        assert len(batches) == 1
        w.close_period(1_699_999_200_000_000_000, 1_700_000_002_000_000_000,
                       1_700_000_002_000_000_000)
        assert len(batches) == 2
        with pytest.raises(vnfo.InvalidArgument):
            w.close_period(2, 1, 3)
    reader = vnfo.LogReader(KEY.public_key)
    for b in batches:
        reader.add_buffer(struct.pack(">I", len(b)) + b)
    assert reader.verify()
    recs = list(reader.records())
    assert [type(r).__name__ for r in recs] == ["PacketRecord", "Heartbeat", "PeriodClose"]
    assert recs[2].period_end_ns == 1_700_000_002_000_000_000
