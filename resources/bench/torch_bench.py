"""PyTorch peer for `npm run bench`: the same models, batch sizes and optimizer as RetainLab's engine.

Reads one JSON object of arguments from argv[1], prints one JSON object of results. Random inputs of
the digits' shape: throughput does not depend on the values.
"""
import json
import sys
import time

import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def cnn():
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 16, 5, stride=2), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2), nn.ReLU(),
        nn.Flatten(), nn.Linear(800, 128), nn.ReLU(), nn.Linear(128, 10),
    )


class LoraLinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update scale·(x·A)·B, as in PEFT."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad_(False)
        self.base.bias.requires_grad_(False)
        self.a = nn.Parameter(torch.empty(base.in_features, rank).uniform_(-base.in_features ** -0.5, base.in_features ** -0.5))
        self.b = nn.Parameter(torch.zeros(rank, base.out_features))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + self.scale * (x @ self.a) @ self.b


def lora_mlp(rank):
    m = mlp()
    for i in (0, 2, 4):
        m[i] = LoraLinear(m[i], rank, 2 * rank)
    return m


def train_throughput(model, batch, steps, warmup):
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(batch * 8, 784)
    y = torch.randint(0, 10, (batch * 8,))

    def step(i):
        j = (i % 8) * batch
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[j:j + batch]), y[j:j + batch])
        loss.backward()
        opt.step()

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return steps * batch / (time.perf_counter() - start)


def eval_throughput(rows, repeats):
    model = mlp().eval()
    x = torch.rand(rows, 784)
    y = torch.randint(0, 10, (rows,))
    with torch.no_grad():
        (model(x).argmax(1) == y).numpy()
        start = time.perf_counter()
        for _ in range(repeats):
            (model(x).argmax(1) == y).numpy()
    return repeats * rows / (time.perf_counter() - start)


def main():
    args = json.loads(sys.argv[1])
    if args.get("threads"):
        torch.set_num_threads(args["threads"])
    torch.manual_seed(0)
    w = args["workload"]
    if w == "eval":
        sps = eval_throughput(args["rows"], args["repeats"])
    else:
        model = {"mlp": mlp, "cnn": cnn, "lora": lambda: lora_mlp(args.get("rank", 8))}[w]()
        sps = train_throughput(model, args["batch"], args["steps"], args["warmup"])
    print(json.dumps({"samplesPerSecond": sps, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
