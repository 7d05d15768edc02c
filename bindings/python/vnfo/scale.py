"""Scale-out: shard work, run it per shard (on Dask workers or in-process),
merge the results.

Everything here is generic map/reduce; the log-verification helpers built on
it pass functions that open one shard of log files and return mergeable,
picklable results (accumulators, per-shard verdicts).  Because the merge is
exact and associative, the distributed result is identical to the
single-process one, whatever the shard boundaries and the order the workers
finish in: the reduction below is a fixed binary tree over the shard order.

On a real cluster the same code runs with a ``distributed.Client`` connected
to the scheduler; see docs/python.md ("Dask").
"""

from __future__ import annotations

import os
from typing import Any, Callable, List, Optional, Sequence, TypeVar, Union

__all__ = ["shard_paths", "map_reduce", "tree_reduce"]

T = TypeVar("T")
R = TypeVar("R")
PathLike = Union[str, "os.PathLike[str]"]


def shard_paths(paths: Sequence[PathLike], n_shards: int) -> List[List[str]]:
    """Split files into at most ``n_shards`` groups of similar total size.

    Greedy by size (largest file to the lightest shard), ties broken by name,
    so the sharding is deterministic.  Within a shard the files keep their
    given order; empty shards are dropped.
    """
    if n_shards < 1:
        raise ValueError("n_shards must be >= 1")
    files = [os.fspath(p) for p in paths]
    order = sorted(range(len(files)), key=lambda i: (-os.path.getsize(files[i]), files[i]))
    loads = [0] * n_shards
    members: List[List[int]] = [[] for _ in range(n_shards)]
    for i in order:
        j = min(range(n_shards), key=lambda k: (loads[k], k))
        loads[j] += os.path.getsize(files[i])
        members[j].append(i)
    return [[files[i] for i in sorted(m)] for m in members if m]


def tree_reduce(items: Sequence[T], merge: Callable[[T, T], T]) -> T:
    """Merge items pairwise in a balanced binary tree, in their order."""
    if not items:
        raise ValueError("nothing to reduce")
    level = list(items)
    while len(level) > 1:
        nxt = [merge(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def map_reduce(func: Callable[[Any], R], shards: Sequence[Any], merge: Callable[[R, R], R],
               client: Optional[Any] = None) -> R:
    """``tree_reduce([func(s) for s in shards], merge)``, with ``func`` and the
    merges running on the workers of a ``distributed.Client`` when given.

    The tree has the same shape in both cases, so a merge that is exact gives
    bit-identical results.  Errors raised on a worker (``vnfo.Error`` and its
    fields included) are re-raised here.
    """
    if client is None:
        return tree_reduce([func(s) for s in shards], merge)
    level = client.map(func, list(shards), pure=False)
    while len(level) > 1:
        nxt = [client.submit(merge, level[i], level[i + 1], pure=False)
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    if not level:
        raise ValueError("nothing to reduce")
    return level[0].result()
