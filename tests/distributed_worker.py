"""One rank of the multi-process tests of tests/test_distributed.py.

Run by the launcher (``python -m tmath_array.distributed.launch -n N tests/distributed_worker.py
SCENARIO OUTDIR``); each rank writes what it computed to ``OUTDIR/rank<r>.npz`` (arrays) and
``OUTDIR/rank<r>.json`` (messages, counts). The inputs are functions of the rank
(:func:`inputs`), so the test process computes the expected results on its own.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

DTYPES = ("float32", "float64", "int32", "int64", "uint8", "float16", "complex64", "bool")


def inputs(rank: int) -> dict[str, np.ndarray]:
    """Rank ``rank``'s input arrays, one per dtype (and a 0-d one)."""
    base = np.arange(12).reshape(3, 4)
    out = {}
    for name in DTYPES:
        if name == "bool":
            out[name] = (base + rank) % 3 == 0
        elif name == "complex64":
            out[name] = (base * (rank + 1) + 1j * (base - rank)).astype(np.complex64)
        elif name == "uint8":
            out[name] = (base * (rank + 2) % 50).astype(np.uint8)
        else:
            # negatives and fractions where the dtype has them
            v = (base - 5) * (rank + 1) + (rank * 0.25 if name.startswith("float") else rank)
            out[name] = v.astype(name)
    out["scalar"] = np.asarray(1.5 * (rank + 1), dtype=np.float32)
    return out


def grads(rank: int) -> dict:
    """A tree of gradients (rank-dependent), with two dtypes."""
    rng = np.random.default_rng(rank)
    return {
        "w": rng.normal(size=(5, 3)).astype(np.float32),
        "layers": [rng.normal(size=(7,)).astype(np.float32),
                   rng.normal(size=(2, 2)).astype(np.float64)],
        "b": rng.normal(size=()).astype(np.float32),
    }


def _collectives(xp, dist, g, out, info):
    r, n = g.rank(), g.size()
    xs = {k: xp.asarray(v) for k, v in inputs(r).items()}
    before = xp.sync_stats().total
    lazy = {}
    for name in DTYPES:
        x = xs[name]
        if name != "bool":
            lazy[f"all_sum/{name}"] = dist.all_sum(x)
        if name != "complex64":
            lazy[f"all_max/{name}"] = dist.all_max(x)
            lazy[f"all_min/{name}"] = dist.all_min(x)
        lazy[f"all_gather/{name}"] = dist.all_gather(x)
        lazy[f"broadcast/{name}"] = dist.broadcast(x, n - 1)
    lazy["all_gather/scalar"] = dist.all_gather(xs["scalar"])
    lazy["all_sum/scalar"] = dist.all_sum(xs["scalar"])
    lazy["shard"] = dist.shard(xp.reshape(xp.arange(10 * 2), (10, 2)))
    tree = {k: v for k, v in grads(r).items()}
    tree = {"w": xp.asarray(tree["w"]), "layers": [xp.asarray(a) for a in tree["layers"]],
            "b": xp.asarray(tree["b"]), "none": None}
    avg = dist.average_gradients(tree)
    lazy["avg/w"], lazy["avg/layers0"], lazy["avg/layers1"], lazy["avg/b"] = (
        avg["w"], avg["layers"][0], avg["layers"][1], avg["b"])
    info["avg_none_kept"] = avg["none"] is None
    summed = dist.all_sum_tree([tree["w"], (tree["b"],)])
    lazy["sum_tree/w"], lazy["sum_tree/b"] = summed[0], summed[1][0]
    info["syncs_while_building"] = xp.sync_stats().total - before
    xp.eval(*lazy.values())
    for k, v in lazy.items():
        out[k] = np.asarray(v)
    for k, v in lazy.items():
        info.setdefault("dtypes", {})[k] = str(v.dtype)


def _fused_count(xp, dist, g, info):
    """How many all_sum nodes average_gradients builds for a tree of one dtype."""
    import mlx.core as mx

    calls = []
    real = mx.distributed.all_sum

    def counting(*a, **k):
        calls.append(a[0].shape)
        return real(*a, **k)

    mx.distributed.all_sum = counting
    try:
        tree = [xp.ones((3, 4)), {"a": xp.zeros((5,)), "b": xp.ones(())}]
        out = dist.average_gradients(tree)
        xp.eval(out[0], out[1]["a"], out[1]["b"])
    finally:
        mx.distributed.all_sum = real
    info["fused_calls"] = [list(s) for s in calls]


