"""A small CNN tells horizontal from vertical bars in noisy 12x12 images."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


def make_images(n):
    images = 0.3 * torch.randn(n, 1, 12, 12)
    labels = torch.randint(0, 2, (n,))
    pos = torch.randint(2, 10, (n,))
    for i in range(n):
        p = int(pos[i])
        if labels[i] == 0:
            images[i, 0, p, :] += 1.0       # a horizontal bar
        else:
            images[i, 0, :, p] += 1.0       # a vertical bar
    return images, labels


x_train, y_train = make_images(256)
x_test, y_test = make_images(64)

model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Dropout(0.2),
    nn.Linear(16 * 3 * 3, 2),
)
opt = torch.optim.RMSprop(model.parameters(), lr=0.003)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)

for epoch in range(8):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * xb.shape[0]
    print(f"epoch {epoch} loss {total / len(x_train):.6f}")

model.eval()
with torch.no_grad():
    accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
print(f"test accuracy {accuracy:.4f}")
