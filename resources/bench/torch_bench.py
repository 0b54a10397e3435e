"""PyTorch peer for `npm run bench`: the same models, batch sizes and optimizer as RetainLab's engine.

Reads one JSON object of arguments from argv[1]. With "workload": "info" it prints torch's version,
threads and BLAS as JSON. Otherwise it builds the workload, runs its warm-up steps, prints
"ready <threads>", then for each line n on stdin runs n timed steps (an eval step is one pass over
all rows) and prints their seconds, so its segments interleave with the engine's; an empty line ends
it. Random inputs of the digits' shape: throughput does not depend on the values.
"""
import json
import re
import sys

import torch
from torch import nn

from blas_libs import loaded_blas
from bench_session import serve


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


def train_steps(model, batch):
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(batch * 8, 784)
    y = torch.randint(0, 10, (batch * 8,))
    done = 0

    def steps(n):
        nonlocal done
        for _ in range(n):
            j = (done % 8) * batch
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[j:j + batch]), y[j:j + batch]).backward()
            opt.step()
            done += 1

    return steps


def eval_passes(rows):
    model = mlp().eval()
    x = torch.rand(rows, 784)
    y = torch.randint(0, 10, (rows,))

    def passes(n):
        with torch.no_grad():
            for _ in range(n):
                (model(x).argmax(1) == y).numpy()

    return passes


def info():
    torch.ones(64, 64) @ torch.ones(64, 64)
    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=([^,\s]+)", config)
    return {
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "blasInfo": blas.group(1) if blas else None,
        "mkl": torch.backends.mkl.is_available(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "openmp": torch.backends.openmp.is_available(),
        "loadedBlas": loaded_blas(),
        "python": sys.executable,
    }


def main():
    args = json.loads(sys.argv[1])
    if args["workload"] == "info":
        print(json.dumps(info()))
        return
    if args.get("threads"):
        torch.set_num_threads(args["threads"])
    torch.manual_seed(0)
    w = args["workload"]
    if w == "eval":
        steps = eval_passes(args["rows"])
    else:
        model = {"mlp": mlp, "cnn": cnn, "lora": lambda: lora_mlp(args.get("rank", 8))}[w]()
        steps = train_steps(model, args["batch"])
    serve(steps, args["warmup"])


if __name__ == "__main__":
    main()
