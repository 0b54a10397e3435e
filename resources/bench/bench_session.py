"""The timing session every PyTorch peer of the bench speaks: warm up, say ready, then time the step counts it is sent."""

import sys
import time

import torch


def serve(steps, warmup):
    """Runs `warmup` steps, prints "ready <threads>", then for each line of stdin (a step count) runs that many steps
    and prints the seconds they took; a blank line or the end of stdin ends the session."""
    steps(warmup)
    print("ready", torch.get_num_threads(), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        start = time.perf_counter()
        steps(int(line))
        print(time.perf_counter() - start, flush=True)
