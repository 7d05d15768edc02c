"""Distributed log verification and accounting on a LocalCluster of 2
worker processes gives exactly the single-process result."""

import struct

import pytest

import vnfo
from vnfo import scale

DIGEST = bytes(range(32))
KEYS = {n: vnfo.SigningKey.from_seed(bytes([n]) * 32) for n in (1, 2, 3)}


def write_rotating(directory, node, n_records, per_file_batches=2, batch=5):
    """A node's log over several files (rotated every few batches)."""
    files, state = [], {"count": 0}

    def sink(data):
        if state["count"] % per_file_batches == 0:
            files.append(directory / f"node{node}.{len(files):03d}.log")
        with open(files[-1], "ab") as f:
            f.write(struct.pack(">I", len(data)) + data)
        state["count"] += 1
    clock = iter(range(10**9, 2 * 10**9, 1000))
    with vnfo.LogWriter(KEYS[node], node, sink, manifest_digest=DIGEST, batch_records=batch,
                        clock=lambda: next(clock)) as w:
        for i in range(n_records):
            w.append(vnfo.PacketRecord(hop=node - 1, label=i, t_in_ns=1000 * i,
                                       t_out_ns=1000 * i + 300 + (i * 37 + node) % 200,
                                       cpu_cycles=1000 + (i * 7919) % 500, mem_bytes=2048,
                                       counters={"rules": i % 7}))
    return files


@pytest.fixture
def logs(tmp_path):
    return {n: (KEYS[n].public_key, write_rotating(tmp_path, n, 40 + 10 * n)) for n in KEYS}


def test_distributed_equals_single_process(logs, dask_client):
    local = scale.verify_logs(logs, DIGEST)
    dist = scale.verify_logs(logs, DIGEST, client=dask_client)
    whole = scale.verify_logs(logs, DIGEST, files_per_shard=1000)  # one stream per node
    assert local.ok and local.fingerprint() == dist.fingerprint() == whole.fingerprint()
    assert local.records == 50 + 60 + 70 and local.packets == {1: 50, 2: 60, 3: 70}
    delay = local.accumulators[(2, "delay_ns")]
    assert len(delay) == 60 and delay.sum() == sum(300 + (i * 37 + 2) % 200 for i in range(60))
    assert (1, "vendor:rules") in local.accumulators
    df = local.summary()
    assert set(df["resource"]) == {"delay_ns", "cpu_cycles", "mem_bytes", "vendor:rules"}


def test_missing_file_is_found_at_the_seam(logs, dask_client):
    key, files = logs[2]
    logs[2] = (key, files[:1] + files[2:])
    local = scale.verify_logs(logs, DIGEST)
    dist = scale.verify_logs(logs, DIGEST, client=dask_client)
    whole = scale.verify_logs(logs, DIGEST, files_per_shard=1000)
    assert local.fingerprint() == dist.fingerprint()
    assert [f["status_name"] for f in local.faults] == ["VNFO_E_LOG_SEQUENCE_GAP"]
    assert [f["status_name"] for f in whole.faults] == ["VNFO_E_LOG_SEQUENCE_GAP"]
    # Both name the place a single reader names: the first batch after the
    # hole, at its offset in its own file (a new file starts at 0).
    assert [(f["source"], f["offset"]) for f in local.faults] == [(str(files[2]), 0)]
    assert [(f["source"], f["offset"]) for f in whole.faults] == [(str(files[2]), 0)]
    assert local.records == whole.records


def test_tampered_batch_shows_in_every_mode(logs, dask_client):
    key, files = logs[3]
    data = bytearray(files[1].read_bytes())
    data[-2] ^= 1
    files[1].write_bytes(bytes(data))
    local = scale.verify_logs(logs, DIGEST)
    assert local.fingerprint() == scale.verify_logs(logs, DIGEST, client=dask_client).fingerprint()
    assert "VNFO_E_LOG_ROOT_MISMATCH" in [f["status_name"] for f in local.faults]
