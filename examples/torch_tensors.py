"""Tensor basics, after PyTorch's "Tensors" tutorial: runs with `import torch` or with
`import tmath_array.torch as torch` and prints the same numbers."""

import numpy as np

try:
    import tmath_array.torch as torch
except ImportError:  # pragma: no cover
    import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)
x_np = torch.from_numpy(np.array(data))
print(x_np)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")

shape = (2, 3)
print(torch.ones(shape))
print(torch.zeros(shape))

tensor = torch.ones(4, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
print(y1, y2)
z1 = tensor * tensor
print(z1)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
tensor.add_(5)
print(tensor)

# Reshaping, views of the shape, reductions with dim/keepdim.
a = torch.arange(12, dtype=torch.float32)
b = a.view(3, 4)
print(b, b.size(), b.size(1), b.dim(), b.numel())
print(b.permute(1, 0).shape, b.transpose(0, 1).flatten().shape, b.unsqueeze(0).shape)
print(b.sum(dim=1, keepdim=True))
print(b.mean(dim=0), b.std(), b.var(dim=1))
values, indices = b.max(dim=1)
print(values, indices)
print(b.max(dim=0))
print(torch.sort(torch.tensor([3.0, 1.0, 2.0]), descending=True))
print(torch.topk(torch.tensor([1.0, 5.0, 3.0, 4.0]), 2))
print(b.reshape(2, -1).shape, torch.stack([a, a]).shape)
print(torch.chunk(a, 3), torch.split(a, 5))
print(b.clamp(2, 9))
print(b.masked_fill(b > 6, -1.0))
idx = torch.tensor([[0, 3], [1, 2], [2, 1]])
print(torch.gather(b, 1, idx))
print(torch.zeros(3, 4).scatter(1, idx, torch.ones(3, 2)))
print(b.index_select(0, torch.tensor([2, 0])))
print(torch.where(b > 5, b, torch.zeros_like(b)))
print(torch.einsum("ij,kj->ik", b, b))
print(b.exp().log().round(decimals=3))
print(b.pow(2).sqrt(), b.t().contiguous().shape)
print(torch.linspace(0, 1, steps=5), torch.eye(3))
print(torch.tensor([1, 2, 3]) / 2, torch.tensor([1, 2, 3]) + 1.5, torch.tensor([1, 2]) * True)
print(torch.tensor([True, False]), torch.tensor([1e-5, 1.0, 1e5]))
print(b.int(), b.long().dtype, b.double().dtype, b.half().dtype, b.bool().dtype)
print(torch.linalg.norm(b), torch.fft.rfft(torch.tensor([1.0, 0.0, -1.0, 0.0])))
print(b.tolist())
