"""A two-layer network fitted with autograd and `no_grad` updates (after Justin Johnson's
PyTorch examples), with deterministic data and weights so real PyTorch gives the same
numbers. Uses `grad.zero_()`, `clamp`, `mm`, `.t()`, in-place updates of leaves."""

try:
    import tmath_array.torch as torch
except ImportError:  # pragma: no cover
    import torch

N, D_in, H, D_out = 64, 100, 50, 10

x = torch.sin(torch.arange(N * D_in, dtype=torch.float32).reshape(N, D_in) * 0.37)
y = torch.cos(torch.arange(N * D_out, dtype=torch.float32).reshape(N, D_out) * 0.11)
w1 = (torch.sin(torch.arange(D_in * H, dtype=torch.float32) * 1.3) * 0.1).view(D_in, H)
w2 = (torch.cos(torch.arange(H * D_out, dtype=torch.float32) * 0.7) * 0.1).view(H, D_out)
w1.requires_grad_()
w2.requires_grad_(True)

learning_rate = 1e-4
for t in range(300):
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 0 or t == 299:
        print(t, round(loss.item(), 3))
    if t == 0:
        loss.backward(retain_graph=True)
        g1 = w1.grad.clone()
        w1.grad.zero_()
        w2.grad.zero_()
    loss.backward()
    if t == 0:
        print("same gradient twice:", torch.allclose(g1, w1.grad))
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()

with torch.no_grad():
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
print(y_pred[:2, :4])
print(y_pred.requires_grad, w1.requires_grad, w1.grad.abs().sum().item())
