"""The whole-study benchmark's PyTorch side (`retainlab bench --study`): the reference study as a plain PyTorch script.

Reads the exact splits RetainLab's study uses (.npy files the bench writes: x_* float32 [n, 784], y_* int64),
pretrains the MLP 784-256-256-10 and fine-tunes one seed of every method with the semantics of docs/methods.md at
the defaults of RetainLab's method registry. Differences kept on purpose, and said in the report: nn.Linear's
default initialisation (RetainLab's study asks for its `pytorch` init, the same bounds) and torch.optim.Adam's
ε = 1e-8 (RetainLab's Adam: 1e-7; both add ε to the bias-corrected √v̂). Prints one JSON object.

usage: torch_study.py --data DIR --threads N [--smoke] [--methods vanilla,wiseft,...]
"""
import argparse
import json
import math
import os
import re
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

METHODS = ['vanilla', 'wiseft', 'l2-sp', 'ewc', 'recadam', 'rehearsal', 'mixcd', 'lora-1', 'lora-4', 'lora-16', 'lora-64']
# Registry defaults (src-main/engine/methods/*.ts).
WISE_ALPHAS = [round(0.1 * i, 1) for i in range(11)]
WISE_REPORT = 0.5
L2SP_ALPHA = 0.1
EWC = dict(lam=1e5, samples=2048, batch=64)
RECADAM = dict(gamma=100.0, t0=0.67, k=10.0, eps=1e-8)
MEMORY_BATCH = 16
MIXCD = dict(decay=0.95, a=0.2, b=1.0, eps=0.1)
LORA_SCALE = 2.0


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


class LoraLinear(nn.Module):
    """A frozen nn.Linear (bias frozen too, PEFT's bias = "none") plus s·(x·A)·B; A ~ U(±1/√fan-in), B = 0."""

    def __init__(self, base, rank):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        bound = base.in_features ** -0.5
        self.a = nn.Parameter(torch.empty(base.in_features, rank).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.zeros(rank, base.out_features))

    def forward(self, x):
        return self.base(x) + LORA_SCALE * (x @ self.a) @ self.b

    def merge(self):
        with torch.no_grad():
            self.base.weight += LORA_SCALE * (self.a @ self.b).T
        return self.base


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def correct(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).numpy()


class Adam:
    """torch.optim.Adam (ε = 1e-8) with an extra gradient term (L2-SP, EWC) added before the step, as RetainLab adds it."""

    def __init__(self, params, lr):
        self.params = [p for p in params if p.requires_grad]
        self.opt = torch.optim.Adam(self.params, lr=lr)

    def step(self, loss, extra=None):
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        if extra:
            with torch.no_grad():
                for p in self.params:
                    p.grad += extra(p)
        self.opt.step()


class RecAdam:
    """RecAdam.py's update: ε on √v; θ −= lr·√(1−β2ᵗ)/(1−β1ᵗ)·λ·m/(√v+ε); θ −= lr·(1−λ)·γ·(θ−θ₀); weight decay 0."""

    def __init__(self, params, theta0, lr, total_steps):
        self.params = [p for p in params if p.requires_grad]
        self.theta0 = theta0
        self.lr = lr
        self.t0 = RECADAM['t0'] * total_steps
        self.k = RECADAM['k'] / total_steps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, loss, extra=None):
        for p in self.params:
            p.grad = None
        loss.backward()
        self.t += 1
        t = self.t
        lam = 1 / (1 + math.exp(-self.k * (t - self.t0)))
        size = self.lr * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        with torch.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                g = p.grad
                m.mul_(0.9).add_(g, alpha=0.1)
                v.mul_(0.999).addcmul_(g, g, value=0.001)
                p.sub_(m / (v.sqrt() + RECADAM['eps']), alpha=size * lam)
                p.sub_(p - self.theta0[id(p)], alpha=self.lr * (1 - lam) * RECADAM['gamma'])


def avalanche_fisher(model, x, y, samples, batch, gen):
    """Mean over mini-batches of the squared gradient of each batch's mean loss (Avalanche's EWCPlugin), on a seeded subset."""
    rows = torch.randperm(len(x), generator=gen)[: min(samples, len(x))]
    fisher = [torch.zeros_like(p) for p in model.parameters()]
    batches = 0
    for i in range(0, len(rows), batch):
        r = rows[i : i + batch]
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[r]), y[r]).backward()
        for f, p in zip(fisher, model.parameters()):
            f += p.grad ** 2
        batches += 1
    model.zero_grad(set_to_none=True)
    return [f / batches for f in fisher]


