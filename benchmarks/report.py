"""The benchmark report: the original profiling table plus every micro-benchmark module.

    python -m benchmarks.report [--quick] [--out DIR] [--only NAMES] [--skip NAMES]

(``bash scripts/main.sh [--quick]`` sets up ``.venv`` and runs this.) It measures
:mod:`benchmarks.profile_table` and then every ``benchmarks/bench_*.py`` module
that exposes ``run(quick: bool, progress=None) -> list[dict]``, and writes into
``--out`` (``benchmarks/results/`` by default):

* ``report.json`` - the machine, the configuration, every row;
* ``report.md``   - the same as Markdown tables (backends as columns);
* ``report.png``  - a plot (needs matplotlib: the ``bench`` extra).

Every time comes from :mod:`benchmarks.harness` (synchronised inside the timed
region, warmed up, median of repeats); each ratio is to the fastest backend of
the same case in the same run. ``--quick`` takes under 2 minutes on 2 cores
(the largest matmul is dropped, fewer repeats), the full run under 15.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import math
import os
import pkgutil
import platform
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

from benchmarks import profile_table
from benchmarks.harness import add_ratios

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "benchmarks" / "results"
TABLE = "table"  # the name of profile_table in --only/--skip


# --- progress ------------------------------------------------------------------

class Progress:
    """A progress bar on stderr: tqdm when installed, else a small one of its own.

    Benchmark modules call it with no argument once per measured round (the
    harness does); the report raises the expected total as it learns it.
    """

    def __init__(self, enabled: bool = True, stream=None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.total = 0
        self.n = 0
        self.label = ""
        self.t0 = time.perf_counter()
        self._last = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._tqdm = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self._tqdm = tqdm(total=0, file=self.stream, unit="round", dynamic_ncols=True)

    def expect(self, n: int) -> None:
        """Raise the expected total by ``n`` rounds."""
        self.total += n
        if self._tqdm is not None:
            self._tqdm.total = self.total
            self._tqdm.refresh()

    def stage(self, label: str) -> None:
        self.label = label
        if self._tqdm is not None:
            self._tqdm.set_description(label)
        elif self.enabled and not self._tty:
            print(f"[{self.n}/{self.total} {self._elapsed()}] {label}", file=self.stream,
                  flush=True)
        else:
            self._draw(force=True)

    def __call__(self, n: int = 1) -> None:
        self.n += n
        self.total = max(self.total, self.n)
        if self._tqdm is not None:
            if self._tqdm.total < self.n:
                self._tqdm.total = self.n
            self._tqdm.update(n)
        else:
            self._draw()

    def _elapsed(self) -> str:
        s = int(time.perf_counter() - self.t0)
        return f"{s // 60}:{s % 60:02d}"

    def _draw(self, force: bool = False) -> None:
        if not (self.enabled and self._tty):
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        frac = self.n / self.total if self.total else 0.0
        bar = "#" * int(width * frac) + "-" * (width - int(width * frac))
        print(f"\r[{bar}] {self.n}/{self.total} {self._elapsed()} {self.label[:40]:<40}",
              end="", file=self.stream, flush=True)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
        elif self.enabled and self._tty:
            self._draw(force=True)
            print(file=self.stream, flush=True)


# --- module discovery ------------------------------------------------------------

def discover(package: str = "benchmarks", path: list[str] | None = None) -> list[str]:
    """Names of the ``bench_*`` modules of ``package`` (``path`` defaults to its own)."""
    if path is None:
        path = [str(Path(importlib.import_module(package).__file__).parent)]
    return sorted(m.name for m in pkgutil.iter_modules(path) if m.name.startswith("bench_"))


def run_module(qualname: str, quick: bool, progress) -> tuple[list[dict], dict]:
    """Import ``qualname`` and call its ``run``; never raises (errors become the status)."""
    t0 = time.perf_counter()
    info: dict = {"status": "ok"}
    rows: list[dict] = []
    try:
        mod = importlib.import_module(qualname)
        fn = getattr(mod, "run", None)
        if fn is None:
            info["status"] = "skipped: no run()"
        else:
            rows = list(fn(quick, progress=progress))
    except Exception as e:
        info["status"] = "error"
        info["error"] = "".join(traceback.format_exception_only(type(e), e)).strip()[:500]
    info["elapsed_s"] = time.perf_counter() - t0
    info["rows"] = len(rows)
    return rows, info


# --- machine ---------------------------------------------------------------------

def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine()


def _loaded_blas() -> list[str]:
    """BLAS/LAPACK libraries mapped into this process (Linux), e.g. MLX's reference BLAS."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    libs = {line.split()[-1] for line in maps.splitlines() if "/" in line}
    pat = re.compile(r"blas|lapack|mkl|accelerate|vecLib", re.I)
    return sorted(os.path.basename(p) for p in libs if pat.search(os.path.basename(p)))


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=5).stdout.strip()
        return out.stdout.strip() + ("+changes" if dirty else "") if out.returncode == 0 \
            else None
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict:
    """The machine and software the numbers were taken on."""
    import mlx.core as mx
    import numpy as np

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    info: dict = {
        "cpu": _cpu_name(),
        "logical_cores": os.cpu_count(),
        "usable_cores": cores,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "mlx": mx.__version__,
        "mlx_default_device": str(mx.default_device()),
        "mlx_gpu": bool(mx.is_available(mx.gpu)),
        "numpy": np.__version__,
        "git_commit": _git_commit(),
    }
    try:
        import tmath_array as xp

        info["tmath_array"] = xp.__version__
        from tmath_array._runtime import compile_cache as _compile

        info["tmath_compile"] = _compile.enabled
        cfg = getattr(xp, "config_info", None)
        if cfg is not None:
            info["tmath_config"] = cfg()
    except Exception as e:  # the report still describes the rest
        info["tmath_array"] = f"unavailable ({e})"
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["numpy_blas"] = f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:
        info["numpy_blas"] = None
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        info["torch_blas"] = m.group(1) if m else None
        if torch.cuda.is_available():
            info["cuda_device"] = torch.cuda.get_device_name(0)
    except ImportError:
        info["torch"] = None
    info["blas_libraries_loaded"] = _loaded_blas()
    return info


