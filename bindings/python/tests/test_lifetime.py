"""Objects may be freed in any order, without leaks or crashes; the C side
is checked with the counting allocator of vnfo.testing."""

import gc
import random

from hypothesis import given, strategies as st

import vnfo
from pktutil import udp4
from vnfo.testing import counting_allocations


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
