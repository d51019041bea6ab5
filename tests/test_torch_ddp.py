"""``torch.nn.parallel.DistributedDataParallel`` and ``utils.data.DistributedSampler`` of
the PyTorch face.

The multi-process tests launch 2 ranks on 127.0.0.1 with the launcher of
tests/test_distributed.py (ring backend, each job bounded by a timeout) and compare what
every rank computed (tests/ddp_worker.py) with the same training run here in one process on
the whole batch, with the face and with PyTorch. The in-process tests cover a group of
size 1, the engine's hooks and callbacks, validation and the sampler.
"""

from __future__ import annotations

import json
from pathlib import Path

import ddp_worker as worker
import mlx.core as mx
import numpy as np
import pytest
from test_distributed import launch

import tmath_array as xp
import tmath_array.distributed as dist
import tmath_array.torch as torch
from tmath_array.torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817

WORKER = str(Path(worker.__file__).resolve())
# The jobs pick free loopback ports: they share one pytest-xdist worker with those of
# tests/test_distributed.py (scripts/test.sh passes --dist loadgroup).
RING = pytest.mark.xdist_group("ring")


def _results(outdir: Path, n: int):
    arrays, infos = [], []
    for r in range(n):
        with np.load(outdir / f"rank{r}.npz") as z:
            arrays.append({k.replace("__", "/"): z[k] for k in z.files})
        infos.append(json.loads((outdir / f"rank{r}.json").read_text()))
    return arrays, infos


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    if not mx.distributed.is_available("ring"):
        pytest.skip("MLX built without the ring backend")
    outdir = tmp_path_factory.mktemp("ddp")
    p, _ = launch(2, WORKER, "ddp", str(outdir))
    assert p.returncode == 0, p.stdout + p.stderr
    return _results(outdir, 2)


def _single_process_face():
    """The same training on the whole batch in this process (the face, rank 0's seed)."""
    model = worker.make_model(torch, seed=100)
    opt = torch.optim.SGD(model.parameters(), lr=worker.LR, momentum=0.9)
    x, y = worker.data()
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    losses = []
    for _ in range(worker.STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xs), ys)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return worker.params_of(model), np.array(losses, dtype=np.float32)


# --- two ranks ------------------------------------------------------------------------

@RING
def test_parameters_equal_rank_0s_after_construction_whatever_the_seed(job):
    arrays, infos = job
    start = worker.params_of(worker.make_model(torch, seed=100))
    # the ranks began from different seeds and buffers...
    assert not np.array_equal(arrays[0]["before/fc1.weight"], arrays[1]["before/fc1.weight"])
    assert not np.array_equal(arrays[0]["before/scale"], arrays[1]["before/scale"])
    for r in range(2):
        for k, v in start.items():  # ...and hold rank 0's, bit for bit, after DDP(model)
            assert arrays[r][f"init/{k}"].tobytes() == v.tobytes(), (r, k)
        assert infos[r]["state_dict_keys"] == ["module." + k for k in start]


@RING
def test_two_ranks_on_half_batches_equal_one_process_on_the_whole_batch(job):
    arrays, infos = job
    want, losses = _single_process_face()
    for r in range(2):
        for k, v in want.items():
            np.testing.assert_allclose(arrays[r][f"final/{k}"], v, rtol=1e-5, atol=1e-6,
                                       err_msg=f"rank {r} {k}")
    # each rank's loss is the mean over its half: their mean is the whole batch's
    np.testing.assert_allclose((arrays[0]["losses"] + arrays[1]["losses"]) / 2, losses,
                               rtol=1e-5)
    assert losses[-1] < losses[0]  # it trains