class MixCd:
    """mix-cd's estimated sampler by class (docs/methods.md §3.7): decayed seen/wrong counts per class of correct-before rows."""

    def __init__(self, y_pool, c0, gen):
        self.parts = 10
        self.part_of = y_pool.numpy()
        self.candidates = [np.flatnonzero((self.part_of == k) & c0) for k in range(self.parts)]
        self.n1 = np.array([len(c) for c in self.candidates], dtype=np.float64)
        self.seen = np.zeros(self.parts)
        self.wrong = np.zeros(self.parts)
        self.rng = np.random.default_rng(int(torch.randint(0, 2**31, (1,), generator=gen)))

    def draw(self, m):
        rates = (self.wrong + MIXCD['a']) / (self.seen + MIXCD['a'] + MIXCD['b'])
        w = self.n1 * rates
        eligible = self.n1 > 0
        q = np.where(eligible, (1 - MIXCD['eps']) * w / w.sum() + MIXCD['eps'] / eligible.sum(), 0)
        parts = self.rng.choice(self.parts, size=m, p=q / q.sum())
        return np.array([self.candidates[k][self.rng.integers(len(self.candidates[k]))] for k in parts])

    def observe(self, rows, ok):
        self.seen *= MIXCD['decay']
        self.wrong *= MIXCD['decay']
        np.add.at(self.seen, self.part_of[rows], 1)
        np.add.at(self.wrong, self.part_of[rows], 1 - ok)


def train_epochs(model, opt, x, y, epochs, batch, gen, evals_per_epoch=0, evaluate=None, rehearse=None, extra=None):
    """RetainLab's loop: a fresh permutation per epoch, the last partial batch kept, evaluations spread over each epoch."""
    n = len(x)
    per_epoch = math.ceil(n / batch)
    at = {round(k * per_epoch / evals_per_epoch) for k in range(1, evals_per_epoch + 1)} if evals_per_epoch else set()
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        for s in range(per_epoch):
            rows = order[s * batch : (s + 1) * batch]
            if rehearse is None:
                loss = F.cross_entropy(model(x[rows]), y[rows])
            else:
                loss = rehearse(rows)
            opt.step(loss, extra)
            if s + 1 in at:
                evaluate()


def finetune(method, base_state, d, args, seed):
    """One fine-tuning run of `method` from θ₀; returns its final A_pre and A_tgt and its wall seconds."""
    started = time.perf_counter()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = mlp()
    model.load_state_dict(base_state)
    theta0 = [p.detach().clone() for p in model.parameters()]
    by_id = {id(p): t for p, t in zip(model.parameters(), theta0)}
    xp, yp = d['pretrain_train']
    xpe, ype = d['pretrain_eval']
    xt, yt = d['target_train']
    xte, yte = d['target_eval']
    total = math.ceil(len(xt) / args.batch) * args.epochs
    points = []

    def evaluate():
        points.append((accuracy(model, xpe, ype), accuracy(model, xte, yte)))

    evaluate()
    extra = rehearse = None
    if method.startswith('lora-'):
        rank = int(method.split('-')[1])
        for i in (1, 3, 5):
            model[i] = LoraLinear(model[i], rank)
        opt = Adam(model.parameters(), args.lr)
    elif method == 'recadam':
        opt = RecAdam(model.parameters(), by_id, args.lr, total)
    else:
        opt = Adam(model.parameters(), args.lr)
    if method == 'l2-sp':
        extra = lambda p: L2SP_ALPHA * (p - by_id[id(p)])
    elif method == 'ewc':
        fisher = avalanche_fisher(model, xp, yp, EWC['samples'], EWC['batch'], torch.Generator().manual_seed(seed + 7))
        two_lambda_f = {id(p): 2 * EWC['lam'] * f for p, f in zip(model.parameters(), fisher)}
        extra = lambda p: two_lambda_f[id(p)] * (p - by_id[id(p)])
    elif method in ('rehearsal', 'mixcd'):
        # Both measure θ₀'s correctness on the pool first (RetainLab: the rehearsal efficiency, and mix-cd's candidates).
        c0 = correct(model, xp, yp)
        pick_gen = torch.Generator().manual_seed(seed + 1)
        if method == 'rehearsal':
            state = {'order': torch.randperm(len(xp), generator=pick_gen), 'next': 0}

            def draw():
                if state['next'] + MEMORY_BATCH > len(state['order']):
                    state['order'], state['next'] = torch.randperm(len(xp), generator=pick_gen), 0
                rows = state['order'][state['next'] : state['next'] + MEMORY_BATCH]
                state['next'] += MEMORY_BATCH
                return rows.numpy()

            observe = None
        else:
            sampler = MixCd(yp, c0, pick_gen)
            draw, observe = lambda: sampler.draw(MEMORY_BATCH), sampler.observe

        def rehearse(rows):
            mem = torch.from_numpy(draw())
            logits = model(torch.cat([xt[rows], xp[mem]]))
            labels = torch.cat([yt[rows], yp[mem]])
            if observe:
                observe(mem.numpy(), (logits[len(rows) :].argmax(1) == labels[len(rows) :]).numpy().astype(np.float64))
            # The mean over the mixed batch: (B·L_tgt + B_mem·L_mem)/(B + B_mem).
            return F.cross_entropy(logits, labels)

    train_epochs(model, opt, xt, yt, args.epochs, args.batch, gen, args.evals_per_epoch, evaluate, rehearse, extra)
    if method.startswith('lora-'):
        for i in (1, 3, 5):
            model[i] = model[i].merge()
    if method == 'wiseft':
        theta_ft = [p.detach().clone() for p in model.parameters()]

        def assign(alpha):
            with torch.no_grad():
                for p, t0, t1 in zip(model.parameters(), theta0, theta_ft):
                    p.copy_((1 - alpha) * t0 + alpha * t1)

        for alpha in WISE_ALPHAS:
            assign(alpha)
            evaluate()
        assign(WISE_REPORT)
    a_pre, a_tgt = accuracy(model, xpe, ype), accuracy(model, xte, yte)
    return {'method': method, 'seconds': time.perf_counter() - started, 'aPre': a_pre, 'aTgt': a_tgt, 'evaluations': len(points) + 1}


