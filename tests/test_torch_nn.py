"""torch.nn of the PyTorch face against real PyTorch: the same weights (a real PyTorch
``state_dict`` loaded through NumPy) give the same outputs and the same gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch as real

import tmath_array.torch as ft
from tmath_array.torch import nn
from tmath_array.torch.nn import functional as F  # noqa: N812

RTOL = 2e-4
ATOL = 2e-5


def to_face(t: real.Tensor, requires_grad: bool = False):
    x = ft.from_numpy(t.detach().numpy().copy())
    return x.requires_grad_(True) if requires_grad else x


def to_np(t) -> np.ndarray:
    if isinstance(t, real.Tensor):
        return t.detach().numpy()
    return np.asarray(t.detach())


def copy_weights(theirs: real.nn.Module, ours: nn.Module) -> None:
    sd = {k: ft.from_numpy(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()}
    result = ours.load_state_dict(sd)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []


def check_layer(theirs, ours, *inputs, grad=True, rtol=RTOL, atol=ATOL):
    copy_weights(theirs, ours)
    t_in = [x.clone().requires_grad_(grad and x.is_floating_point()) for x in inputs]
    o_in = [to_face(x, grad and x.is_floating_point()) for x in inputs]
    t_out = theirs(*t_in)
    o_out = ours(*o_in)
    if isinstance(t_out, tuple):
        t_out, o_out = t_out[0], o_out[0]
    np.testing.assert_allclose(to_np(o_out), to_np(t_out), rtol=rtol, atol=atol)
    if not grad:
        return
    w = real.linspace(-1, 1, t_out.numel()).reshape(t_out.shape)
    (t_out * w).sum().backward()
    (o_out * to_face(w)).sum().backward()
    for ti, oi in zip(t_in, o_in):
        if ti.requires_grad:
            np.testing.assert_allclose(to_np(oi.grad), to_np(ti.grad), rtol=rtol, atol=atol)
    ours_params = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        assert name in ours_params, name
        if p.grad is not None:
            np.testing.assert_allclose(to_np(ours_params[name].grad), to_np(p.grad), rtol=rtol,
                                       atol=atol, err_msg=name)


@pytest.fixture(autouse=True)
def _seed():
    real.manual_seed(0)
    ft.manual_seed(0)


LAYERS = [
    ("Linear", lambda m: m.Linear(5, 3), [(4, 5)]),
    ("Linear-nobias", lambda m: m.Linear(5, 3, bias=False), [(2, 4, 5)]),
    ("Bilinear", lambda m: m.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    ("LayerNorm", lambda m: m.LayerNorm(6), [(3, 6)]),
    ("LayerNorm-2d", lambda m: m.LayerNorm((2, 3)), [(4, 2, 3)]),
    ("RMSNorm", lambda m: m.RMSNorm(6, eps=1e-6), [(3, 6)]),
    ("BatchNorm1d", lambda m: m.BatchNorm1d(4), [(6, 4)]),
    ("BatchNorm2d", lambda m: m.BatchNorm2d(3), [(2, 3, 4, 5)]),
    ("Conv1d", lambda m: m.Conv1d(3, 4, 3, padding=1), [(2, 3, 8)]),
    ("Conv2d", lambda m: m.Conv2d(2, 3, 3, stride=2, padding=1), [(2, 2, 7, 6)]),
    ("Conv2d-groups", lambda m: m.Conv2d(4, 6, (3, 2), groups=2, dilation=(1, 2)), [(1, 4, 6, 7)]),
    ("Conv2d-same", lambda m: m.Conv2d(2, 2, (3, 5), padding="same"), [(1, 2, 6, 6)]),
    ("MaxPool2d", lambda m: m.MaxPool2d(2), [(2, 3, 6, 4)]),
    ("MaxPool2d-stride", lambda m: m.MaxPool2d(3, stride=2, padding=1), [(1, 2, 7, 7)]),
    ("AvgPool2d", lambda m: m.AvgPool2d(2), [(2, 3, 6, 4)]),
    ("AvgPool2d-pad", lambda m: m.AvgPool2d(3, 2, 1, count_include_pad=False), [(1, 2, 7, 5)]),
    ("Flatten", lambda m: m.Flatten(), [(2, 3, 4)]),
    ("Unflatten", lambda m: m.Unflatten(1, (2, 3)), [(4, 6)]),
    ("Identity", lambda m: m.Identity(), [(3,)]),
    ("MultiheadAttention", lambda m: m.MultiheadAttention(8, 2), [(5, 2, 8)] * 3),
    ("MultiheadAttention-bf", lambda m: m.MultiheadAttention(4, 1, batch_first=True),
     [(2, 3, 4)] * 3),
]
ACTIVATIONS = ["ReLU", "GELU", "SiLU", "Tanh", "Sigmoid", "LeakyReLU", "ELU", "Softplus",
               "Mish", "Hardtanh", "Hardswish", "Hardsigmoid", "SELU", "CELU", "Softsign",
               "LogSigmoid", "ReLU6"]


@pytest.mark.parametrize("name, make, shapes", LAYERS, ids=[x[0] for x in LAYERS])
def test_layer_matches_pytorch(name, make, shapes):
    theirs, ours = make(real.nn), make(nn)
    inputs = [real.randn(*s) for s in shapes]
    check_layer(theirs, ours, *inputs)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_pytorch(name):
    x = real.randn(3, 7) * 3
    check_layer(getattr(real.nn, name)(), getattr(nn, name)(), x)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Softmin"])
def test_softmax_modules(name, dim):
    x = real.randn(4, 5)
    check_layer(getattr(real.nn, name)(dim=dim), getattr(nn, name)(dim=dim), x)


def test_embedding_matches_pytorch():
    theirs, ours = real.nn.Embedding(10, 4, padding_idx=2), nn.Embedding(10, 4, padding_idx=2)
    copy_weights(theirs, ours)
    idx = real.tensor([[1, 2, 3], [2, 9, 0]])
    t_out = theirs(idx)
    o_out = ours(ft.from_numpy(idx.numpy()))
    np.testing.assert_allclose(to_np(o_out), to_np(t_out), rtol=RTOL)
    t_out.sum().backward()
    o_out.sum().backward()
    np.testing.assert_allclose(to_np(ours.weight.grad), to_np(theirs.weight.grad), rtol=RTOL)


def test_dropout_train_and_eval():
    d = nn.Dropout(0.5)
    x = ft.ones(1000)
    y = d(x)
    kept = to_np(y)
    assert set(np.unique(kept)) <= {0.0, 2.0}
    assert 350 < (kept == 2.0).sum() < 650
    d.eval()
    assert np.array_equal(to_np(d(x)), np.ones(1000))


LOSSES = [
    ("MSELoss", {}, "regression"), ("MSELoss", {"reduction": "sum"}, "regression"),
    ("MSELoss", {"reduction": "none"}, "regression"), ("L1Loss", {}, "regression"),
    ("SmoothL1Loss", {"beta": 0.5}, "regression"), ("HuberLoss", {"delta": 0.7}, "regression"),
    ("CrossEntropyLoss", {}, "classes"),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, "classes"),
    ("CrossEntropyLoss", {"ignore_index": 1}, "classes"),
    ("CrossEntropyLoss", {"reduction": "sum", "ignore_index": 0, "label_smoothing": 0.2},
     "classes"),
    ("CrossEntropyLoss", {}, "probabilities"),
    ("CrossEntropyLoss", {}, "classes-2d"),
    ("NLLLoss", {}, "log-probabilities"), ("NLLLoss", {"reduction": "none"}, "log-probabilities"),
    ("BCELoss", {}, "probability"), ("BCEWithLogitsLoss", {}, "binary"),
    ("KLDivLoss", {"reduction": "batchmean"}, "distributions"),
    ("KLDivLoss", {"reduction": "sum", "log_target": True}, "log-distributions"),
]


def _loss_inputs(kind):
    if kind == "regression":
        return real.randn(4, 3), real.randn(4, 3)
    if kind == "classes":
        return real.randn(6, 4), real.tensor([0, 3, 1, 1, 2, 0])
    if kind == "classes-2d":
        return real.randn(2, 4, 3, 2), real.randint(0, 4, (2, 3, 2))
    if kind == "probabilities":
        return real.randn(5, 3), real.softmax(real.randn(5, 3), dim=1)
    if kind == "log-probabilities":
        return real.log_softmax(real.randn(6, 4), 1), real.tensor([0, 3, 1, 1, 2, 0])
    if kind == "probability":
        return real.rand(7) * 0.98 + 0.01, real.randint(0, 2, (7,)).float()
    if kind == "binary":
        return real.randn(3, 4), real.randint(0, 2, (3, 4)).float()
    if kind == "distributions":
        return real.log_softmax(real.randn(4, 5), 1), real.softmax(real.randn(4, 5), 1)
    return real.log_softmax(real.randn(4, 5), 1), real.log_softmax(real.randn(4, 5), 1)


@pytest.mark.parametrize("name, kwargs, kind", LOSSES,
                         ids=[f"{n}-{k}-{'-'.join(kw)}" for n, kw, k in LOSSES])
def test_loss_matches_pytorch(name, kwargs, kind):
    x, y = _loss_inputs(kind)
    tx = x.clone().requires_grad_(True)
    ox = to_face(x, True)
    t_loss = getattr(real.nn, name)(**kwargs)(tx, y)
    o_loss = getattr(nn, name)(**kwargs)(ox, to_face(y))
    np.testing.assert_allclose(to_np(o_loss), to_np(t_loss), rtol=RTOL, atol=ATOL)
    t_loss.sum().backward()
    o_loss.sum().backward()
    np.testing.assert_allclose(to_np(ox.grad), to_np(tx.grad), rtol=RTOL, atol=ATOL)


def test_functional_forms():
    x = real.randn(2, 3, 5)
    o = to_face(x)
    pairs = [
        (F.pad(o, (1, 2), value=0.5), real.nn.functional.pad(x, (1, 2), value=0.5)),
        (F.pad(o, (1, 1, 2, 0), mode="reflect"),
         real.nn.functional.pad(x, (1, 1, 2, 0), mode="reflect")),
        (F.pad(o, (2, 1), mode="replicate"), real.nn.functional.pad(x, (2, 1), mode="replicate")),
        (F.pad(o, (2, 1), mode="circular"), real.nn.functional.pad(x, (2, 1), mode="circular")),
        (F.normalize(o, dim=-1), real.nn.functional.normalize(x, dim=-1)),
        (F.one_hot(ft.from_numpy(np.array([0, 2, 1])), 4),
         real.nn.functional.one_hot(real.tensor([0, 2, 1]), 4)),
        (F.cosine_similarity(o[0], o[1], dim=-1),
         real.nn.functional.cosine_similarity(x[0], x[1], dim=-1)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(to_np(ours), to_np(theirs), rtol=RTOL, atol=ATOL)


# --- Module mechanics ------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(2)])
        self.head = nn.Sequential(nn.Linear(8, 3), nn.LogSoftmax(dim=1))
        self.register_buffer("scale", ft.ones(1))
        self.tag = "plain attribute"

    def forward(self, x):
        x = self.act(self.fc1(x))
        for b in self.blocks:
            x = self.act(b(x)) * self.scale
        return self.head(x)


class RealNet(real.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = real.nn.Linear(4, 8)
        self.act = real.nn.ReLU()
        self.blocks = real.nn.ModuleList([real.nn.Linear(8, 8) for _ in range(2)])
        self.head = real.nn.Sequential(real.nn.Linear(8, 3), real.nn.LogSoftmax(dim=1))
        self.register_buffer("scale", real.ones(1))

    def forward(self, x):
        x = self.act(self.fc1(x))
        for b in self.blocks:
            x = self.act(b(x)) * self.scale
        return self.head(x)


def test_module_registration_names_and_state_dict():
    ours, theirs = Net(), RealNet()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [type(c).__name__ for c in ours.children()] == \
        [type(c).__name__ for c in theirs.children()]
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())
    check_layer(theirs, ours, real.randn(5, 4))


def test_module_repr_matches_pytorch():
    for make in (lambda m: m.Sequential(m.Linear(2, 3), m.ReLU(), m.Dropout(0.1)),
                 lambda m: m.Conv2d(1, 4, 3, stride=2, padding=1, bias=False),
                 lambda m: m.LayerNorm(5), lambda m: m.Embedding(10, 3, padding_idx=0),
                 lambda m: m.LeakyReLU(0.2), lambda m: m.BatchNorm2d(3),
                 lambda m: m.ModuleDict({"a": m.Linear(1, 1), "b": m.Tanh()})):
        assert repr(make(nn)) == repr(make(real.nn))


def test_train_eval_zero_grad_and_requires_grad():
    m = Net()
    assert m.training and all(c.training for c in m.modules())
    m.eval()
    assert not any(c.training for c in m.modules())
    m.train()
    out = m(ft.randn(3, 4)).sum()
    out.backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_load_state_dict_errors():
    m = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="Missing key"):
        m.load_state_dict({"weight": ft.zeros(2, 3)})
    with pytest.raises(RuntimeError, match="size mismatch"):
        m.load_state_dict({"weight": ft.zeros(3, 3), "bias": ft.zeros(2)})
    r = m.load_state_dict({"weight": ft.zeros(2, 3)}, strict=False)
    assert r.missing_keys == ["bias"]


def test_default_initialisation_distributions():
    lin = nn.Linear(400, 300)
    w = to_np(lin.weight)
    bound = 1 / math.sqrt(400)
    assert np.abs(w).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    emb = nn.Embedding(1000, 50)
    e = to_np(emb.weight)
    assert abs(e.mean()) < 0.02 and abs(e.std() - 1) < 0.02


def test_init_functions():
    t = ft.empty(200, 300)
    nn.init.xavier_uniform_(t)
    a = math.sqrt(6 / 500)
    assert np.abs(to_np(t)).max() <= a
    nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
    assert abs(to_np(t).std() - math.sqrt(2 / 200)) < 0.01
    nn.init.trunc_normal_(t, std=0.02, a=-0.04, b=0.04)
    assert np.abs(to_np(t)).max() <= 0.04
    nn.init.constant_(t, 0.3)
    assert np.all(to_np(t) == np.float32(0.3))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == real.nn.init.calculate_gain("leaky_relu",
                                                                                    0.2)


def test_clip_grad_norm_matches_pytorch():
    theirs, ours = RealNet(), Net()
    copy_weights(theirs, ours)
    x = real.randn(4, 4)
    theirs(x).sum().backward()
    ours(to_face(x)).sum().backward()
    tn = real.nn.utils.clip_grad_norm_(theirs.parameters(), 0.5)
    on = nn.utils.clip_grad_norm_(ours.parameters(), 0.5)
    np.testing.assert_allclose(to_np(on), to_np(tn), rtol=RTOL)
    for (name, p), q in zip(theirs.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(to_np(q.grad), to_np(p.grad), rtol=RTOL, atol=ATOL,
                                   err_msg=name)
    nn.utils.clip_grad_value_(ours.parameters(), 0.01)
    assert max(np.abs(to_np(p.grad)).max() for p in ours.parameters()) <= 0.01


def test_save_and_load_state_dict(tmp_path):
    m = Net()
    path = tmp_path / "net.pt"
    ft.save(m.state_dict(), path)
    loaded = ft.load(path)
    m2 = Net()
    m2.load_state_dict(loaded)
    x = ft.randn(2, 4)
    np.testing.assert_array_equal(to_np(m(x)), to_np(m2(x)))
    # Another tool reads the file: it is NumPy's .npz.
    with np.load(path, allow_pickle=False) as z:
        assert len(z.files) == len(m.state_dict()) + 1


def test_load_refuses_pickle(tmp_path):
    path = tmp_path / "real.pt"
    real.save({"w": real.ones(2)}, path)
    with pytest.raises(ValueError, match="pickle"):
        ft.load(path)


def test_fuzz_findings_of_the_merged_run():
    """(tools/fuzz, seed 20261206: MLX's bad_cast and empty-reduction errors, and a NaN
    where PyTorch's norm is inf)"""
    u64 = ft.from_numpy(np.array([[5, 5]], dtype=np.uint64))
    assert np.asarray(F.hardtanh(u64, max_val=2**70)).tolist() == [[5, 5]]
    assert tuple(F.normalize(ft.zeros(0, dtype=ft.float16), dim=-1).shape) == (0,)
    a, b = real.zeros(0, dtype=real.float16), real.zeros(1, 0, 0, dtype=real.float16)
    assert tuple(F.pairwise_distance(to_face(a), to_face(b)).shape) == \
        tuple(real.nn.functional.pairwise_distance(a, b).shape)
    x = real.tensor([[1.0, 0.0, 3.0], [0.0, -2.7e16, 1.5]])
    y = real.tensor([float("inf")])
    np.testing.assert_array_equal(to_np(F.pairwise_distance(to_face(x), to_face(y))),
                                  to_np(real.nn.functional.pairwise_distance(x, y)))


def test_layer_sizes_are_checked_as_torch_checks_them():
    # (found by the fuzzer's layer targets: raw MLX errors and std::bad_cast before)
    with pytest.raises(ValueError, match="negative"):
        nn.Linear(2, -1)
    with pytest.raises(TypeError, match="tuple of ints"):
        nn.Linear(np.array(0.0), 2)
    with pytest.raises(ValueError, match="exceeds"):
        nn.Embedding(2, 2**31)
    with pytest.raises(TypeError):
        nn.Embedding([[1.0]], 4)
    with pytest.raises(ValueError, match="negative"):
        nn.Bilinear(4, -1, 2)


def test_embedding_of_zero_width_rows_backpropagates():
    # MLX's gather gradient of zero-width rows raised SIGFPE (the process died)
    m = nn.Embedding(4, 0, padding_idx=-2)
    y = m(ft.tensor(0))
    y.sum().backward()
    assert y.shape == (0,) and m.weight.grad.shape == (4, 0)


def test_multihead_attention_checks_shapes_as_pytorch():
    m = nn.MultiheadAttention(6, 2, batch_first=True)
    q = ft.zeros(2, 3, 3, 3)
    k = ft.zeros(1, 1, 6)
    with pytest.raises(AssertionError, match="batched 3D"):
        m(q, k, k)
    with pytest.raises(AssertionError, match="embedding dimension"):
        m(ft.zeros(1, 2, 4), ft.zeros(1, 2, 4), ft.zeros(1, 2, 4))


def test_bce_with_logits_has_pytorch_form_at_infinities():
    x = np.array([-np.inf, 3.0, -2.0, 0.5, np.inf], dtype=np.float32)
    y = np.array([np.inf, 0.2, 1.0, 0.0, 0.5], dtype=np.float32)
    pw = np.array([2.0, 0.5, 1.0, 3.0, 1.0], dtype=np.float32)
    for kw, rkw in (({}, {}), ({"pos_weight": ft.tensor(pw)},
                              {"pos_weight": real.tensor(pw)})):
        got = ft.nn.functional.binary_cross_entropy_with_logits(
            ft.tensor(x), ft.tensor(y), reduction="none", **kw)
        want = real.nn.functional.binary_cross_entropy_with_logits(
            real.tensor(x), real.tensor(y), reduction="none", **rkw)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_batch_norm_statistics_in_two_passes_and_float32_for_half():
    # (found by the fuzzer's layer targets: half input normalised in half precision, and
    # MLX's E[x^2] - E[x]^2 variance, cancelled a spread to 0)
    x = np.array([1.3662109375] * 5 + [1.5703125] + [1.3662109375] * 6,
                 dtype=np.float16).reshape(3, 4)
    m, r = nn.BatchNorm1d(4), real.nn.BatchNorm1d(4)
    a, b = m(ft.tensor(x)), r(real.tensor(x))
    a.float().sum().backward()
    b.float().sum().backward()
    np.testing.assert_allclose(a.float().detach().numpy(), b.float().detach().numpy(),
                               atol=1e-3)
    np.testing.assert_allclose(m.weight.grad.numpy(), r.weight.grad.numpy(), atol=1e-4)
    big = (1000.0 + np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])).astype(np.float32)
    m, r = nn.BatchNorm1d(2), real.nn.BatchNorm1d(2)
    np.testing.assert_allclose(m(ft.tensor(big)).detach().numpy(),
                               r(real.tensor(big)).detach().numpy(), atol=1e-4)
    np.testing.assert_allclose(m.running_var.numpy(), r.running_var.numpy(), rtol=1e-5)


@pytest.mark.parametrize("path, says", [
    ("nn.LSTM", "recurrent layers are not provided"),
    ("nn.TransformerEncoderLayer", "MultiheadAttention"),
    ("nn.ConvTranspose2d", "docs/torch_training.md"),
    ("nn.functional.interpolate", "docs/torch_training.md"),
    ("nn.init.sparse_", "docs/torch_training.md"),
    ("optim.LBFGS", "SGD, Adam"),
    ("optim.lr_scheduler.CyclicLR", "docs/torch_training.md"),
    ("utils.data.WeightedRandomSampler", "docs/torch_training.md"),
])
def test_a_name_the_face_lacks_says_so(path, says):
    obj = ft
    *parents, last = path.split(".")
    for p in parents:
        obj = getattr(obj, p)
    with pytest.raises(AttributeError, match="not provided by the PyTorch face") as info:
        getattr(obj, last)
    assert says in str(info.value)