@RING
def test_two_ranks_equal_pytorch_on_the_whole_batch(job):
    real = pytest.importorskip("torch")
    arrays, _ = job
    start = worker.params_of(worker.make_model(torch, seed=100))
    model = real.nn.Sequential()
    model.fc1 = real.nn.Linear(4, 8)
    model.fc2 = real.nn.Linear(8, 2)
    with real.no_grad():
        for k, p in model.named_parameters():
            p.copy_(real.from_numpy(start[k]))
    opt = real.optim.SGD(model.parameters(), lr=worker.LR, momentum=0.9)
    x, y = (real.from_numpy(a) for a in worker.data())
    for _ in range(worker.STEPS):
        opt.zero_grad()
        real.nn.functional.mse_loss(model.fc2(real.tanh(model.fc1(x))), y).backward()
        opt.step()
    for r in range(2):
        for k, p in model.named_parameters():
            np.testing.assert_allclose(arrays[r][f"final/{k}"], p.detach().numpy(),
                                       rtol=1e-4, atol=1e-5, err_msg=f"rank {r} {k}")


@RING
def test_a_compiled_training_step_averages_too(job):
    arrays, infos = job
    model = worker.make_model(torch, seed=100)
    opt = torch.optim.SGD(model.parameters(), lr=worker.LR)
    x, y = (torch.from_numpy(a) for a in worker.data())
    for _ in range(worker.STEPS):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    for r in range(2):
        assert infos[r]["compile_warnings"] == []  # compiled, no fallback to eager
        for k, v in worker.params_of(model).items():
            np.testing.assert_allclose(arrays[r][f"compiled/{k}"], v, rtol=1e-5, atol=1e-6,
                                       err_msg=f"rank {r} {k}")


@RING
def test_backward_averages_in_one_fused_all_reduce_and_no_sync_point(job):
    _, infos = job
    n_elems = 4 * 8 + 8 + 8 * 2 + 2
    for i in infos:
        assert i["backward_syncs"] == [0] * worker.STEPS
        assert i["backward_all_sums"] == [[[n_elems]]] * worker.STEPS


@RING
def test_no_sync_accumulates_locally_then_averages_the_sum(job):
    arrays, infos = job
    model = worker.make_model(torch, seed=100)
    x, y = worker.data()
    half = worker.BATCH // 4
    grads = []
    for i in range(4):  # rank r's micro-batches are 2r and 2r+1
        model.zero_grad()
        sl = slice(i * half, (i + 1) * half)
        torch.nn.functional.mse_loss(model(torch.from_numpy(x[sl])),
                                     torch.from_numpy(y[sl])).backward()
        grads.append({k: p.grad.numpy().copy() for k, p in model.named_parameters()})
    for r in range(2):
        assert (infos[r]["no_sync_all_sums"], infos[r]["synced_all_sums"]) == (0, 1)
        np.testing.assert_allclose(arrays[r]["local/fc1.weight"], grads[2 * r]["fc1.weight"],
                                   rtol=1e-5, atol=1e-7)
        for k in grads[0]:
            want = sum(g[k] for g in grads) / 2
            np.testing.assert_allclose(arrays[r][f"accumulated/{k}"], want, rtol=1e-5,
                                       atol=1e-6, err_msg=f"rank {r} {k}")


@RING
def test_unused_parameters_refused_or_averaged_as_zeros(job):
    arrays, infos = job
    for r in range(2):
        msg = infos[r]["unused_error"]
        assert "find_unused_parameters=True" in msg
        assert f"did not receive grad for rank {r}: 2 3 (names: b.weight, b.bias)" in msg
        # x = (r + 1) * ones((2, 3)); rank 0 used a and b, rank 1 only a
        np.testing.assert_allclose(arrays[r]["unused/a.weight"], np.full((1, 3), 3.0))
        np.testing.assert_allclose(arrays[r]["unused/a.bias"], [2.0])
        np.testing.assert_allclose(arrays[r]["unused/b.weight"], np.full((1, 3), 1.0))
        np.testing.assert_allclose(arrays[r]["unused/b.bias"], [1.0])