def _point_to_point(xp, dist, g, out):
    """Rank 0 sends each other rank a distinct array; each sends back twice its values."""
    r, n = g.rank(), g.size()
    if r == 0:
        for dst in range(1, n):
            xp.eval(dist.send(xp.arange(6, dtype=xp.float32) * dst, dst))
        for src in range(1, n):
            out[f"recv_like/{src}"] = np.asarray(dist.recv_like(xp.zeros((6,)), src))
    else:
        got = dist.recv((6,), xp.float32, 0)
        out["recv"] = np.asarray(got)
        xp.eval(dist.send(got * 2, 0))


def _errors(xp, dist, g, info):
    msgs = {}
    x = xp.ones((g.size() * 2, 3))
    for what, fn in [("sum_scatter", lambda: dist.sum_scatter(x)),
                     ("split", lambda: g.split(0))]:
        try:
            fn()
            msgs[what] = None
        except dist.UnsupportedCollectiveError as e:
            msgs[what] = str(e)
    for what, fn in [("send_self", lambda: dist.send(x, g.rank())),
                     ("recv_out_of_range", lambda: dist.recv((2,), xp.float32, g.size()))]:
        try:
            fn()
            msgs[what] = None
        except ValueError as e:
            msgs[what] = str(e)
    info["errors"] = msgs


def _torch_face(xp, g, out, info):
    import tmath_array.torch.distributed as tdist

    tdist.init_process_group("gloo")
    r, n = tdist.get_rank(), tdist.get_world_size()
    info["torch"] = {"rank": r, "world_size": n, "backend": tdist.get_backend(),
                     "initialized": tdist.is_initialized()}
    base = xp.asarray(inputs(r)["float32"])
    for op in ("SUM", "MAX", "MIN", "AVG"):
        t = xp.asarray(base, copy=True)  # a fresh Array, reduced in place
        before = xp.sync_stats().total
        work = tdist.all_reduce(t, op=getattr(tdist.ReduceOp, op), async_op=True)
        info["torch"][f"lazy_{op}"] = xp.sync_stats().total - before
        work.wait()
        out[f"torch/all_reduce/{op}"] = np.asarray(t)
    lst = [xp.zeros((3, 4)) for _ in range(n)]
    tdist.all_gather(lst, base)
    for i, t in enumerate(lst):
        out[f"torch/all_gather/{i}"] = np.asarray(t)
    big = xp.zeros((n * 3, 4))
    tdist.all_gather_into_tensor(big, base)
    out["torch/all_gather_into_tensor"] = np.asarray(big)
    b = xp.asarray(base, copy=True)
    tdist.broadcast(b, src=0)
    out["torch/broadcast"] = np.asarray(b)
    if r == 0:
        for dst in range(1, n):
            tdist.send(xp.full((2,), float(dst)), dst)
    else:
        t = xp.zeros((2,))
        tdist.recv(t, src=0)
        out["torch/recv"] = np.asarray(t)
    tdist.barrier()
    tdist.destroy_process_group()
    info["torch"]["after_destroy"] = tdist.is_initialized()


def main(scenario: str, outdir: str) -> None:
    import tmath_array as xp
    import tmath_array.distributed as dist

    g = dist.init(strict=scenario != "single")
    r = g.rank()
    out: dict[str, np.ndarray] = {}
    info: dict = {"rank": r, "size": g.size(), "backend": g.backend}
    if scenario in ("collectives", "single"):
        _collectives(xp, dist, g, out, info)
        if g.size() > 1:
            _fused_count(xp, dist, g, info)
            _point_to_point(xp, dist, g, out)
            _errors(xp, dist, g, info)
            _torch_face(xp, g, out, info)
        dist.barrier()
    elif scenario == "allsum":
        out["all_sum/float32"] = np.asarray(dist.all_sum(xp.asarray(inputs(r)["float32"])))
    elif scenario == "die":
        # every rank completes one collective; then the last rank dies, the others go on
        xp.eval(dist.all_sum(xp.ones((4,))))
        if r == g.size() - 1:
            sys.stderr.write(f"rank {r}: exiting on purpose\n")
            sys.stderr.flush()
            os._exit(3)
        time.sleep(0.2)
        xp.eval(dist.all_sum(xp.ones((1000,))))
        info["survived"] = True  # not reached: the collective fails
    elif scenario == "stuck":
        xp.eval(dist.all_sum(xp.ones((4,))))
        with open(os.path.join(outdir, f"rank{r}.ready"), "w"):
            pass  # the ring is up
        if r == g.size() - 1:
            time.sleep(3600)  # alive, but never reaches the collective
        xp.eval(dist.all_sum(xp.ones((4,))))
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")
    np.savez(os.path.join(outdir, f"rank{r}.npz"), **{k.replace("/", "__"): v
                                                      for k, v in out.items()})
    with open(os.path.join(outdir, f"rank{r}.json"), "w") as f:
        json.dump(info, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