def load(data_dir, smoke):
    d = {}
    for split in ('pretrain_train', 'pretrain_eval', 'target_train', 'target_eval'):
        x = np.load(os.path.join(data_dir, f'x_{split}.npy'))
        y = np.load(os.path.join(data_dir, f'y_{split}.npy'))
        if smoke:
            x, y = x[:200], y[:200]
        d[split] = (torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).reshape(len(x), -1), torch.from_numpy(y.astype(np.int64)))
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--data', required=True, help='folder of x_/y_{pretrain_train,pretrain_eval,target_train,target_eval}.npy')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--pretrain-epochs', type=int, default=8)
    ap.add_argument('--epochs', type=int, default=5)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--evals-per-epoch', type=int, default=4)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--methods', default=','.join(METHODS))
    ap.add_argument('--smoke', action='store_true', help='200 rows per split, 1 pretrain and 1 fine-tuning epoch: checks the script runs')
    args = ap.parse_args()
    if args.smoke:
        args.pretrain_epochs, args.epochs = 1, 1
    methods = args.methods.split(',')
    unknown = [m for m in methods if m not in METHODS and not re.fullmatch(r'lora-[1-9][0-9]*', m)]
    if unknown:
        raise SystemExit(f'--methods: unknown {", ".join(unknown)} (known: {", ".join(METHODS)}, lora-<rank>)')
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    d = load(args.data, args.smoke)
    loaded = time.perf_counter()
    torch.manual_seed(args.seed)
    model = mlp()
    opt = Adam(model.parameters(), args.lr)
    xp, yp = d['pretrain_train']
    train_epochs(model, opt, xp, yp, args.pretrain_epochs, args.batch, torch.Generator().manual_seed(args.seed))
    base_state = {k: v.clone() for k, v in model.state_dict().items()}
    pretrained = time.perf_counter()
    runs = [finetune(m, base_state, d, args, args.seed) for m in methods]
    done = time.perf_counter()
    blas = re.search(r'BLAS_INFO=([^,]+)', torch.__config__.show())
    print(
        json.dumps(
            {
                'torch': torch.__version__,
                'threads': torch.get_num_threads(),
                'blas': blas.group(1) if blas else '?',
                'adamEpsilon': 1e-8,
                'sizes': {k: len(v[1]) for k, v in d.items()},
                'pretrain': {'seconds': pretrained - loaded, 'aPre': accuracy(model, *d['pretrain_eval'])},
                'finetuneSeconds': done - pretrained,
                'totalSeconds': done - started,
                'runs': runs,
            }
        )
    )


if __name__ == '__main__':
    main()