# --- output ------------------------------------------------------------------------

def fmt_time(s: float | None) -> str:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "-"
    if s >= 1.0:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms" if s < 0.1 else f"{s * 1e3:.0f} ms"
    return f"{s * 1e6:.3g} µs"


BACKEND_ORDER = ("tmath_array", "mlx", "numpy", "torch-cpu", "torch-cuda", "torch-mps")


def _backends_of(rows: list[dict]) -> list[str]:
    seen = list(dict.fromkeys(r["backend"] for r in rows))
    return sorted(seen, key=lambda b: (BACKEND_ORDER.index(b) if b in BACKEND_ORDER
                                        else len(BACKEND_ORDER), seen.index(b)))


def cell(r: dict | None) -> str:
    if r is None:
        return ""
    if r.get("median_s") is None:
        return r.get("status", "n/a")
    text = f"{fmt_time(r['median_s'])} ×{r['ratio']:.2f}" if "ratio" in r else \
        fmt_time(r["median_s"])
    if r.get("status") not in (None, "ok"):
        text += f" ({r['status']})"
    return text


def group_table(rows: list[dict]) -> list[str]:
    """A Markdown table: one line per case, one column per backend."""
    backends = _backends_of(rows)
    lines = ["| case | " + " | ".join(backends) + " |",
             "|---|" + "---|" * len(backends)]
    for case in dict.fromkeys(r["case"] for r in rows):
        get = {r["backend"]: r for r in rows if r["case"] == case}
        lines.append(f"| {case} | " + " | ".join(cell(get.get(b)) for b in backends) + " |")
    return lines