@RING
def test_buffers_are_rank_0s_after_the_next_forward(job):
    arrays, _ = job
    a0, a1 = arrays[0]["bn/after_step"], arrays[1]["bn/after_step"]
    assert not np.allclose(a0, a1)  # each rank's batch moved its own statistics
    for r in range(2):
        assert arrays[r]["bn/after_next_forward"].tobytes() == a0.tobytes()


@RING
def test_ranks_with_different_models_are_told_so(job):
    _, infos = job
    assert infos[0]["mismatch_error"].startswith(
        "DDP expects same model across all ranks, but Rank 0 has 2 params (8 elements), "
        "while rank 1 has inconsistent 2 params (12 elements)")
    assert "Rank 1 has 2 params (12 elements)" in infos[1]["mismatch_error"]


@RING
def test_broadcast_tree_is_bit_exact_over_dtypes_and_chains(job):
    arrays, _ = job
    want = worker.tree_of(0)
    for r in range(2):
        for k, v in want.items():
            v = v[0] if isinstance(v, list) else v
            got = arrays[r][f"tree/{k}"]
            assert got.dtype == v.dtype and got.tobytes() == v.tobytes(), (r, k)


@RING
@pytest.mark.skipif(not mx.distributed.is_available("ring"),
                    reason="MLX built without the ring backend")
def test_a_rank_that_dies_fails_the_other_with_a_clear_error(tmp_path):
    p, seconds = launch(2, WORKER, "die", str(tmp_path), extra=("--grace", "10"))
    assert p.returncode == 3, p.stdout + p.stderr
    assert "rank 1 exited with code 3; stopping the job" in p.stderr
    assert "connection to a peer was lost" in p.stderr
    assert seconds < 60
    assert not list(tmp_path.glob("rank*.json"))


# --- one process ----------------------------------------------------------------------

@pytest.fixture
def group():
    torch.distributed.init_process_group("gloo")
    yield
    torch.distributed.destroy_process_group()


NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to call "
                   "init_process_group.")


def test_without_a_process_group_ddp_and_the_sampler_refuse_as_pytorch_does():
    assert not torch.distributed.is_initialized()
    with pytest.raises(ValueError) as e:
        DDP(torch.nn.Linear(2, 2))
    assert str(e.value) == NOT_INITIALIZED
    with pytest.raises(ValueError) as e:
        torch.utils.data.DistributedSampler(list(range(4)))
    assert str(e.value) == NOT_INITIALIZED


def test_where_pytorch_has_it():
    assert torch.nn.parallel.DistributedDataParallel is DDP
    from tmath_array.torch.utils.data.distributed import DistributedSampler

    assert torch.utils.data.DistributedSampler is DistributedSampler
    assert torch.distributed.init_process_group is not None


