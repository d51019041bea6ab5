"""Two interleaved spirals, classified by a small MLP (nn.Sequential, SGD with momentum)."""

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

# Data: two spirals of 200 points each, a little noise.
n = 200
t = torch.linspace(0.25, 3 * math.pi, n)
spiral = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (3 * math.pi)
x = torch.cat([spiral, -spiral]) + 0.02 * torch.randn(2 * n, 2)
y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])

model = nn.Sequential(
    nn.Linear(2, 64), nn.Tanh(),
    nn.Linear(64, 64), nn.Tanh(),
    nn.Linear(64, 2),
)
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)

for epoch in range(40):
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    if epoch % 10 == 0 or epoch == 39:
        print(f"epoch {epoch} loss {total / len(x):.6f}")

with torch.no_grad():
    accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
print(f"accuracy {accuracy:.4f}")
