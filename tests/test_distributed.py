"""tmath_array.distributed and tmath_array.torch.distributed over MLX's ring backend.

The multi-process tests launch 2 and 3 ranks on 127.0.0.1 with
``python -m tmath_array.distributed.launch`` (each job bounded by ``--timeout`` and by a
``subprocess`` timeout above it; the launcher kills its ranks), and check what every rank
computed (tests/distributed_worker.py) against the single-process result computed here
with NumPy. The in-process tests cover a group of size 1, validation and the launcher's
bookkeeping.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import distributed_worker as worker
import mlx.core as mx
import numpy as np
import pytest

import tmath_array as xp
import tmath_array.distributed as dist
from tmath_array.distributed import collectives as _coll
from tmath_array.distributed import launch as _launch

ROOT = Path(__file__).resolve().parent.parent
WORKER = str(Path(worker.__file__).resolve())
JOB_TIMEOUT = 90  # seconds for one job, launcher included (a healthy job takes ~2-5 s)

# Jobs pick free loopback ports and release them before the ranks bind: under pytest-xdist
# they all run in one worker (scripts/test.sh passes --dist loadgroup), so two jobs never
# race for the same port.
pytestmark = [pytest.mark.skipif(not mx.distributed.is_available("ring"),
                                 reason="MLX built without the ring backend"),
              pytest.mark.xdist_group("ring")]


def launch(n: int, *args: str, timeout: float = JOB_TIMEOUT, extra=()):
    """Run the launcher as a user would; returns (CompletedProcess, seconds)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "tmath_array.distributed.launch", "-n", str(n),
           "--timeout", str(timeout), *extra, *args]
    t = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout + 30,
                       stdin=subprocess.DEVNULL)
    return p, time.monotonic() - t


def _results(outdir: Path, n: int):
    arrays, infos = [], []
    for r in range(n):
        with np.load(outdir / f"rank{r}.npz") as z:
            arrays.append({k.replace("__", "/"): z[k] for k in z.files})
        infos.append(json.loads((outdir / f"rank{r}.json").read_text()))
    return arrays, infos


@pytest.fixture(scope="module", params=[2, 3], ids=["2 ranks", "3 ranks"])
def job(request, tmp_path_factory):
    n = request.param
    outdir = tmp_path_factory.mktemp(f"ranks{n}")
    p, _ = launch(n, WORKER, "collectives", str(outdir))
    assert p.returncode == 0, p.stdout + p.stderr
    arrays, infos = _results(outdir, n)
    return n, arrays, infos


def _expected(op: str, name: str, n: int) -> np.ndarray:
    xs = [worker.inputs(r)[name] for r in range(n)]
    if op == "all_sum":
        return np.sum(xs, axis=0).astype(xs[0].dtype)
    if op == "all_max":
        return np.max(xs, axis=0)
    if op == "all_min":
        return np.min(xs, axis=0)
    if op == "all_gather":
        return np.concatenate([np.atleast_1d(x) for x in xs])
    if op == "broadcast":
        return xs[n - 1]
    raise AssertionError(op)


CASES = [(op, name) for name in worker.DTYPES
         for op in ("all_sum", "all_max", "all_min", "all_gather", "broadcast")
         if not (op == "all_sum" and name == "bool")
         and not (op in ("all_max", "all_min") and name == "complex64")]
CASES += [("all_gather", "scalar"), ("all_sum", "scalar")]


@pytest.mark.parametrize("op,name", CASES, ids=[f"{o}-{n}" for o, n in CASES])
def test_collective_equals_single_process_result(job, op, name):
    n, arrays, infos = job
    want = _expected(op, name, n)
    for r in range(n):
        got = arrays[r][f"{op}/{name}"]
        assert got.dtype == want.dtype and got.shape == want.shape, (r, got.dtype, got.shape)
        if op == "broadcast":  # bit for bit
            assert got.tobytes() == want.tobytes()
        elif want.dtype.kind in "fc":
            np.testing.assert_allclose(got, want, rtol=1e-3 if want.dtype == np.float16
                                       else 1e-6)
        else:
            np.testing.assert_array_equal(got, want)
        assert infos[r]["dtypes"][f"{op}/{name}"] == f"tmath_array.{want.dtype.name}"


def test_collectives_are_lazy(job):
    n, arrays, infos = job
    # building ~40 collectives, the fused average and the tree sum ran no sync point
    assert [i["syncs_while_building"] for i in infos] == [0] * n
    assert [i["torch"][f"lazy_{op}"] for i in infos
            for op in ("SUM", "MAX", "MIN", "AVG")] == [0] * (4 * n)


