"""Train the same MNIST network with backprop_lib, scikit-learn and PyTorch, side by side.

    python benchmarks/bench_mnist.py            # the full run quoted in benchmarks/RESULTS.md
    python benchmarks/bench_mnist.py --quick    # a few epochs on a subset: under a minute

The network is the one of notebook 05: 784-30-10, ReLU hidden layer, softmax output with
cross-entropy, plain SGD (no momentum, no weight decay), mini-batches of 100, learning
rate 0.1, float32, He-normal initial weights (PyTorch starts from the very same weights;
scikit-learn has no way to choose its initialisation and uses its own).

Runs are interleaved (backprop_lib, scikit-learn, PyTorch, backprop_lib, ...), so a slow
moment of the machine hits all of them alike. Each run is a fresh Python process that
trains for --epochs epochs, one call per epoch (backprop_lib: ``fit(epochs=1)``,
scikit-learn: ``partial_fit``, PyTorch: one pass of the usual training loop), so every
epoch is timed on its own. Peak memory is that process's peak resident set size (RSS)
while it trains, over its RSS just before (the data are already loaded by then).

The lower bound is the time the matrix products of one epoch take on their own: the
five products of one mini-batch (forward X W1 and a1 W2, backward a1ᵀ δ2, δ2 W2ᵀ and
Xᵀ δ1), each timed alone for exactly these shapes in float32, the faster of its two
orientations, times the number of mini-batches, with numpy's BLAS and, when PyTorch is
installed, with PyTorch's too (MKL, which multiplies these shapes faster). The bound is
the faster of the two; no implementation on this machine beats it without skipping
work. The bound of numpy's BLAS alone is reported too: numpy code cannot go below it.

PyTorch is optional: without it the script says so and how to install it.

MNIST comes from ``backprop_lib.load_mnist()`` (set BACKPROP_DATA_DIR to a folder with
the four files to avoid a download).

--floor adds two references that are not libraries: the same training written as one
hand-fused, in-place numpy loop ("numpy-fused"), and that loop with two extra hidden
units that start at zero and stay zero ("numpy-fused-32": the same function as the
30-unit network, in a shape OpenBLAS multiplies faster). They show how fast plain numpy
can go here, and so what backprop_lib's readable loop costs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

SIZES = [784, 30, 10]
BATCH_SIZE = 100
LR = 0.1
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# name -> (module to import, how to install it)
IMPLEMENTATIONS = {
    "backprop_lib": ("backprop_lib", "pip install -e .  (from the project's root)"),
    "scikit-learn": ("sklearn", "pip install scikit-learn"),
    "PyTorch": ("torch", "pip install torch --index-url https://download.pytorch.org/whl/cpu"
                         "  (the CPU build; see benchmarks/README.md)"),
    # --floor: references, not libraries (numpy is always there)
    "numpy-fused": ("numpy", "pip install numpy"),
    "numpy-fused-32": ("numpy", "pip install numpy"),
}
PEERS = ["backprop_lib", "scikit-learn", "PyTorch"]  # what runs by default
FLOORS = ["numpy-fused", "numpy-fused-32"]


# ---- one run: a fresh process trains one implementation ------------------------------
# Each trainer is a generator: it sets up and yields once (not timed), then trains and
# yields how many epochs that step covered (1 per epoch, or all of them with one_call),
# each step timed, and finally returns the test accuracy.
def train_backprop_lib(data, epochs: int, seed: int, threads: int | None, one_call: bool):
    """backprop_lib's Network, one fit(epochs=1) per epoch, or one fit(epochs=epochs)."""
    import numpy as np

    from backprop_lib import Network, one_hot

    net = Network(SIZES, hidden="relu", output="softmax", loss="cross_entropy", init="he",
                  seed=seed, dtype=np.float32)
    Y = one_hot(data["y_train"], 10)
    blas = {} if threads is None else {"blas_threads": threads}  # None: fit's own default
    yield
    for step in [epochs] if one_call else [1] * epochs:
        net.fit(data["X_train"], Y, lr=LR, epochs=step, batch_size=BATCH_SIZE, **blas)
        yield step
    return net.accuracy(data["X_test"], data["y_test"])