def test_a_group_of_one_wraps_the_module(group):
    torch.manual_seed(0)
    inner = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    ref.load_state_dict(inner.state_dict())
    model = DDP(inner)
    assert model.module is inner and model.device_ids is None
    assert list(model.state_dict()) == ["module." + k for k in inner.state_dict()]
    assert [id(p) for p in model.parameters()] == [id(p) for p in inner.parameters()]
    x = torch.randn(5, 3)
    before = xp.sync_stats().total
    out = model(x)
    out.square().sum().backward()
    assert xp.sync_stats().total == before  # forward and backward stay lazy
    ref(x).square().sum().backward()
    np.testing.assert_array_equal(out.detach().numpy(), ref(x).detach().numpy())
    for p, q in zip(inner.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)
    with model.no_sync():
        assert model.require_backward_grad_sync is False
    assert model.require_backward_grad_sync is True
    model.eval()
    assert not inner.training and not inner[1].training
    other = DDP(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4)))
    other.load_state_dict(model.state_dict())
    np.testing.assert_array_equal(other.module[0].weight.detach().numpy(),
                                  inner[0].weight.detach().numpy())


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"mixed_precision": object()}, ValueError, "mixed_precision is not supported"),
    ({"device_mesh": object()}, ValueError, "device_mesh"),
    ({"process_group": "world"}, TypeError, "group must be None or"),
])
def test_what_ddp_does_not_take(group, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        DDP(torch.nn.Linear(2, 2), **kwargs)


def test_ddp_refuses_modules_it_cannot_wrap(group):
    frozen = torch.nn.Linear(2, 2).requires_grad_(False)
    with pytest.raises(RuntimeError, match="DistributedDataParallel is not needed when a "
                                           "module doesn't have any parameter that requires "
                                           "a gradient."):
        DDP(frozen)
    with pytest.raises(TypeError, match="wraps a torch.nn.Module"):
        DDP(lambda x: x)


def test_ignored_and_deprecated_options(group):
    m = DDP(torch.nn.Linear(2, 2), device_ids=[0], output_device=0, bucket_cap_mb=25,
            gradient_as_bucket_view=True, static_graph=True)
    assert (m.device_ids, m.output_device) == (None, None)
    with pytest.warns(FutureWarning, match="`broadcast_buffers` is deprecated"):
        m = DDP(torch.nn.Linear(2, 2), broadcast_buffers=False)
    assert m.forward_sync_buffers is False
    assert DDP(torch.nn.Linear(2, 2), forward_sync_buffers=False).forward_sync_buffers is False
    with pytest.warns(FutureWarning, match="check_reduction"):
        DDP(torch.nn.Linear(2, 2), check_reduction=True)


def test_a_parameter_without_gradient_is_reported(group):
    class Two(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(2, 1)
            self.b = torch.nn.Linear(2, 1)

        def forward(self, x):
            return self.a(x)

    m = DDP(Two())
    with pytest.raises(RuntimeError, match="find_unused_parameters=True.*for rank 0: 2 3 "
                                           r"\(names: b.weight, b.bias\)"):
        m(torch.ones(1, 2)).sum().backward()
    m = DDP(Two(), find_unused_parameters=True)
    m(torch.ones(1, 2)).sum().backward()
    assert m.module.b.weight.grad is None  # a group of one: nothing to average


# --- the engine's hooks ------------------------------------------------------------------

def test_post_accumulate_grad_hook_and_final_callbacks_as_pytorch():
    real = pytest.importorskip("torch")
    for lib in (torch, real):
        w = lib.ones(3, requires_grad=True)
        seen = []

        def hook(t, seen=seen):
            seen.append(("hook", t.grad.tolist()))

        h = w.register_post_accumulate_grad_hook(hook)
        (w * 2).sum().backward()
        (w * 3).sum().backward()
        h.remove()
        (w * 1).sum().backward()
        assert seen == [("hook", [2.0] * 3), ("hook", [5.0] * 3)], lib
        with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be "
                                               "registered on non-leaf tensors"):
            (w * 2).register_post_accumulate_grad_hook(hook)
        with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that "
                                               "doesn't require gradient"):
            lib.ones(2).register_post_accumulate_grad_hook(hook)
    from tmath_array.torch import _engine

    with pytest.raises(RuntimeError, match="Final callbacks can only be installed during "
                                           "backward pass."):
        _engine.queue_callback(lambda: None)
    w = torch.ones(2, requires_grad=True)
    order = []
    w.register_post_accumulate_grad_hook(
        lambda t: _engine.queue_callback(lambda: order.append(t.grad.tolist())))
    torch.autograd.backward([(w * 4).sum()], inputs=[w])
    assert order == [[4.0, 4.0]]


# --- DistributedSampler ---------------------------------------------------------------------

@pytest.mark.parametrize("n,replicas,drop_last", [(10, 3, False), (10, 3, True), (2, 5, False),
                                                  (12, 4, False), (7, 2, True), (0, 2, False)])
def test_distributed_sampler_without_shuffle_equals_pytorch(n, replicas, drop_last):
    real = pytest.importorskip("torch")
    from torch.utils.data import DistributedSampler as RealSampler

    for r in range(replicas):
        kw = {"num_replicas": replicas, "rank": r, "shuffle": False, "drop_last": drop_last}
        mine = torch.utils.data.DistributedSampler(list(range(n)), **kw)
        theirs = RealSampler(list(range(n)), **kw)
        assert list(mine) == list(theirs) and len(mine) == len(theirs), (r, real.__version__)
        assert (mine.num_samples, mine.total_size) == (theirs.num_samples, theirs.total_size)