def test_group_rank_size_backend(job):
    n, arrays, infos = job
    assert [(i["rank"], i["size"], i["backend"]) for i in infos] == [
        (r, n, "ring") for r in range(n)]


def test_average_gradients_is_one_fused_all_sum_and_the_mean(job):
    n, arrays, infos = job
    # a tree of 3 float32 arrays (12 + 5 + 1 elements) went as one all_sum of 18 elements
    assert [i["fused_calls"] for i in infos] == [[[18]]] * n
    trees = [worker.grads(r) for r in range(n)]
    want = {"w": np.mean([t["w"] for t in trees], axis=0),
            "layers0": np.mean([t["layers"][0] for t in trees], axis=0),
            "layers1": np.mean([t["layers"][1] for t in trees], axis=0),
            "b": np.mean([t["b"] for t in trees], axis=0)}
    for r in range(n):
        for k, v in want.items():
            got = arrays[r][f"avg/{k}"]
            assert got.dtype == (np.float64 if k == "layers1" else np.float32)
            np.testing.assert_allclose(got, v, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(arrays[r]["sum_tree/w"],
                                   np.sum([t["w"] for t in trees], axis=0), rtol=1e-6)
        np.testing.assert_allclose(arrays[r]["sum_tree/b"],
                                   np.sum([t["b"] for t in trees]), rtol=1e-6)
        assert infos[r]["avg_none_kept"] is True


def test_shard_blocks_cover_the_array_in_rank_order(job):
    n, arrays, infos = job
    full = np.arange(20).reshape(10, 2)
    blocks = [arrays[r]["shard"] for r in range(n)]
    np.testing.assert_array_equal(np.concatenate(blocks), full)
    assert [len(b) for b in blocks] == [len(b) for b in np.array_split(full, n)]


def test_send_recv_and_recv_like(job):
    n, arrays, infos = job
    for dst in range(1, n):
        np.testing.assert_array_equal(arrays[dst]["recv"], np.arange(6) * dst)
        np.testing.assert_array_equal(arrays[0][f"recv_like/{dst}"], np.arange(6) * dst * 2)


def test_what_ring_lacks_says_so_and_what_to_use(job):
    n, arrays, infos = job
    for i in infos:
        e = i["errors"]
        assert "ring backend has no sum_scatter" in e["sum_scatter"]
        assert "all_sum" in e["sum_scatter"] and "shard" in e["sum_scatter"]
        assert "ring backend has no split" in e["split"]
        assert "another rank" in e["send_self"] and "another rank" in e["recv_out_of_range"]


def test_torch_distributed_face(job):
    n, arrays, infos = job
    xs = [worker.inputs(r)["float32"] for r in range(n)]
    want = {"SUM": np.sum(xs, axis=0), "MAX": np.max(xs, axis=0),
            "MIN": np.min(xs, axis=0), "AVG": np.mean(xs, axis=0)}
    for r in range(n):
        t = infos[r]["torch"]
        assert (t["rank"], t["world_size"], t["backend"]) == (r, n, "gloo")
        assert t["initialized"] is True and t["after_destroy"] is False
        for op, v in want.items():
            np.testing.assert_allclose(arrays[r][f"torch/all_reduce/{op}"], v, rtol=1e-6)
        for i in range(n):
            np.testing.assert_array_equal(arrays[r][f"torch/all_gather/{i}"], xs[i])
        np.testing.assert_array_equal(arrays[r]["torch/all_gather_into_tensor"],
                                      np.concatenate(xs))
        np.testing.assert_array_equal(arrays[r]["torch/broadcast"], xs[0])
        if r:
            np.testing.assert_array_equal(arrays[r]["torch/recv"], [float(r)] * 2)


# --- failures: a rank that dies or hangs never hangs the job ------------------------

@pytest.mark.parametrize("n", [2, 3])
def test_a_rank_that_dies_fails_the_others_with_a_clear_error(tmp_path, n):
    p, seconds = launch(n, WORKER, "die", str(tmp_path), extra=("--grace", "10"))
    out = p.stdout + p.stderr
    assert p.returncode == 3, out
    assert f"rank {n - 1} exited with code 3; stopping the job" in p.stderr
    # the survivors failed on their own, in their collective, with MLX's error
    assert "connection to a peer was lost" in p.stderr
    assert seconds < 60
    assert not list(tmp_path.glob("rank*.json"))  # no rank got past the collective


def test_a_stuck_rank_is_killed_at_the_timeout(tmp_path):
    p, seconds = launch(2, WORKER, "stuck", str(tmp_path), timeout=6)
    assert p.returncode == _launch.TIMEOUT_EXIT, p.stdout + p.stderr
    assert "timed out after 6 s; killed rank(s) 0, 1" in p.stderr
    assert seconds < 40


# --- the launcher -------------------------------------------------------------------

def test_one_rank_runs_on_its_own(tmp_path):
    p, _ = launch(1, WORKER, "single", str(tmp_path))
    assert p.returncode == 0, p.stdout + p.stderr
    arrays, infos = _results(tmp_path, 1)
    assert (infos[0]["size"], infos[0]["backend"]) == (1, None)
    np.testing.assert_array_equal(arrays[0]["all_gather/int32"], worker.inputs(0)["int32"])


def test_launch_through_mlx_launch(tmp_path):
    p, _ = launch(2, WORKER, "allsum", str(tmp_path), extra=("--mlx-launch",))
    assert p.returncode == 0, p.stdout + p.stderr
    arrays, infos = _results(tmp_path, 2)
    for r in range(2):
        assert (infos[r]["size"], infos[r]["backend"]) == (2, "ring")
        np.testing.assert_allclose(arrays[r]["all_sum/float32"],
                                   _expected("all_sum", "float32", 2))


def test_rank_environment_and_free_ports(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    e = _launch.rank_environment(1, "/tmp/h.json")
    assert (e["MLX_RANK"], e["MLX_HOSTFILE"]) == ("1", "/tmp/h.json")
    assert e["PYTHONPATH"].split(os.pathsep) == [_launch.PACKAGE_PARENT, "/elsewhere"]
    alone = _launch.rank_environment(0, None, dict(e))
    assert "MLX_RANK" not in alone and "MLX_HOSTFILE" not in alone
    ports = _launch.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= p < 65536 for p in ports)


def test_launcher_rejects_bad_arguments():
    with pytest.raises(ValueError, match="-n must be at least 1"):
        _launch.run_local(["x.py"], 0)
    with pytest.raises(SystemExit):
        _launch.main(["--backend", "tcp", "x.py"])


# --- one process: a group of size 1, validation -------------------------------------

def test_a_process_on_its_own_is_a_group_of_one():
    g = dist.init()
    assert (g.rank(), g.size(), g.backend) == (0, 1, None)
    assert dist.is_initialized() and dist.init() is g
    x = xp.reshape(xp.arange(6, dtype=xp.float32), (2, 3))
    for f in (dist.all_sum, dist.all_max, dist.all_min, dist.all_gather):
        y = f(x)
        assert isinstance(y, xp.Array) and y.dtype == x.dtype and y.device == x.device
        np.testing.assert_array_equal(np.asarray(y), np.asarray(x))
    assert dist.broadcast(x, 0) is x
    grads = {"a": x, "b": [None, x]}
    assert dist.average_gradients(grads) is grads
    np.testing.assert_array_equal(np.asarray(dist.shard(x)), np.asarray(x))
    assert dist.shard_range(10) == (0, 10)


def test_strict_init_without_a_job_says_how_to_launch():
    with pytest.raises(RuntimeError, match="no distributed job was found.*ring needs "
                                           "MLX_HOSTFILE and MLX_RANK.*launch"):
        dist.init(strict=True)


def test_collectives_build_no_sync_point():
    x = xp.ones((3,))
    before = xp.sync_stats().total
    dist.all_sum(x), dist.all_max(x), dist.all_gather(x), dist.average_gradients([x, x])
    dist.shard(x), dist.all_sum_tree({"x": x})
    assert xp.sync_stats().total == before


def test_barrier_is_one_explicit_sync_point():
    before = xp.sync_stats()
    dist.barrier()
    diff = xp.sync_stats() - before
    assert (diff.total, diff["explicit"]) == (1, 1)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: dist.all_sum([1.0, 2.0]), TypeError, "all_sum: x must be an array"),
    (lambda: dist.all_sum(xp.asarray([True])), TypeError, "numeric.*got bool.*logical or"),
    (lambda: dist.all_max(xp.asarray([1j])), TypeError, "complex numbers have no order"),
    (lambda: dist.all_sum(xp.ones(2), group="world"), TypeError, "group must be"),
    (lambda: dist.send(xp.ones(2), 1), ValueError, "alone in its group"),
    (lambda: dist.send(xp.ones(2), 1.0), TypeError, "dst must be an int"),
    (lambda: dist.recv((2, -1), xp.float32, 1), ValueError, "negative dimension"),
    (lambda: dist.recv((2,), "no-such-dtype", 1), TypeError, "dtype must be"),
    (lambda: dist.recv("2", xp.float32, 1), TypeError, "shape must be"),
    (lambda: dist.recv_like(np.ones(2), 1), TypeError, "must be an array"),
    (lambda: dist.broadcast(xp.ones(2), 1), ValueError, "src must be a rank"),
    (lambda: dist.sum_scatter(xp.ones(())), ValueError, "multiple of the group size"),
    (lambda: dist.init(backend="tcp"), ValueError, "unknown backend 'tcp'"),
    (lambda: dist.init(strict=1), TypeError, "strict must be a bool"),
    (lambda: dist.is_available("gloo"), ValueError, "unknown backend"),
    (lambda: dist.average_gradients({"a": xp.ones(2, dtype=xp.int32)}, group=_Two()),
     TypeError, "floating-point.*int32"),
    (lambda: dist.average_gradients([xp.ones(2), "x"]), TypeError, "got str"),
    (lambda: dist.shard(xp.ones(())), ValueError, "at least one dimension"),
    (lambda: dist.shard_range(-1), ValueError, "non-negative"),
    (lambda: dist.shard_range(4, rank=1), ValueError, "rank must be in 0..0"),
    (lambda: dist.shard_dataset(5), TypeError, "__len__"),
])
def test_bad_input_is_refused_clearly(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


class _FakeMxGroup:
    """An MLX group of two ranks, for the checks made before any communication."""

    def rank(self):
        return 0

    def size(self):
        return 2


def _Two(backend="ring"):  # noqa: N802 - reads as a group
    return dist.Group(_FakeMxGroup(), backend)


@pytest.mark.parametrize("backend,lacks", [("ring", ("sum_scatter", "split")),
                                           ("mpi", ("sum_scatter",)),
                                           ("jaccl", ("sum_scatter", "split")),
                                           ("nccl", ())])
def test_what_each_backend_lacks_is_refused_at_the_call(backend, lacks):
    g = _Two(backend)
    x = xp.ones((4, 2))
    if "sum_scatter" in lacks:
        with pytest.raises(dist.UnsupportedCollectiveError,
                           match=f"the {backend} backend has no sum_scatter; use all_sum"):
            dist.sum_scatter(x, group=g)
    if "split" in lacks:
        with pytest.raises(dist.UnsupportedCollectiveError,
                           match=f"the {backend} backend has no split"):
            g.split(1)
    assert set(lacks) == _coll._LACKS.get(backend, set())


def test_average_gradients_refuses_mixed_devices_before_communicating():
    if len(xp.__array_namespace_info__().devices()) < 2:
        a = xp.ones(2)
        b = xp.ones(2)
        b._device = xp.Device("gpu")  # what an array on the GPU carries
    else:
        a, b = xp.ones(2, device="cpu"), xp.ones(2, device="gpu")
    with pytest.raises(ValueError, match="different devices"):
        dist.average_gradients([a, b], group=_Two())


def test_sharded_dataset_is_a_local_sequence():
    data = list(range(10))
    s = dist.ShardedDataset(data, 4, 7)
    assert len(s) == 3 and list(s) == [4, 5, 6] and s[-1] == 6 and s[0:2] == [4, 5]
    with pytest.raises(IndexError):
        s[3]
    with pytest.raises(TypeError):
        s["a"]
    assert list(dist.shard_dataset(data)) == data  # one rank holds everything
    assert [dist.shard_range(10, group=_Two(), rank=r) for r in (0, 1)] == [(0, 5), (5, 10)]
    assert dist.shard_range(5, group=_Two()) == (0, 3)


# --- the data-parallel example ---------------------------------------------------------

EXAMPLE = ROOT / "examples" / "distributed_logreg.py"


def _load_example():
    import importlib.util

    spec = importlib.util.spec_from_file_location("distributed_logreg", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("n", [2, 3])
def test_example_on_n_ranks_equals_one_process_on_the_whole_batch(tmp_path, n):
    mod = _load_example()
    X, y = mod.make_data(1200, 16)
    w1, b1, losses1, _ = mod.train(X, y, steps=30)  # this process: a group of one
    out = tmp_path / "weights.npz"
    p, _ = launch(n, str(EXAMPLE), "--steps", "30", "--out", str(out))
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"{n} rank(s): loss" in p.stdout
    with np.load(out) as z:
        np.testing.assert_allclose(z["w"], np.asarray(w1), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(z["b"], np.asarray(b1), rtol=1e-5, atol=1e-6)
        # the loss is a mean of 1200 float32 terms, summed in another order
        np.testing.assert_allclose(z["losses"], np.asarray(losses1), rtol=1e-4)
    assert float(losses1[-1]) < float(losses1[0]) - 0.2  # it trains


# --- the PyTorch face in one process ------------------------------------------------------

@pytest.fixture
def tdist():
    import tmath_array.torch.distributed as tdist

    yield tdist
    tdist.destroy_process_group()


def test_torch_face_in_one_process(tdist):
    assert not tdist.is_initialized()
    with pytest.raises(ValueError, match="^Default process group has not been initialized, "
                       "please make sure to call init_process_group.$"):
        tdist.get_rank()
    tdist.init_process_group("gloo", init_method="env://")
    assert (tdist.get_rank(), tdist.get_world_size(), tdist.get_backend()) == (0, 1, "gloo")
    with pytest.raises(RuntimeError, match="already initialised"):
        tdist.init_process_group("gloo")
    t = xp.asarray([1.0, -2.0])
    keep = t
    before = xp.sync_stats().total
    for op in (tdist.ReduceOp.SUM, tdist.ReduceOp.MAX, tdist.ReduceOp.MIN, tdist.ReduceOp.AVG):
        assert tdist.all_reduce(t, op=op) is None
    assert xp.sync_stats().total == before  # in place, and lazy
    assert t is keep and t.tolist() == [1.0, -2.0]
    work = tdist.broadcast(t, 0, async_op=True)
    assert isinstance(work, tdist.Work) and work.wait() is True
    lst = [xp.zeros(2)]
    tdist.all_gather(lst, t)
    assert lst[0].tolist() == [1.0, -2.0]
    tdist.barrier()
    tdist.destroy_process_group()
    assert not tdist.is_initialized()


@pytest.mark.parametrize("call,exc,match", [
    (lambda d: d.init_process_group("tcp"), ValueError, "unknown backend 'tcp'.*gloo"),
    (lambda d: d.init_process_group("gloo", init_method="tcp://10.0.0.1:23456"), ValueError,
     "init_method"),
    (lambda d: d.init_process_group("gloo", store=object()), ValueError, "store"),
    (lambda d: d.init_process_group("gloo", world_size=2), RuntimeError,
     "no distributed job was found"),
    (lambda d: d.init_process_group("gloo", rank=1), ValueError, "this process is rank 0"),
])
def test_torch_init_refuses_what_it_cannot_do(tdist, call, exc, match):
    with pytest.raises(exc, match=match):
        call(tdist)


@pytest.mark.parametrize("call,exc,match", [
    (lambda d: d.all_reduce(xp.asarray([1, 2]), op=d.ReduceOp.AVG), TypeError,
     "AVG needs a floating-point"),
    (lambda d: d.all_reduce(xp.ones(2), op="product"), ValueError, "SUM, MAX, MIN or AVG"),
    (lambda d: d.all_reduce([1.0]), TypeError, "must be a tensor"),
    (lambda d: d.all_gather([xp.ones(2), xp.ones(2)], xp.ones(2)), ValueError, "list of 1"),
    (lambda d: d.all_gather([xp.ones(3)], xp.ones(2)), ValueError, "shape"),
    (lambda d: d.all_gather_into_tensor(xp.ones(3), xp.ones(2)), ValueError, "shape"),
    (lambda d: d.recv(xp.ones(2)), ValueError, "src is required"),
    (lambda d: d.send(xp.ones(2), 1), ValueError, "alone in its group"),
])
def test_torch_collectives_refuse_bad_input(tdist, call, exc, match):
    tdist.init_process_group("gloo")
    with pytest.raises(exc, match=match):
        call(tdist)


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGKILL"])
def test_no_rank_outlives_the_launcher(tmp_path, sig):
    """A launcher stopped from outside (a CI runner's SIGTERM, or SIGKILL, which no
    ``finally`` sees) takes its ranks with it."""
    import signal

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "tmath_array.distributed.launch", "-n", "2",
                          WORKER, "stuck", str(tmp_path)], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        ranks: list[int] = []
        while time.monotonic() < deadline and len(list(tmp_path.glob("*.ready"))) < 2:
            time.sleep(0.1)
        ranks = _children_running(p.pid, "stuck")
        assert len(ranks) == 2  # one blocked in a collective, one asleep
        os.kill(p.pid, getattr(signal, sig))
        out, err = p.communicate(timeout=30)
        if sig == "SIGTERM":
            assert p.returncode == 130 and "interrupted; the ranks were stopped" in err
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in ranks) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in ranks)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def _children_running(parent: int, word: str) -> list[int]:
    """Pids of the processes whose parent is ``parent`` and whose command has ``word``."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and word in cmd:
            found.append(int(d.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
