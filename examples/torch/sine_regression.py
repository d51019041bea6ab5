"""Fit y = sin(x) with a custom nn.Module, Adam and a step learning-rate schedule."""

import math

import torch
import torch.nn.functional as F
from torch import nn


class SineNet(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.inp = nn.Linear(1, hidden)
        self.hidden = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h = F.gelu(self.inp(x))
        h = F.gelu(self.hidden(h)) + h          # a residual connection
        return self.out(h)


torch.manual_seed(0)
x = torch.linspace(-math.pi, math.pi, 256).unsqueeze(1)
y = torch.sin(x)

model = SineNet()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=150, gamma=0.3)
loss_fn = nn.MSELoss()

for step in range(400):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    sched.step()
    if step % 100 == 0 or step == 399:
        print(f"step {step} loss {loss.item():.6f} lr {sched.get_last_lr()[0]:.6f}")

model.eval()
with torch.no_grad():
    test = torch.tensor([[0.5], [1.0], [2.0]])
    err = (model(test) - torch.sin(test)).abs().max().item()
print(f"max test error {err:.6f}")