def test_distributed_sampler_shuffles_alike_on_every_rank_per_epoch():
    S = torch.utils.data.DistributedSampler  # noqa: N806
    ranks = [S(list(range(11)), num_replicas=3, rank=r, seed=4) for r in range(3)]
    first = [list(s) for s in ranks]
    everything = sorted(sum(first, []))
    assert len(everything) == 12 and set(everything) == set(range(11))  # one padded
    assert [list(s) for s in ranks] == first  # the same epoch: the same order
    for s in ranks:
        s.set_epoch(1)
    second = [list(s) for s in ranks]
    assert second != first and set(sum(second, [])) == set(range(11))
    with pytest.raises(ValueError, match=r"Invalid rank 3, rank should be in the interval "
                                         r"\[0, 2\]"):
        S(list(range(4)), num_replicas=3, rank=3)


def test_dataloader_gathers_a_tensor_dataset_through_the_distributed_sampler():
    ds = torch.utils.data.TensorDataset(torch.arange(10.0), torch.arange(10))
    sampler = torch.utils.data.DistributedSampler(ds, num_replicas=2, rank=1, shuffle=False)
    dl = torch.utils.data.DataLoader(ds, batch_size=2, sampler=sampler)
    before = xp.sync_stats().total
    batches = list(dl)
    assert xp.sync_stats().total == before  # gathered lazily, no per-sample work
    assert [b[1].tolist() for b in batches] == [[1, 3], [5, 7], [9]]


# --- broadcast_tree in one process ------------------------------------------------------------

def test_broadcast_tree_in_a_group_of_one_and_its_checks():
    tree = {"a": xp.ones(2), "b": [None, xp.zeros((), dtype=xp.int64)]}
    assert dist.broadcast_tree(tree) is tree
    with pytest.raises(ValueError, match="src must be a rank of the group"):
        dist.broadcast_tree(tree, 1)
    with pytest.raises(TypeError, match="got str"):
        dist.broadcast_tree([xp.ones(2), "x"])


# --- the example: an unedited PyTorch script on 2 ranks -------------------------------------

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "torch" / "ddp_train.py"


@RING
@pytest.mark.skipif(not mx.distributed.is_available("ring"),
                    reason="MLX built without the ring backend")
def test_example_on_two_ranks_equals_one_rank(tmp_path):
    import os
    import subprocess
    import sys

    root = EXAMPLE.parent.parent.parent
    one = subprocess.run([sys.executable, "-m", "tmath_array.torch", str(EXAMPLE), "--epochs",
                          "3", "--out", str(tmp_path / "one.npz")], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(root)),
                         stdin=subprocess.DEVNULL)
    assert one.returncode == 0, one.stderr
    p, _ = launch(2, str(EXAMPLE), "--epochs", "3", "--out", str(tmp_path / "two.npz"),
                  extra=("--torch",))
    assert p.returncode == 0, p.stdout + p.stderr

    def losses(out):
        return [float(line.split()[-1]) for line in out.splitlines()
                if line.startswith("epoch ")]

    assert len(losses(p.stdout)) == 3
    np.testing.assert_allclose(losses(p.stdout), losses(one.stdout), rtol=1e-4)
    assert losses(p.stdout)[-1] < losses(p.stdout)[0]
    with np.load(tmp_path / "one.npz") as a, np.load(tmp_path / "two.npz") as b:
        assert sorted(a.files) == sorted(b.files) == ["0.bias", "0.weight", "2.bias",
                                                      "2.weight"]
        for k in a.files:
            np.testing.assert_allclose(b[k], a[k], rtol=1e-4, atol=1e-6, err_msg=k)