def markdown(report: dict) -> str:
    m = report["machine"]
    rows = report["rows"]
    out = [f"# Benchmark report ({report['mode']})", "",
           f"Taken {report['started']} in {report['elapsed_s']:.0f} s with "
           f"`python -m benchmarks.report{' --quick' if report['mode'] == 'quick' else ''}`.",
           "", "## Machine", "", "| | |", "|---|---|"]
    keys = ("cpu", "logical_cores", "usable_cores", "os", "python", "load_average",
            "tmath_array", "tmath_compile", "mlx", "mlx_default_device", "mlx_gpu", "numpy",
            "numpy_blas", "torch", "torch_threads", "torch_blas", "cuda_device",
            "blas_libraries_loaded", "git_commit")
    for k in keys:
        if k in m and m[k] is not None:
            v = m[k]
            if isinstance(v, list):
                v = ", ".join(f"{x:.2f}" if isinstance(x, float) else str(x) for x in v)
            out.append(f"| {k} | {v} |")
    out += ["", "Cells: median time ×ratio to the fastest backend of the row (1.00 = "
            "fastest), measured in the same run, results synchronised inside the timed "
            "region. `n/a`: the backend lacks the operation; `error`: it raised (see the "
            "notes).", ""]
    groups = list(dict.fromkeys(r["group"] for r in rows))
    for g in groups:
        grows = [r for r in rows if r["group"] == g]
        src = grows[0].get("_module", "profile_table")
        reps = sorted({r["n"] for r in grows if r.get("n")})
        loads = [r["load1"] for r in grows if isinstance(r.get("load1"), (int, float))]
        load = (f"; load average (1 min) at start {min(loads):.1f}"
                + (f"-{max(loads):.1f}" if max(loads) - min(loads) >= 0.05 else "")
                if loads else "")
        out += [f"## {g}", "", f"From `{src}`; repeats per backend: "
                f"{', '.join(map(str, reps)) or '-'}{load}.", ""]
        out += group_table(grows)
        notes = [r for r in grows if r.get("note")]
        if notes:
            out.append("")
            for r in notes:
                out.append(f"- {r['case']} / {r['backend']}: {r['note']}")
        out.append("")
    errs = {k: v for k, v in report["modules"].items() if v["status"] != "ok"}
    out += ["## Modules", "", "| module | status | rows | seconds |", "|---|---|---|---|"]
    for name, v in report["modules"].items():
        out.append(f"| {name} | {v['status']} | {v['rows']} | {v['elapsed_s']:.1f} |")
    for name, v in errs.items():
        if v.get("error"):
            out += ["", f"`{name}`: {v['error']}"]
    return "\n".join(out) + "\n"


