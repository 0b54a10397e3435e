"""The machine's matrix-multiply ceiling for `npm run bench`: float32 n×n matmuls with numpy (and with
torch when this python has it), GFLOP/s best-of and median. The thread count is the caller's
(OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS in this process's environment).

Reads one JSON object {"n", "repeats", "seconds"} from argv[1]; prints one JSON object.
"""
import json
import statistics
import sys
import time

from blas_libs import loaded_blas


def timed(matmul, n, repeats, seconds):
    """GFLOP/s of each of up to `repeats` matmuls after one warm-up, stopping early past `seconds` (a slow BLAS)."""
    matmul()
    rates = []
    begin = time.perf_counter()
    while len(rates) < repeats and (len(rates) < 2 or time.perf_counter() - begin < seconds):
        start = time.perf_counter()
        matmul()
        rates.append(2 * n ** 3 / (time.perf_counter() - start) / 1e9)
    return {"best": max(rates), "median": statistics.median(rates), "count": len(rates)}


def main():
    a = json.loads(sys.argv[1])
    n = a["n"]
    out = {"python": sys.executable, "n": n, "libraries": []}
    import numpy as np

    x = np.random.default_rng(0).random((n, n), dtype=np.float32)
    y = np.random.default_rng(1).random((n, n), dtype=np.float32)
    out["libraries"].append({"library": f"numpy {np.__version__}", **timed(lambda: x @ y, n, a["repeats"], a["seconds"])})
    try:
        import torch

        if a.get("threads"):
            torch.set_num_threads(a["threads"])
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        out["libraries"].append({"library": f"torch {torch.__version__}", **timed(lambda: tx @ ty, n, a["repeats"], a["seconds"])})
    except ImportError:
        pass
    out["loadedBlas"] = loaded_blas()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
