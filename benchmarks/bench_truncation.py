"""Full BPTT against its two truncations: time and peak memory of one gradient.

    python benchmarks/bench_truncation.py [--repeats 5] [--k 10]

`RNN(1, 16, 1).gradients` on 20 sequences of T = 200 and 1000 random bits, three ways:
full BPTT, the sliding window of k steps (`truncation=k`, Williams & Peng's BPTT(h): each
error walks back k steps) and chunks of k steps with the state detached (`chunk=k`, as
d2l and PyTorch's h.detach()). One line a case: the median time over the repeats, the
step-backs each walks, and the peak memory the computation held (tracemalloc, measured
in a separate call, since tracing slows allocation). Notebook 07, section 5, prints the
same table once; this script repeats it so that a reader can trust the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the thread setting)

from backprop_lib import RNN  # noqa: E402


def one_case(T: int, how: str, k: int, repeats: int) -> dict:
    """Median seconds, peak bytes and step-backs of one gradient, `how` in full/window/chunk."""
    X = np.random.default_rng(11).integers(0, 2, (20, T, 1)).astype(float)
    net = RNN(1, 16, 1, seed=0)
    options = {"full": {}, "window": {"truncation": k}, "chunk": {"chunk": k}}[how]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        net.gradients(X, X, **options)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    net.gradients(X, X, **options)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    walks = sum(min(k, t + 1) for t in range(T)) if how == "window" else T
    return {"T": T, "method": how, "k": k, "step_backs": walks,
            "median_ms": 1000 * statistics.median(times), "peak_kib": peak / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; repeats {args.repeats}; k {args.k}")
    print("   T | method | step-backs | median time | peak memory")
    for T in (200, 1000):
        for how in ("full", "window", "chunk"):
            r = one_case(T, how, args.k, args.repeats)
            print(f"{T:4d} | {how:6s} | {r['step_backs']:10d} | {r['median_ms']:8.1f} ms | "
                  f"{r['peak_kib']:7.0f} KiB", flush=True)


if __name__ == "__main__":
    main()
