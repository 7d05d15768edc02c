"""Objects may be freed in any order, without leaks or crashes; the C side
is checked with the counting allocator of vnfo.testing."""

import gc
import random

from hypothesis import given, strategies as st

import vnfo
from pktutil import udp4
from vnfo.testing import counting_allocations


TEMPLATE = vnfo.manifest.template()
BILL = ('{"vnfo_bill": 1, "manifest_id": "m", "period": {"start": "2026-11-01T00:00:00Z", '
        '"end": "2026-12-01T00:00:00Z"}, "totals": {"packets": 5}}')


def make_objects(n):
    """n of each kind, with dependent objects (checks of reports, packets of
    buffers) as separate references."""
    objs = []
    for i in range(n):
        key = vnfo.SigningKey.from_seed(bytes([i]) * 32)
        rep = vnfo.Report()
        check = rep.add(f"c.{i}", "integrity", "PASS", evidence=i, method="x")
        check.add_example(i)
        frame = bytearray(udp4(sport=i))
        objs += [key, key.public_key, key.sign(b"m"), rep, check, vnfo.Bill(BILL),
                 frame, vnfo.Packet(frame), vnfo.FieldSet("psamp")]
        sampler = vnfo.Sampler(bytes([i]) * 32, "1/2")
        acc = vnfo.Accumulator().add_many([i, i + 1, i + 2])
        table = vnfo.FlowTagTable(width_bits=12, capacity=16)
        manifest = vnfo.Manifest(TEMPLATE)
        verifier = vnfo.Verifier(manifest)  # borrows the manifest
        batches = []
        writer = vnfo.LogWriter(key, 1, batches.append, batch_records=1)
        writer.append(vnfo.PacketRecord(label=i))
        reader = vnfo.LogReader(key.public_key).add_buffer(
            len(batches[0]).to_bytes(4, "big") + batches[0], "mem")
        objs += [sampler, sampler.rekey(1), acc, acc + acc, table, manifest, verifier,
                 writer, reader, list(reader.records())]
    return objs


@given(st.randoms(use_true_random=False), st.integers(1, 8))
def test_free_in_any_order_without_leaks(rnd, n):
    with counting_allocations() as live:
        objs = make_objects(n)
        assert live() > 0
        rnd.shuffle(objs)
        while objs:  # reference counting frees each one at once
            objs.pop(rnd.randrange(len(objs)))
        assert live() == 0


def test_public_key_outlives_its_signing_key():
    key = vnfo.SigningKey.from_seed(bytes(32))
    pub, sig = key.public_key, key.sign(b"m")
    del key
    gc.collect()
    pub.verify(b"m", sig)


def test_reference_cycles_are_collected():
    with counting_allocations() as live:
        holder = {"key": vnfo.SigningKey.generate()}
        holder["self"] = holder
        del holder
        gc.collect()
        assert live() == 0


def test_shuffled_deletion_across_types():
    rnd = random.Random(7)
    with counting_allocations() as live:
        objs = make_objects(20)
        rnd.shuffle(objs)
        del objs
        gc.collect()
        assert live() == 0
