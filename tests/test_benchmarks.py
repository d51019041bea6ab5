"""The benchmark harness times synchronised work, and the report writes its outputs.

The original profiling report timed PyTorch's GPU matmul at ~0.1 ms for every
size up to 2048: the work was queued, not waited for. These tests pin the
discipline that prevents it: the sync hook runs between the two clock reads.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import types

import mlx.core as mx
import numpy as np
import pytest
import torch

from benchmarks import harness, profile_table, report


class FakeClock:
    """A perf_counter that only moves when the fake work says so, logging each read."""

    def __init__(self, events: list) -> None:
        self.now = 0.0
        self.events = events

    def perf_counter(self) -> float:
        self.events.append("clock")
        return self.now


@pytest.fixture
def clock(monkeypatch):
    events: list = []
    fake = FakeClock(events)
    monkeypatch.setattr(harness, "time", types.SimpleNamespace(perf_counter=fake.perf_counter))
    return fake


def _lazy_case(clock, name="lazy"):
    """Queuing takes 1 s of fake time; waiting for the result takes 10 s more."""

    def fn():
        clock.events.append("fn")
        clock.now += 1.0
        return "pending"

    def sync(result):
        assert result == "pending"
        clock.events.append("sync")
        clock.now += 10.0

    return harness.Case("g", "c", name, fn, sync)


def _timed_regions(events: list) -> list[list]:
    """The events between consecutive pairs of clock reads."""
    regions, cur, inside = [], [], False
    for e in events:
        if e == "clock":
            if inside:
                regions.append(cur)
                cur = []
            inside = not inside
        elif inside:
            cur.append(e)
    return regions


def test_sync_runs_inside_the_timed_region(clock):
    rows = harness.measure([_lazy_case(clock)], warmup=2, repeat=5)
    # 2 warm-up calls (waited for too, then discarded) and 5 samples; in each, the
    # sync runs between the clock reads, after the work was queued.
    assert _timed_regions(clock.events) == [["fn", "sync"]] * 7
    assert all(e in ("fn", "sync", "clock") for e in clock.events)
    # The 10 s of waiting are in every sample: a harness that skipped or misplaced
    # the sync would report 1 s (the original report's mistake).
    assert rows[0]["median_s"] == 11.0 and rows[0]["n"] == 5


def test_rounds_rotate_the_order_of_backends(clock):
    order = []
    cases = [harness.Case("g", "c", n, (lambda n=n: order.append(n)), harness.no_sync)
             for n in "abc"]
    harness.measure(cases, warmup=0, repeat=4)
    assert "".join(order) == "abc" + "bca" + "cab" + "abc"


def test_back_to_back_mode_warms_each_case_and_keeps_the_sync_inside(clock):
    order, steps = [], []
    cases = [harness.Case("g", "c", n, (lambda n=n: order.append(n)), harness.no_sync)
             for n in "ab"]
    rows = harness.measure(cases + [_lazy_case(clock)], warmup=1, repeat=3,
                           progress=lambda: steps.append(1), interleave=False)
    assert "".join(order) == "a" * 4 + "b" * 4  # each: its warm-up, then its 3 samples
    assert _timed_regions(clock.events)[-4:] == [["fn", "sync"]] * 4
    assert rows[-1]["median_s"] == 11.0 and [r["backend"] for r in rows] == ["a", "b", "lazy"]
    assert len(steps) == 3  # as many progress steps as the round-robin makes


def test_inner_loop_syncs_every_call(clock):
    rows = harness.measure([_lazy_case(clock)], warmup=0, repeat=3, number=4)
    assert _timed_regions(clock.events) == [["fn", "sync"] * 4] * 3  # no warm-up here
    assert rows[0]["median_s"] == 11.0


def test_mlx_sync_evaluates_inside_the_timed_region(clock, monkeypatch):
    real_eval = mx.eval

    def recording_eval(*args):
        clock.events.append("mx.eval")
        clock.now += 10.0
        return real_eval(*args)

    monkeypatch.setattr(mx, "eval", recording_eval)
    for b in profile_table.backends():
        if b.name not in ("tmath_array", "mlx"):
            continue
        clock.events.clear()
        x = b.put(np.ones((4, 4), np.float32))
        harness.measure([harness.Case("g", "c", b.name, lambda x=x, b=b: b.ops["add"](x, x),
                                      b.sync)], warmup=0, repeat=2)
        assert _timed_regions(clock.events) == [["mx.eval"], ["mx.eval"]], b.name


@pytest.mark.parametrize("device", ["cuda", "mps"])
def test_torch_gpu_backends_synchronize_inside_the_timed_region(clock, monkeypatch, device):
    module = torch.cuda if device == "cuda" else torch.mps

    def fake_synchronize(*args):
        clock.events.append(f"{device}.synchronize")
        clock.now += 10.0

    monkeypatch.setattr(module, "synchronize", fake_synchronize)
    backend = profile_table.torch_backend(device)  # no GPU needed until data moves

    def queued_matmul():
        clock.events.append("fn")
        clock.now += 0.0001  # launching a kernel returns at once
        return "queued"

    rows = harness.measure([harness.Case("g", "c", backend.name, queued_matmul, backend.sync)],
                           warmup=1, repeat=3)
    assert _timed_regions(clock.events) == [["fn", f"{device}.synchronize"]] * (1 + 3)
    assert rows[0]["median_s"] == pytest.approx(10.0001)


def test_every_lazy_backend_of_the_table_has_a_waiting_sync():
    for b in profile_table.backends():
        if b.name in ("tmath_array", "mlx"):
            assert b.sync is harness.mlx_sync
        elif b.name in ("torch-cuda", "torch-mps"):
            assert b.sync is not harness.no_sync


def test_ratios_are_to_the_fastest_backend_of_the_same_case():
    rows = [{"group": "g", "case": "a", "backend": "x", "median_s": 2.0},
            {"group": "g", "case": "a", "backend": "y", "median_s": 1.0},
            {"group": "g", "case": "b", "backend": "x", "median_s": 3.0}]
    harness.add_ratios(rows)
    assert [r["ratio"] for r in rows] == [2.0, 1.0, 1.0]


TINY = ["--quick", "--matmul-sizes", "8,16", "--size", "16", "--svd-size", "8",
        "--repeat", "2", "--no-progress"]


def test_quick_report_on_a_tiny_configuration(tmp_path, capsys):
    rep = report.main([*TINY, "--only", "table", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["mode"] == "quick"
    assert data["machine"]["mlx"] == mx.__version__
    assert data["machine"]["logical_cores"] >= 1
    names = {b.name for b in profile_table.backends()}
    cases = {"8x8", "16x16", "addition 16x16", "GELU 16x16", "layer norm 16x16", "SVD 8x8"}
    got = {(r["case"], r["backend"]) for r in data["rows"]}
    assert got == {(c, b) for c in cases for b in names}
    timed = [r for r in data["rows"] if r["median_s"] is not None]
    assert all(r["status"] == "ok" and r["max_rel_err"] < 1e-3 for r in timed)
    for case in cases:
        ratios = [r["ratio"] for r in timed if r["case"] == case]
        assert min(ratios) == 1.0 and all(x >= 1.0 for x in ratios)
    # tmath_array's SVD is reported, as a time or as "n/a" with the reason.
    svd = next(r for r in data["rows"] if r["case"] == "SVD 8x8" and r["backend"] == "tmath_array")
    assert svd["median_s"] is not None or svd["status"] == "n/a" and svd["note"]
    md = (tmp_path / "report.md").read_text()
    assert "## matmul (float32)" in md and "## core ops (float32)" in md
    assert "| 16x16 |" in md and "| cpu |" in md
    has_mpl = importlib.util.find_spec("matplotlib") is not None
    assert (tmp_path / "report.png").exists() == has_mpl
    assert rep["rows"] == data["rows"] or len(rep["rows"]) == len(data["rows"])


def test_report_includes_discovered_modules(tmp_path, monkeypatch, capsys):
    def run(quick, progress=None):
        assert quick is True
        progress()
        return [{"group": "fake group", "case": "op", "backend": "mlx", "median_s": 2e-6,
                 "iqr_s": 0.0, "n": 3},
                {"group": "fake group", "case": "op", "backend": "numpy", "median_s": 1e-6,
                 "iqr_s": 0.0, "n": 3}]

    good = types.ModuleType("benchmarks.bench_fake")
    good.run = run
    bad = types.ModuleType("benchmarks.bench_broken")
    bad.run = lambda quick, progress=None: 1 / 0
    monkeypatch.setitem(sys.modules, "benchmarks.bench_fake", good)
    monkeypatch.setitem(sys.modules, "benchmarks.bench_broken", bad)
    monkeypatch.setattr(report, "discover", lambda: ["bench_broken", "bench_fake"])
    report.main([*TINY, "--skip", "table", "--no-plot", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "report.json").read_text())
    assert [r["ratio"] for r in data["rows"]] == [2.0, 1.0]
    assert data["modules"]["bench_fake"]["status"] == "ok"
    assert data["modules"]["bench_broken"]["status"] == "error"
    assert "ZeroDivisionError" in data["modules"]["bench_broken"]["error"]
    md = (tmp_path / "report.md").read_text()
    assert "## fake group" in md and "2 µs ×2.00" in md


def test_discover_finds_bench_modules(tmp_path):
    (tmp_path / "bench_one.py").write_text("def run(quick, progress=None):\n    return []\n")
    (tmp_path / "helper.py").write_text("")
    assert report.discover(path=[str(tmp_path)]) == ["bench_one"]


def test_progress_without_tqdm_draws_a_bar(monkeypatch):
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if tqdm were not installed
    out = Tty()
    p = report.Progress(stream=out)
    p.expect(4)
    p.stage("matmul")
    for _ in range(5):  # a module may report more rounds than announced
        p()
    p.close()
    text = out.getvalue()
    assert "[" in text and "5/5" in text and "matmul" in text
