"""A whole training step under torch.compile: binary classification of two Gaussian blobs."""

import torch
from torch import nn

torch.manual_seed(0)

n = 512
x = torch.cat([torch.randn(n, 8) + 1.0, torch.randn(n, 8) - 1.0])
y = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)])

model = nn.Sequential(nn.Linear(8, 32), nn.LayerNorm(32), nn.SiLU(), nn.Linear(32, 1))
loss_fn = nn.BCEWithLogitsLoss()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
steps = 200
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.02, total_steps=steps)


@torch.compile
def train_step(xb, yb):
    opt.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss


for step in range(steps):
    idx = torch.randint(0, 2 * n, (64,))
    loss = train_step(x[idx], y[idx])
    sched.step()
    if step % 50 == 0 or step == steps - 1:
        with torch.no_grad():
            full = loss_fn(model(x), y).item()      # on the whole data set
        print(f"step {step} batch loss {loss.item():.6f} loss {full:.6f}")

with torch.no_grad():
    accuracy = ((model(x) > 0).float() == y).float().mean().item()
print(f"accuracy {accuracy:.4f}")
