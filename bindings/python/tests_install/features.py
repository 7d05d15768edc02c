"""What each documented install line promises (docs/python.md, "What each
install line brings"), run by test_install.py inside a fresh virtual
environment that has only that line installed:

    python features.py LINE DEMO_DIR PREFIX

LINE is core, numpy, pandas, plot or dask; DEMO_DIR a `vnfo demo --dir`
folder; PREFIX the libvnfo prefix the package was built against.  Each line
runs the features of the lines it includes, checks that the optional
modules it does not bring are really absent (the environment is isolated),
and that using one of them names the extra to install.  Prints "OK LINE"
and exits 0 when every promise holds.
"""

import array
import importlib
import importlib.util
import json
import os
import pathlib
import struct
import sys
import tempfile

OPTIONAL = ("numpy", "pandas", "matplotlib", "dask", "distributed")
BRINGS = {"core": set(), "numpy": {"numpy"}, "pandas": {"numpy", "pandas"},
          "plot": {"numpy", "matplotlib"}, "dask": {"numpy", "pandas", "dask", "distributed"}}


def installed(module):
    return importlib.util.find_spec(module) is not None


def expect_missing(call, extra):
    """``call()`` must raise ModuleNotFoundError naming ``vnfo[extra]``."""
    try:
        call()
    except ModuleNotFoundError as exc:
        assert f'./bindings/python[{extra}]' in str(exc), str(exc)
    else:
        raise AssertionError(f"{call} ran without the modules of [{extra}]")