def plot(report: dict, path: Path) -> str | None:
    """Write the PNG; returns why not when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -e '.[bench]')"
    rows = [r for r in report["rows"] if r.get("median_s") is not None]
    mm = [r for r in rows if r["group"] == profile_table.GROUP_MATMUL]
    ops = [r for r in rows if r["group"] == profile_table.GROUP_OPS]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    for b in _backends_of(mm):
        pts = sorted((r["size"], r["median_s"] * 1e3, (r.get("iqr_s") or 0.0) * 500)
                     for r in mm if r["backend"] == b)
        if pts:
            xs, ys, errs = zip(*pts)
            ax1.errorbar(xs, ys, yerr=errs, marker="o", capsize=3, label=b)
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log")
    ax1.set_xlabel("n (n x n @ n x n, float32)")
    ax1.set_ylabel("median ms (synchronised; bars: interquartile range)")
    ax1.set_title("Matrix multiplication")
    ax1.grid(True, which="both", alpha=0.3)
    ax1.legend()
    cases = list(dict.fromkeys(r["case"] for r in ops))
    backends = _backends_of(ops)
    width = 0.8 / max(len(backends), 1)
    for i, b in enumerate(backends):
        get = {r["case"]: r for r in ops if r["backend"] == b}
        xs = [j + i * width for j, c in enumerate(cases) if c in get]
        ax2.bar(xs, [get[c]["median_s"] * 1e3 for c in cases if c in get], width, label=b,
                yerr=[(get[c].get("iqr_s") or 0.0) * 500 for c in cases if c in get],
                capsize=2)
    ax2.set_xticks([j + width * (len(backends) - 1) / 2 for j in range(len(cases))])
    ax2.set_xticklabels(cases, rotation=15, fontsize=8)
    ax2.set_yscale("log")
    ax2.set_ylabel("median ms (synchronised)")
    ax2.set_title("Core operations")
    ax2.grid(True, axis="y", which="both", alpha=0.3)
    ax2.legend()
    m = report["machine"]
    loads = [r["load1"] for r in rows if isinstance(r.get("load1"), (int, float))]
    load = ""
    if loads:
        lo, hi = min(loads), max(loads)
        load = f", load average {lo:.1f}" + (f"-{hi:.1f}" if hi - lo >= 0.05 else "")
    fig.suptitle(f"{m.get('cpu')} ({m.get('usable_cores')} cores{load}) - mlx {m.get('mlx')}, "
                 f"numpy {m.get('numpy')}, torch {m.get('torch')} - {report['mode']} run",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    return str(o)


# --- main ----------------------------------------------------------------------------

def _names(text: str | None) -> set[str] | None:
    if text is None:
        return None
    return {n.strip() for n in text.split(",") if n.strip()}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.report",
                                description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer repeats, no 2048 matmul (under 2 minutes on 2 cores)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results directory")
    p.add_argument("--only", help=f"comma-separated parts to run: '{TABLE}' and/or "
                   "bench_* module names")
    p.add_argument("--skip", help="comma-separated parts to leave out")
    p.add_argument("--matmul-sizes", help="override, e.g. 128,256")
    p.add_argument("--size", type=int, help="override the n of the n x n core ops")
    p.add_argument("--svd-size", type=int, help="override the SVD size")
    p.add_argument("--repeat", type=int, help="override every repeat count of the table")
    p.add_argument("--no-plot", action="store_true")
    p.add_argument("--no-progress", action="store_true")
    return p


def table_config(args) -> profile_table.Config:
    cfg = profile_table.QUICK if args.quick else profile_table.FULL
    changes: dict = {}
    if args.matmul_sizes:
        changes["matmul_sizes"] = tuple(int(s) for s in args.matmul_sizes.split(","))
    if args.size:
        changes["n"] = args.size
    if args.svd_size:
        changes["svd_n"] = args.svd_size
    if args.repeat:
        r = args.repeat
        sizes = changes.get("matmul_sizes", cfg.matmul_sizes)
        changes.update(matmul_plan={s: (2, r) for s in sizes}, ops_plan=(2, r),
                       svd_plan=(1, r))
    if not changes:
        return cfg
    import dataclasses

    return dataclasses.replace(cfg, **changes)


def main(argv: list[str] | None = None) -> dict:
    args = build_parser().parse_args(argv)
    only, skip = _names(args.only), _names(args.skip) or set()
    wanted = lambda name: (only is None or name in only) and name not in skip  # noqa: E731
    started = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    t0 = time.perf_counter()
    progress = Progress(enabled=not args.no_progress)
    rows: list[dict] = []
    modules: dict[str, dict] = {}

    cfg = table_config(args)
    mods = [m for m in discover() if wanted(m)]
    if wanted(TABLE):
        progress.expect(profile_table.steps(cfg))
    if wanted(TABLE):
        progress.stage("profile table")
        ts = time.perf_counter()
        trows = profile_table.run(args.quick, progress=progress, config=cfg,
                                  stage=lambda s: progress.stage(f"table: {s}"))
        modules[TABLE] = {"status": "ok", "rows": len(trows),
                          "elapsed_s": time.perf_counter() - ts}
        rows += trows
    for name in mods:
        progress.stage(name)
        mrows, info = run_module(f"benchmarks.{name}", args.quick, progress)
        for r in mrows:
            r.setdefault("_module", name)
        rows += mrows
        modules[name] = info
    progress.close()

    timed = [r for r in rows if r.get("median_s") is not None]
    add_ratios(timed)
    report = {"mode": "quick" if args.quick else "full", "started": started,
              "elapsed_s": time.perf_counter() - t0, "argv": argv if argv is not None
              else sys.argv[1:], "machine": machine(),
              "table_config": {k: (v if not isinstance(v, dict) else
                                   {str(a): b for a, b in v.items()})
                               for k, v in vars(cfg).items()},
              "modules": modules, "rows": rows}
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=1, default=_json_default) + "\n")
    (out / "report.md").write_text(markdown(report))
    written = ["report.json", "report.md"]
    if not args.no_plot:
        why = plot(report, out / "report.png")
        if why is None:
            written.append("report.png")
        else:
            print(f"no plot: {why}", file=sys.stderr)
    print(markdown(report))
    print(f"wrote {', '.join(str(out / w) for w in written)} in "
          f"{report['elapsed_s']:.0f} s", file=sys.stderr)
    return report


if __name__ == "__main__":
    main()
