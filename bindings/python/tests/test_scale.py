import os

import pytest
from hypothesis import given, strategies as st

from vnfo import scale


def test_shard_paths_balances_and_keeps_order(tmp_path):
    sizes = [50, 10, 40, 30, 20, 10]
    paths = []
    for i, n in enumerate(sizes):
        p = tmp_path / f"f{i}.log"
        p.write_bytes(b"x" * n)
        paths.append(p)
    shards = scale.shard_paths(paths, 3)
    assert sorted(sum(shards, [])) == sorted(map(os.fspath, paths))
    totals = sorted(sum(os.path.getsize(f) for f in s) for s in shards)
    assert totals == [50, 50, 60]
    assert all(s == sorted(s) for s in shards)
    assert scale.shard_paths(paths[:1], 4) == [[os.fspath(paths[0])]]
    with pytest.raises(ValueError):
        scale.shard_paths(paths, 0)


@given(st.lists(st.text(max_size=3), min_size=1, max_size=20))
def test_tree_reduce_keeps_order(items):
    assert scale.tree_reduce(items, lambda a, b: a + b) == "".join(items)


def concat(a, b):
    return a + b


def load_key(path):
    import vnfo
    return str(vnfo.PublicKey.load(path))


def test_map_reduce_on_two_worker_processes_matches_local(dask_client):
    shards = [[f"s{i}"] for i in range(7)]
    local = scale.map_reduce(tuple, shards, concat)
    assert scale.map_reduce(tuple, shards, concat, client=dask_client) == local
    assert len(dask_client.scheduler_info()["workers"]) == 2


def test_worker_errors_keep_their_class_and_fields(dask_client, tmp_path):
    import vnfo
    missing = str(tmp_path / "none.pub")
    with pytest.raises(vnfo.NotFound) as info:
        scale.map_reduce(load_key, [missing], concat, client=dask_client)
    assert info.value.path == missing
    assert info.value.status_name == "VNFO_E_NOT_FOUND"