def udp4(sport=1234, payload=b"hello world!"):
    udp = struct.pack("!HHHH", sport, 80, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip + udp


def demo_logs(vnfo, demo, scenario="honest"):
    manifest = vnfo.Manifest.load(demo / "manifest.json")
    return manifest, {e["node_id"]: (e["public_key"], [demo / scenario / f"{e['name']}.log"])
                      for e in manifest.chain}


def core(vnfo, demo, prefix, tmp):
    lib = os.path.realpath(vnfo.library_path())
    assert lib.startswith(os.path.realpath(prefix) + os.sep), (lib, prefix)
    key = vnfo.SigningKey.from_seed(bytes(range(32)))
    key.public_key.verify(b"message", key.sign(b"message"))
    frame = udp4()
    assert vnfo.Packet(frame).dst_port == 80
    sampler = vnfo.Sampler(bytes(32), "1/2")
    frames = [udp4(sport=1000 + i) for i in range(32)]
    decisions = [sampler.decide(f) for f in frames]
    assert 0 < sum(d.selected for d in decisions) < 32
    assert decisions[0].label == sampler.label(frames[0])
    record = vnfo.PacketRecord(label=7, t_in_ns=10, t_out_ns=25, cpu_cycles=5, mem_bytes=64)
    assert vnfo.record.decode(vnfo.record.encode(record)).label == 7

    path = tmp / "fw.log"
    with vnfo.LogWriter.to_file(path, key, node_id=1, batch_records=2) as w:
        for i in range(5):
            w.append(vnfo.PacketRecord(label=i, t_in_ns=i, t_out_ns=i + 100, cpu_cycles=10 + i))
    log = vnfo.open_log(path, key.public_key, node_id=1)
    assert log.ok and [r.label for r in log.records()] == list(range(5))
    raw = path.read_bytes()
    second = 4 + struct.unpack(">I", raw[:4])[0]
    cut = tmp / "cut.log"
    cut.write_bytes(raw[:second + 10])
    try:
        vnfo.open_log(cut, key.public_key).raise_for_faults()
    except vnfo.LogFormatError as exc:
        assert (exc.status_name, exc.path, exc.offset) == ("VNFO_E_LOG_TRUNCATED", str(cut), second)
    else:
        raise AssertionError("a truncated log raised nothing")

    acc = vnfo.Accumulator(resource=2, scope=1).add_many([1, 2, 3]).add_many(array.array("Q", [4]))
    assert (acc.sum(), len(acc)) == (10, 4)
    manifest, logs = demo_logs(vnfo, demo)
    report = vnfo.verify_dir(demo / "manifest.json", demo / "honest")
    assert report["logs.integrity"].verdict is vnfo.Verdict.PASS
    assert json.loads(report.to_json())["checks"]
    result = vnfo.scale.verify_logs(logs, manifest.digest)   # one process: no Dask needed
    assert result.ok and sum(result.packets.values()) > 0
    if not installed("numpy"):
        expect_missing(lambda: sampler.decide_burst(b"".join(frames), [0], [len(frames[0])]),
                       "numpy")
        expect_missing(lambda: vnfo.sampler.DECISION_DTYPE, "numpy")
        expect_missing(lambda: log.to_numpy(), "numpy")
    if not installed("pandas"):
        expect_missing(lambda: log.to_pandas(), "pandas")
        expect_missing(lambda: report.to_pandas(), "pandas")
        expect_missing(lambda: result.summary(), "dask")
    if not installed("matplotlib"):
        expect_missing(lambda: importlib.import_module("vnfo.plot"), "plot")
    return {"log": log, "report": report, "result": result, "sampler": sampler,
            "frames": frames, "decisions": decisions}


def numpy_features(vnfo, ctx):
    import numpy as np
    frames, sampler = ctx["frames"], ctx["sampler"]
    width = max(len(f) for f in frames)
    rows = np.zeros((len(frames), width), dtype=np.uint8)
    for i, f in enumerate(frames):
        rows[i, :len(f)] = np.frombuffer(f, dtype=np.uint8)
    dec = sampler.decide_burst(rows, lengths=[len(f) for f in frames])
    assert dec.dtype == vnfo.sampler.DECISION_DTYPE
    assert list(dec["selected"]) == [d.selected for d in ctx["decisions"]]
    assert list(dec["label"]) == [d.label for d in ctx["decisions"]]
    arr = ctx["log"].to_numpy()
    assert arr.dtype == vnfo.record.PACKET_DTYPE and list(arr["label"]) == list(range(5))
    assert vnfo.record.to_numpy(ctx["log"].records()).tolist() == arr.tolist()


def pandas_features(vnfo, ctx):
    df = ctx["log"].to_pandas()
    assert list(df["label"]) == list(range(5)) and list(df["delay_ns"]) == [100] * 5
    checks = ctx["report"].to_pandas()
    assert "logs.integrity" in set(checks["check"])
    summary = ctx["result"].summary()
    assert {"delay_ns", "cpu_cycles", "mem_bytes"} <= set(summary["resource"])


def plot_features(vnfo, ctx, tmp):
    from vnfo import plot
    import numpy as np
    fig = plot.delay_cdf({"fw": np.arange(1, 200) * 1e3}, sla_bound={"fw": 150e3})
    fig.savefig(tmp / "cdf.png")
    fig = plot.billed_vs_estimated(plot.bill_rows(ctx["report"]))
    fig.savefig(tmp / "bill.png")
    fig = plot.sampling_coverage({"n1": np.arange(0, 1000) * 1e6}, bins=5)
    fig.savefig(tmp / "cov.png")
    for png in ("cdf.png", "bill.png", "cov.png"):
        assert (tmp / png).read_bytes()[:4] == b"\x89PNG"


def main(line, demo, prefix):
    got = {m for m in OPTIONAL if installed(m)}
    assert got == BRINGS[line], f"[{line}]: importable {sorted(got)}, expected {sorted(BRINGS[line])}"
    import vnfo
    assert not os.path.realpath(vnfo.__file__).startswith(
        os.path.realpath(pathlib.Path(__file__).parents[1]) + os.sep), \
        f"vnfo imported from the source tree ({vnfo.__file__}), not the environment"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        ctx = core(vnfo, pathlib.Path(demo), prefix, tmp)
        if "numpy" in BRINGS[line]:
            numpy_features(vnfo, ctx)
        if "pandas" in BRINGS[line]:
            pandas_features(vnfo, ctx)
        if "matplotlib" in BRINGS[line]:
            plot_features(vnfo, ctx, tmp)
    print("OK", line)


if __name__ == "__main__":
    main(*sys.argv[1:4])