def train_sklearn(data, epochs: int, seed: int, threads: int | None, one_call: bool):
    """scikit-learn's MLPClassifier, one partial_fit per epoch, or one fit(max_iter=epochs)."""
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(SIZES[1],), activation="relu", solver="sgd",
                        learning_rate="constant", learning_rate_init=LR, momentum=0.0,
                        nesterovs_momentum=False, alpha=0.0, batch_size=BATCH_SIZE,
                        shuffle=True, random_state=seed, max_iter=epochs,
                        n_iter_no_change=epochs + 1)  # never stop early: train every epoch
    yield
    if one_call:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # "max_iter reached"
            clf.fit(data["X_train"], data["y_train"])
        assert clf.n_iter_ == epochs, clf.n_iter_
        yield epochs
    else:
        for _ in range(epochs):
            clf.partial_fit(data["X_train"], data["y_train"], classes=np.arange(10))
            yield 1
    return float(clf.score(data["X_test"], data["y_test"]))


def train_pytorch(data, epochs: int, seed: int, threads: int | None, one_call: bool):
    """The usual PyTorch loop (nn.Sequential, CrossEntropyLoss, SGD), batches by indexing.

    A loop has no per-call overhead, so one_call changes nothing here."""
    import numpy as np
    import torch
    from torch import nn

    from backprop_lib import Network

    if threads is not None:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(SIZES[0], SIZES[1]), nn.ReLU(),
                          nn.Linear(SIZES[1], SIZES[2]))
    start = Network(SIZES, hidden="relu", init="he", seed=seed, dtype=np.float32)
    with torch.no_grad():  # the same initial weights as backprop_lib
        for layer, W in zip((model[0], model[2]), start.W):
            layer.weight.copy_(torch.from_numpy(W.T))  # PyTorch stores (n_out, n_in)
            layer.bias.zero_()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.0)
    X = torch.from_numpy(data["X_train"])
    y = torch.from_numpy(data["y_train"].astype(np.int64))
    generator = torch.Generator().manual_seed(seed)
    n = len(X)
    yield
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        running_loss = 0.0  # kept per epoch, as backprop_lib's History and sklearn do
        for first in range(0, n, BATCH_SIZE):
            idx = order[first:first + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * len(idx)
        yield 1
    with torch.no_grad():
        predicted = model(torch.from_numpy(data["X_test"])).argmax(dim=1).numpy()
    return float(np.mean(predicted == data["y_test"]))


def train_numpy_fused(data, epochs: int, seed: int, threads: int | None, one_call: bool,
                      width: int = SIZES[1]):
    """The floor of plain numpy: fit's SGD as one loop, in place, nothing checked.

    Same initial weights and batch order as backprop_lib. width > 30 adds hidden units
    whose weights start at 0: their z is 0, ReLU(0) = 0 and ReLU'(0) = 0, so they and
    their weights stay exactly 0 and the network computes what the 30-unit one does.
    A loop has no per-call overhead, so one_call changes nothing here."""
    import numpy as np

    from backprop_lib import Network

    start = Network(SIZES, hidden="relu", init="he", seed=seed, dtype=np.float32)
    n_in, n_hidden, n_out = SIZES
    W1 = np.zeros((n_in, width), np.float32)
    W1[:, :n_hidden] = start.W[0]
    W2 = np.zeros((width, n_out), np.float32)
    W2[:n_hidden] = start.W[1]
    b1, b2 = np.zeros(width, np.float32), np.zeros(n_out, np.float32)
    X, y = data["X_train"], data["y_train"]
    n = len(X)
    yield
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            order = start.rng.permutation(n)  # the order backprop_lib's fit draws
            running_loss, correct = 0.0, 0  # kept per epoch, as the others do
            for first in range(0, n, BATCH_SIZE):
                idx = order[first:first + BATCH_SIZE]
                a0, labels, rows = X[idx], y[idx], np.arange(len(idx))
                z1 = a0 @ W1
                z1 += b1
                a1 = np.maximum(z1, 0)
                z2 = a1 @ W2
                z2 += b2
                z2 -= z2.max(axis=1, keepdims=True)
                a2 = np.exp(z2)
                a2 /= a2.sum(axis=1, keepdims=True)
                running_loss -= float(np.log(a2[rows, labels]).sum())
                correct += int(np.count_nonzero(a2.argmax(axis=1) == labels))
                delta2 = a2  # a2 - Y in place, times lr / batch: the products below
                delta2[rows, labels] -= 1  # then give lr·∂L/∂W directly
                delta2 *= np.float32(LR / len(idx))
                delta1 = delta2 @ W2.T
                delta1 *= z1 > 0
                W2 -= a1.T @ delta2
                b2 -= delta2.sum(axis=0)
                W1 -= a0.T @ delta1
                b1 -= delta1.sum(axis=0)
            yield 1
    Z = np.maximum(data["X_test"] @ W1 + b1, 0) @ W2 + b2
    return float(np.mean(Z.argmax(axis=1) == data["y_test"]))


def train_numpy_fused_32(data, epochs: int, seed: int, threads: int | None, one_call: bool):
    """train_numpy_fused with 32 hidden units, 2 of them always 0."""
    return train_numpy_fused(data, epochs, seed, threads, one_call, width=32)


TRAINERS = {"backprop_lib": train_backprop_lib, "scikit-learn": train_sklearn,
            "PyTorch": train_pytorch, "numpy-fused": train_numpy_fused,
            "numpy-fused-32": train_numpy_fused_32}


def _status_kib(key: str) -> int | None:
    """A field of /proc/self/status in KiB (Linux), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> str:
    """Start a new peak-RSS measurement; return how peak memory is measured."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # Linux: resets VmHWM, the peak RSS, to the current RSS
        return "VmHWM (peak RSS) reset before training, minus RSS before training"
    except OSError:
        return "ru_maxrss (peak RSS of the whole process) minus RSS before training"


def _peak_rss_kib() -> int:
    hwm = _status_kib("VmHWM")
    if hwm is not None:
        return hwm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS


def worker(name: str, data_path: str, epochs: int, seed: int, threads: int | None,
           one_call: bool) -> dict:
    """Train one implementation in this process and return what was measured."""
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    with np.load(data_path) as f:
        data = {k: f[k] for k in f.files}
    limits = threadpool_limits(threads) if threads is not None else None
    module = IMPLEMENTATIONS[name][0]
    version = __import__(module).__version__
    run = TRAINERS[name](data, epochs, seed, threads, one_call)
    next(run)  # set up: imports, the model, data conversions
    memory_method = _reset_peak_rss()
    rss_before = _status_kib("VmRSS") or _peak_rss_kib()
    seconds, cpu_seconds = [], []
    while True:
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            covered = next(run)
        except StopIteration as done:
            accuracy = done.value
            break
        seconds += [(time.perf_counter() - start) / covered] * covered
        cpu_seconds += [(time.process_time() - cpu_start) / covered] * covered
    peak = _peak_rss_kib()
    result = {
        "implementation": name, "version": version, "seed": seed,
        "epoch_seconds": seconds, "epoch_cpu_seconds": cpu_seconds, "test_accuracy": accuracy,
        "rss_before_mib": rss_before / 1024, "peak_rss_mib": peak / 1024,
        "peak_extra_mib": max(peak - rss_before, 0) / 1024, "memory_method": memory_method,
        "blas": [f"{i['internal_api']} {i['version']}, threads: {i['num_threads']}"
                 for i in threadpool_info() if i["user_api"] == "blas"],
    }
    if name == "PyTorch":
        import torch

        result["torch_threads"] = torch.get_num_threads()
        result["torch_blas"] = "MKL" if torch.backends.mkl.is_available() else "not MKL"
    if limits is not None:
        limits.restore_original_limits()
    return result


# ---- the lower bound: the matrix products alone ---------------------------------------
def _product_seconds(A, B, number: int = 200, repeat: int = 7) -> float:
    """The best time of A @ B, computed as written or as (Bᵀ Aᵀ)ᵀ, whichever is faster.

    A and B may be numpy arrays or PyTorch tensors."""
    At, Bt = A.T, B.T
    as_written = min(timeit.repeat(lambda: A @ B, number=number, repeat=repeat))
    transposed = min(timeit.repeat(lambda: Bt @ At, number=number, repeat=repeat))
    return min(as_written, transposed) / number


def _blas_libraries(threads: int | None) -> dict:
    """name -> how to turn a numpy array into something its @ multiplies: numpy's own
    BLAS, and PyTorch's (MKL on x86) when it is installed, which can be faster."""
    libraries = {"numpy": lambda M: M}
    if importlib.util.find_spec("torch") is not None:
        import torch

        if threads is not None:
            torch.set_num_threads(threads)
        libraries["PyTorch"] = torch.from_numpy
    return libraries


def matmul_lower_bound(n_samples: int, threads: int | None) -> dict:
    """Seconds per epoch spent in matrix products alone, and the speed they ran at.

    Each product is timed with every BLAS at hand; the bound takes the fastest, and
    the bound of numpy's BLAS alone is kept too (the one numpy code can reach)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    B = BATCH_SIZE

    def rand(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    products = []  # (name, A, B): time A @ B and (Bᵀ @ Aᵀ), keep the faster
    for l, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:]), start=1):
        a, W, delta = rand(B, n_in), rand(n_in, n_out), rand(B, n_out)
        products.append((f"a{l - 1} W{l}  ({B}x{n_in} @ {n_in}x{n_out})", a, W))
        products.append((f"a{l - 1}ᵀ δ{l}  ({n_in}x{B} @ {B}x{n_out})", a.T, delta))
        if l > 1:  # δ is never propagated back into the input layer
            products.append((f"δ{l} W{l}ᵀ  ({B}x{n_out} @ {n_out}x{n_in})", delta, W.T))
    n_batches = -(-n_samples // B)
    rows, total_flops = [], 0
    with threadpool_limits(threads) if threads is not None else contextlib.nullcontext():
        libraries = _blas_libraries(threads)
        for name, A, Bm in products:
            flops = 2 * A.shape[0] * A.shape[1] * Bm.shape[1]
            by_blas = {lib: _product_seconds(convert(A), convert(Bm)) * 1e6
                       for lib, convert in libraries.items()}
            best = min(by_blas.values())
            rows.append({"product": name, "gflops_per_s": flops / best / 1e3,
                         "microseconds": best, "microseconds_by_blas": by_blas})
            total_flops += flops
    by_blas = {lib: sum(r["microseconds_by_blas"][lib] for r in rows) * n_batches / 1e6
               for lib in libraries}
    return {"products": rows, "flops_per_batch": total_flops, "batches": n_batches,
            "gflop_per_epoch": total_flops * n_batches / 1e9,
            "seconds_per_epoch": sum(r["microseconds"] for r in rows) * n_batches / 1e6,
            "seconds_per_epoch_by_blas": by_blas}


# ---- the parent: load the data, interleave the runs, report -----------------------------
def load_data(n_train: int | None, path: Path) -> dict:
    """MNIST as float32 in [0, 1] (rows = images), saved to `path` for the runs."""
    import numpy as np

    from backprop_lib import load_mnist

    train_images, train_labels, test_images, test_labels = load_mnist()
    X_train = (train_images.reshape(len(train_images), -1) / np.float32(255)).astype(np.float32)
    X_test = (test_images.reshape(len(test_images), -1) / np.float32(255)).astype(np.float32)
    if n_train is not None:
        X_train, train_labels = X_train[:n_train], train_labels[:n_train]
    np.savez(path, X_train=X_train, y_train=train_labels, X_test=X_test, y_test=test_labels)
    return {"n_train": len(X_train), "n_test": len(X_test)}


def run_worker(name: str, data_path: Path, epochs: int, seed: int,
               threads: int | None, one_call: bool) -> dict:
    """Run one training in a fresh Python process with the thread settings asked for."""
    env = dict(os.environ)
    for var in THREAD_VARIABLES:
        env.pop(var, None)
        if threads is not None:
            env[var] = str(threads)
    cmd = [sys.executable, __file__, "--worker", name, "--data", str(data_path),
           "--epochs", str(epochs), "--seed", str(seed),
           "--threads", "default" if threads is None else str(threads)]
    if one_call:
        cmd.append("--one-call")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"the {name} run failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    """What the numbers were measured on."""
    import numpy as np
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = [f"{i['internal_api']} {i['version']} ({i.get('architecture', '?')}, "
            f"{i['num_threads']} threads when the script started)"
            for i in threadpool_info() if i["user_api"] == "blas"]
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "numpy": np.__version__, "blas": blas}


def summarize(runs: list[dict], bound: dict, names: list[str]) -> dict:
    """Per implementation: epoch times, total time, memory, accuracy; and the ratios."""
    summary = {}
    for name in names:
        mine = [r for r in runs if r["implementation"] == name]
        epochs = [s for r in mine for s in r["epoch_seconds"]]
        accuracy = [r["test_accuracy"] for r in mine]
        median = statistics.median(epochs)
        summary[name] = {
            "version": mine[0]["version"], "runs": len(mine), "epochs_timed": len(epochs),
            "epoch_median_s": median, "epoch_min_s": min(epochs), "epoch_max_s": max(epochs),
            "epoch_cpu_median_s": statistics.median(
                s for r in mine for s in r["epoch_cpu_seconds"]),
            "train_total_s": statistics.median(sum(r["epoch_seconds"]) for r in mine),
            "peak_extra_mib": max(r["peak_extra_mib"] for r in mine),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in mine),
            "test_accuracy": statistics.mean(accuracy),
            "test_accuracy_min": min(accuracy), "test_accuracy_max": max(accuracy),
            "times_lower_bound": median / bound["seconds_per_epoch"],
            "times_numpy_bound": median / bound["seconds_per_epoch_by_blas"]["numpy"],
            "blas": mine[0]["blas"], "torch_threads": mine[0].get("torch_threads"),
            "torch_blas": mine[0].get("torch_blas"),
            "memory_method": mine[0]["memory_method"],
        }
    ratios = {}
    # backprop_lib against every other row; each floor against the two libraries
    pairs = [("backprop_lib", name) for name in names if name != "backprop_lib"]
    pairs += [(floor, peer) for floor in FLOORS for peer in ("scikit-learn", "PyTorch")]
    for ours, theirs in pairs:
        if ours in summary and theirs in summary:
            a, b = summary[ours], summary[theirs]
            ratios[f"{ours} / {theirs}"] = {
                "time_per_epoch": a["epoch_median_s"] / b["epoch_median_s"],
                "cpu_time_per_epoch": a["epoch_cpu_median_s"] / b["epoch_cpu_median_s"],
                "accuracy_difference": a["test_accuracy"] - b["test_accuracy"],
            }
    return {"implementations": summary, "ratios": ratios}


def report(result: dict) -> str:
    """The results as markdown."""
    s, m, b = result["settings"], result["machine"], result["lower_bound"]
    lines = [
        f"Command: `{s['command']}`",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores; {m['platform']}; Python {m['python']}, "
        f"numpy {m['numpy']}; BLAS: {'; '.join(m['blas']) or 'not found'}.",
        f"Threads: {s['threads']}. Load average (1, 5, 15 min) at start "
        f"{s['load_start']}, at end {s['load_end']}.",
        f"Network {'-'.join(map(str, SIZES))}, ReLU, softmax + cross-entropy, SGD lr {LR}, "
        f"batch {BATCH_SIZE}, float32; {s['n_train']} training and {s['n_test']} test images; "
        f"{s['epochs']} epochs x {s['repeats']} interleaved runs each "
        f"(seeds 0..{s['repeats'] - 1}).",
        "Training calls: " + (
            "one per run (backprop_lib fit(epochs=N), scikit-learn fit(max_iter=N)); an "
            "epoch's time is the call's time / N, so min–max spans runs, not epochs."
            if s["one_call"] else
            "one per epoch (backprop_lib fit(epochs=1), scikit-learn partial_fit), so each "
            "epoch includes the call's fixed cost (input checks; backprop_lib also computes "
            "the loss before training, on 1000 of the training images)."),
        "",
        "| implementation | s/epoch median | min–max | CPU s/epoch median | total training (s) "
        "| peak memory (MiB, + over data / process) | test accuracy | x lower bound "
        "| x numpy's bound |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in result["implementations"].items():
        acc = f"{100 * r['test_accuracy']:.2f} %"
        if r["runs"] > 1:
            acc += (f" ({100 * r['test_accuracy_min']:.2f}–"
                    f"{100 * r['test_accuracy_max']:.2f})")
        lines.append(
            f"| {name} {r['version']} | {r['epoch_median_s']:.3f} | {r['epoch_min_s']:.3f}–"
            f"{r['epoch_max_s']:.3f} | {r['epoch_cpu_median_s']:.3f} | "
            f"{r['train_total_s']:.2f} | +{r['peak_extra_mib']:.0f} / "
            f"{r['peak_rss_mib']:.0f} | {acc} | {r['times_lower_bound']:.1f} | "
            f"{r['times_numpy_bound']:.1f} |")
    for name, why in result["skipped"].items():
        lines.append(f"| {name} | skipped: {why} | | | | | | | |")
    lines += ["", "Ratios (from the same run; time < 1 means the first is faster):", ""]
    for pair, r in result["ratios"].items():
        lines.append(f"- {pair}: time per epoch {r['time_per_epoch']:.2f} (CPU time "
                     f"{r['cpu_time_per_epoch']:.2f}), test accuracy "
                     f"{100 * r['accuracy_difference']:+.2f} points")
    if not result["ratios"]:
        lines.append("- none: no peer was run")
    blases = list(b["seconds_per_epoch_by_blas"])
    each = ", ".join(f"{lib}'s BLAS {sec:.3f} s"
                     for lib, sec in b["seconds_per_epoch_by_blas"].items())
    lines += [
        "",
        f"Lower bound: {b['gflop_per_epoch']:.2f} GFLOP of matrix products per epoch "
        f"({b['flops_per_batch'] / 1e6:.2f} MFLOP x {b['batches']} mini-batches) take "
        f"{b['seconds_per_epoch']:.3f} s at the fastest speed measured for these shapes "
        f"({each}):",
        "",
        "| product | " + " | ".join(f"µs, {lib}" for lib in blases) + " | GFLOP/s, fastest |",
        "|---|" + "---|" * (len(blases) + 1),
    ]
    lines += ["| " + " | ".join([p["product"]] + [f"{p['microseconds_by_blas'][lib]:.1f}"
                                                  for lib in blases])
              + f" | {p['gflops_per_s']:.1f} |" for p in b["products"]]
    lines += ["", "Details per implementation:", ""]
    for name, r in result["implementations"].items():
        torch = (f"; PyTorch's own matrix products: {r['torch_blas']}, torch threads "
                 f"{r['torch_threads']}" if r["torch_threads"] else "")
        lines.append(f"- {name}: BLAS {'; '.join(r['blas']) or 'none loaded'}{torch}")
    first = next(iter(result["implementations"].values()), None)
    if first:
        lines.append(f"- peak memory: {first['memory_method']}, in each run's own process")
    return "\n".join(lines)


def find_implementations(wanted: list[str]) -> tuple[list[str], dict[str, str]]:
    """The implementations that are installed, and why the others are skipped."""
    names, skipped = [], {}
    for name in wanted:
        module, install = IMPLEMENTATIONS[name]
        if importlib.util.find_spec(module) is None:
            skipped[name] = f"not installed ({install})"
            print(f"skipping {name}: it is not installed; to include it: {install}",
                  flush=True)
        else:
            names.append(name)
    return names, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="2 epochs x 2 runs on 10,000 training images (under a minute)")
    parser.add_argument("--epochs", type=int, help="epochs per run (default 20; quick: 2)")
    parser.add_argument("--repeats", type=int, help="runs per implementation (default 3; "
                        "quick: 2)")
    parser.add_argument("--n-train", type=int, help="use the first N training images "
                        "(default all 60,000; quick: 10,000)")
    parser.add_argument("--threads", default="1", help="BLAS/PyTorch threads: a number "
                        "(default 1, fastest here) or 'default' (each library's own choice)")
    parser.add_argument("--one-call", action="store_true",
                        help="train in one call (fit(epochs=N), fit(max_iter=N)) instead of "
                        "one call per epoch; each epoch then counts as the call's mean")
    parser.add_argument("--only", help="comma-separated implementations to run, e.g. "
                        "backprop_lib,PyTorch")
    parser.add_argument("--floor", action="store_true",
                        help="also run the hand-fused numpy loops (numpy-fused, "
                        "numpy-fused-32): how fast plain numpy goes, for reference")
    parser.add_argument("--json", help="also write every number to this JSON file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    threads = None if args.threads == "default" else int(args.threads)

    if args.worker:  # inside one run: train, print one line of JSON
        print(json.dumps(worker(args.worker, args.data, args.epochs, args.seed, threads,
                                args.one_call)))
        return 0

    epochs = args.epochs or (2 if args.quick else 20)
    repeats = args.repeats or (2 if args.quick else 3)
    n_train = args.n_train or (10_000 if args.quick else None)
    wanted = (args.only.split(",") if args.only else PEERS) + (FLOORS if args.floor else [])
    wanted = list(dict.fromkeys(wanted))  # --floor with --only adds the floors once
    unknown = set(wanted) - set(IMPLEMENTATIONS)
    if unknown:
        parser.error(f"unknown implementation(s) {sorted(unknown)}; choose from "
                     f"{', '.join(IMPLEMENTATIONS)}")
    names, skipped = find_implementations(wanted)

    load_start = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "mnist.npz"
        sizes = load_data(n_train, data_path)
        bound = matmul_lower_bound(sizes["n_train"], threads)
        runs = []
        for repeat in range(repeats):  # interleaved: A B C A B C ...
            for name in names:
                print(f"run {repeat + 1}/{repeats}: {name} ...", end=" ", flush=True)
                runs.append(run_worker(name, data_path, epochs, repeat, threads,
                                       args.one_call))
                times = runs[-1]["epoch_seconds"]
                print(f"{statistics.median(times):.3f} s/epoch, test accuracy "
                      f"{100 * runs[-1]['test_accuracy']:.2f} %", flush=True)
        again = matmul_lower_bound(sizes["n_train"], threads)  # the faster of before/after
        if again["seconds_per_epoch"] < bound["seconds_per_epoch"]:
            bound = again
    command = "python " + " ".join(shlex.quote(a) for a in
                                   ["benchmarks/bench_mnist.py", *sys.argv[1:]])
    result = {
        "settings": {"command": command, "epochs": epochs, "repeats": repeats,
                     "one_call": args.one_call,
                     "threads": "each library's default" if threads is None else threads,
                     "load_start": load_start,
                     "load_end": [round(x, 2) for x in os.getloadavg()], **sizes},
        "machine": machine(), "lower_bound": bound, "skipped": skipped,
        "runs": runs, **summarize(runs, bound, names),
    }
    print()
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
