"""A custom autograd Function: PyTorch's LegendrePolynomial3 example, fitting sin(x) with
P3(c + d x). `ctx.save_for_backward`, `ctx.saved_tensors`, `Function.apply`."""

import math

try:
    import tmath_array.torch as torch
except ImportError:  # pragma: no cover
    import torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(2000):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, f"{loss.item():.3f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f"Result: y = {a.item():.5f} + {b.item():.5f} * P3({c.item():.5f} + {d.item():.5f} x)")

# torch.autograd.grad and torch.autograd.functional on the same polynomial.
z = torch.tensor([0.5, -0.25], requires_grad=True)
(g,) = torch.autograd.grad(LegendrePolynomial3.apply(z).sum(), z)
print(g)
print(torch.autograd.functional.jacobian(lambda v: 0.5 * (5 * v ** 3 - 3 * v), z.detach()))
print(torch.autograd.functional.hessian(lambda v: (v ** 3).sum(), z.detach()))
