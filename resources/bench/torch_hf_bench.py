"""PyTorch peer for the transformer rows of `npm run bench`: BERT- and GPT-2-shaped training steps.

argv[1] is one JSON object (family, sizes, batch, threads). The models are written here in plain
torch.nn (no `transformers` package on our machines) with the Hub's architecture: BERT is post-norm
with a tanh pooler on [CLS] and a classifier on it; GPT-2 is pre-norm, causal, with the LM head tied
to the token embeddings. Adam at 1e-3, as the engine's step. Random weights and tokens.

The process stays up so its timed segments can interleave with the other sides': it prints "ready",
then for each line "N" on stdin runs N steps and prints their seconds; an empty line ends it.
"""
import json
import math
import sys

import torch
from torch import nn
import torch.nn.functional as F

from bench_session import serve


class Attention(nn.Module):
    def __init__(self, d, heads, causal):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.heads, self.causal = heads, causal

    def forward(self, x):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
        if self.causal:
            scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        return self.o(out)


class Block(nn.Module):
    def __init__(self, d, heads, hidden, causal, pre_norm, eps):
        super().__init__()
        self.attn = Attention(d, heads, causal)
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=eps), nn.LayerNorm(d, eps=eps)
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, d)
        self.pre_norm = pre_norm
        self.act = (lambda y: F.gelu(y, approximate="tanh")) if pre_norm else F.gelu

    def forward(self, x):
        mlp = lambda y: self.fc2(self.act(self.fc1(y)))
        if self.pre_norm:
            x = x + self.attn(self.ln1(x))
            return x + mlp(self.ln2(x))
        x = self.ln1(x + self.attn(x))
        return self.ln2(x + mlp(x))


class Bert(nn.Module):
    def __init__(self, a):
        super().__init__()
        d = a["hidden"]
        self.tokens, self.positions, self.types = nn.Embedding(a["vocab"], d), nn.Embedding(a["seq"], d), nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.blocks = nn.ModuleList(Block(d, a["heads"], a["intermediate"], False, False, 1e-12) for _ in range(a["layers"]))
        self.pooler, self.classifier = nn.Linear(d, d), nn.Linear(d, a["classes"])

    def loss(self, x, y):
        t = x.shape[1]
        h = self.ln(self.tokens(x) + self.positions(torch.arange(t)) + self.types(torch.zeros_like(x)))
        for block in self.blocks:
            h = block(h)
        return F.cross_entropy(self.classifier(torch.tanh(self.pooler(h[:, 0]))), y)


class Gpt2(nn.Module):
    def __init__(self, a):
        super().__init__()
        d = a["hidden"]
        self.tokens, self.positions = nn.Embedding(a["vocab"], d), nn.Embedding(a["seq"], d)
        self.blocks = nn.ModuleList(Block(d, a["heads"], a["intermediate"], True, True, 1e-5) for _ in range(a["layers"]))
        self.ln_f = nn.LayerNorm(d, eps=1e-5)

    def loss(self, x, next_tokens):
        h = self.tokens(x) + self.positions(torch.arange(x.shape[1]))
        for block in self.blocks:
            h = block(h)
        logits = self.ln_f(h) @ self.tokens.weight.T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), next_tokens.reshape(-1))


def main():
    a = json.loads(sys.argv[1])
    torch.set_num_threads(a["threads"])
    torch.manual_seed(0)
    model = (Bert if a["family"] == "bert" else Gpt2)(a)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = 8
    x = torch.randint(1, a["vocab"], (batches, a["batch"], a["seq"]))
    y = torch.randint(0, a["classes"], (batches, a["batch"])) if a["family"] == "bert" else torch.randint(0, a["vocab"], x.shape)
    done = 0

    def steps(n):
        nonlocal done
        for _ in range(n):
            i = done % batches
            opt.zero_grad(set_to_none=True)
            model.loss(x[i], y[i]).backward()
            opt.step()
            done += 1

    serve(steps, a["warmup"])


if __name__ == "__main__":
    main()
