"""One epoch of a small CNN on MNIST: backprop_lib.conv against PyTorch on one CPU thread.

    python benchmarks/bench_conv.py                  # 60,000 images, 2 epochs each, interleaved
    python benchmarks/bench_conv.py --quick          # 2,000 images, a few seconds
    python benchmarks/bench_conv.py --filters 16 32 --hidden 100 --batch 100 --lr 1e-3

The network is notebook 09's (build_cnn(0)): conv 5×5 (8 filters) → ReLU → max pool 2 →
conv 5×5 (16) → ReLU → max pool 2 → Linear(256, 100) → ReLU → Linear(100, 10), softmax
with cross-entropy, float32, Adam(2e-3) (its first epoch's rate), mini-batches of 64;
the third line above is the larger one issue 25 sketches (16 and 32 filters).
backprop_lib trains it with Model.fit (the notebook's call: its order of the images, its
checks); PyTorch trains nn.Sequential of the same layers from the very same initial
weights, on the same mini-batches in the same order, with torch.set_num_threads(1);
numpy's BLAS gets one thread too (OPENBLAS_NUM_THREADS=1, set below before numpy loads).
Each repeat trains one epoch with each, from the same start, interleaved (backprop_lib,
PyTorch, ...), and the script reports the median epoch in wall time and in CPU time
(time.process_time: on a shared machine the wall clock also counts the time other
processes ran) and their ratio, backprop_lib / PyTorch. Before timing, one mini-batch is
run through both: the loss and every gradient must agree to float32 rounding (else the
comparison is not like for like, and the script says so and stops). After each epoch
both classify the test images. It warns if a library's process used more CPU time than
its main thread (more than one thread worked).

Then where backprop_lib's CPU time goes: each layer's forward and backward pass, and by
operation: im2col, col2im, the convolutions' matrix products and the reshapes around
them, pooling, ReLU, the dense layers, the loss and Adam's update (--steps instrumented
steps); and the convolutions' matrix products alone on arrays of the same shapes, the
floor of the im2col design. PyTorch's step is split into forward, backward and update.

PyTorch is optional: without it (it is not a dependency of the project) the script
reports backprop_lib alone and says how to install it, in a separate environment:

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install numpy \\
        torch --index-url https://download.pytorch.org/whl/cpu
    PYTHONPATH=. /tmp/torchvenv/bin/python benchmarks/bench_conv.py

(and backprop_lib's own dependencies there: pip install matplotlib pooch tqdm
threadpoolctl). MNIST comes from backprop_lib.load_mnist() (set BACKPROP_DATA_DIR to a
folder holding the four files, to avoid a download).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads its BLAS: one thread (see RECIPES)

import numpy as np  # noqa: E402

from backprop_lib import conv, load_mnist  # noqa: E402
from backprop_lib.conv import Conv2D, Flatten, MaxPool2D  # noqa: E402
from backprop_lib.layers import Linear, ReLU, softmax_cross_entropy  # noqa: E402
from backprop_lib.model import Model  # noqa: E402
from backprop_lib.optim import Adam  # noqa: E402

INSTALL_TORCH = ("pip install torch --index-url https://download.pytorch.org/whl/cpu "
                 "(the CPU build, in an environment of its own)")
MS = 1e3


# ---- the two networks ----------------------------------------------------------------------
def build(f1: int, f2: int, hidden: int, pad: int = 0) -> Model:
    """conv 5×5 (f1) → ReLU → pool 2 → conv 5×5 (f2) → ReLU → pool 2 → [Linear(…, hidden)
    → ReLU] → Linear(…, 10), float32, seeds 0, 1, 2, … layer by layer (notebook 09's
    build_cnn(0) for 8 and 16 filters and 100 hidden units)."""
    side = 28
    for _ in range(2):
        side = (side + 2 * pad - 5 + 1) // 2
    f32 = np.float32
    layers = [Conv2D(1, f1, 5, pad=pad, seed=0, dtype=f32), ReLU(), MaxPool2D(2),
              Conv2D(f1, f2, 5, pad=pad, seed=1, dtype=f32), ReLU(), MaxPool2D(2), Flatten()]
    n_in = f2 * side * side
    if hidden:
        layers += [Linear(n_in, hidden, seed=2, dtype=f32), ReLU()]
        n_in = hidden
    return Model(layers + [Linear(n_in, 10, seed=3 if hidden else 2, dtype=f32)])


def torch_twin(model: Model):
    """The same layers in PyTorch, holding copies of model's current weights."""
    import torch
    from torch import nn

    layers = []
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            F, C, HH, WW = layer.params["W"].shape
            twin = nn.Conv2d(C, F, (HH, WW), stride=layer.stride, padding=layer.pad)
            weight = layer.params["W"]                    # both (F, C, HH, WW)
        elif isinstance(layer, Linear):
            twin = nn.Linear(layer.n_in, layer.n_out)
            weight = layer.params["W"].T                  # PyTorch keeps (n_out, n_in)
        else:
            twin = {ReLU: nn.ReLU, MaxPool2D: nn.MaxPool2d, Flatten: nn.Flatten}[type(layer)]
            layers.append(twin(layer.size) if isinstance(layer, MaxPool2D) else twin())
            continue
        with torch.no_grad():
            twin.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight)))
            twin.bias.copy_(torch.from_numpy(layer.params["b"]))
        layers.append(twin)
    return nn.Sequential(*layers)


def torch_status(threads: int = 1) -> tuple[object | None, str]:
    """torch set to `threads` threads, or None and why it is absent."""
    if importlib.util.find_spec("torch") is None:
        return None, f"PyTorch is not installed here: {INSTALL_TORCH}"
    import torch

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:  # already set in this process
        pass
    return torch, ""


# ---- like for like: one mini-batch through both ----------------------------------------------
def same_network(model: Model, X: np.ndarray, y: np.ndarray) -> dict:
    """Loss and gradients of one mini-batch from both, and their largest differences."""
    import torch

    twin = torch_twin(model)
    model.layers[0].input_grad = False
    loss = model.loss_and_gradients(X, y)
    model.layers[0].input_grad = True
    t_loss = torch.nn.functional.cross_entropy(twin(torch.from_numpy(X)),
                                               torch.from_numpy(y))
    t_loss.backward()
    t_grads = []
    for p in twin.parameters():
        g = p.grad.numpy()
        t_grads.append(g.T if g.ndim == 2 else g)       # Linear back to (n_in, n_out)
    worst = 0.0
    for g, tg in zip(model.gradients(), t_grads):
        worst = max(worst, float(np.abs(g - tg).max() / max(np.abs(tg).max(), 1e-30)))
    return {"loss": float(loss), "torch_loss": t_loss.item(),
            "loss_difference": abs(float(loss) - t_loss.item()),
            "largest_gradient_difference": worst}


# ---- one epoch of each ----------------------------------------------------------------------
def epoch_backprop_lib(data: dict, args, seed: int) -> dict:
    """One epoch with Model.fit from build()'s weights; times and test accuracy."""
    model = build(*args.filters, args.hidden)
    opt = Adam(args.lr)
    start, start_cpu, start_thread = time.perf_counter(), time.process_time(), time.thread_time()
    history = model.fit(data["X"], data["y"], opt, epochs=1, batch_size=args.batch, seed=seed)
    cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start
    thread = time.thread_time() - start_thread
    return {"wall_s": wall, "cpu_s": cpu, "thread_cpu_s": thread, "train_loss": history.loss[-1],
            "test_accuracy": model.accuracy(data["X_test"], data["y_test"])}


def epoch_pytorch(data: dict, args, seed: int) -> dict:
    """One epoch in PyTorch from build()'s weights, on Model.fit's mini-batches (the order
    fit draws with this seed); times and test accuracy."""
    import torch

    twin = torch_twin(build(*args.filters, args.hidden))
    opt = torch.optim.Adam(twin.parameters(), lr=args.lr)
    X, y = torch.from_numpy(data["X"]), torch.from_numpy(data["y"])
    n = len(X)
    starts = list(range(0, n, args.batch))
    if len(starts) > 1 and n - starts[-1] == 1:
        starts.pop()                                    # as Model.fit: no batch of one
    ends = starts[1:] + [n]
    start, start_cpu, start_thread = time.perf_counter(), time.process_time(), time.thread_time()
    order = torch.from_numpy(np.random.default_rng(seed).permutation(n))
    total = 0.0
    for a, b in zip(starts, ends):
        idx = order[a:b]
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(twin(X[idx]), y[idx])
        loss.backward()
        opt.step()
        total += loss.item() * (b - a)
    cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start
    thread = time.thread_time() - start_thread
    with torch.no_grad():
        predicted = torch.cat([twin(torch.from_numpy(data["X_test"][i:i + 1000])).argmax(1)
                               for i in range(0, len(data["X_test"]), 1000)]).numpy()
    return {"wall_s": wall, "cpu_s": cpu, "thread_cpu_s": thread, "train_loss": total / n,
            "test_accuracy": float(np.mean(predicted == data["y_test"]))}


# ---- where the time goes ----------------------------------------------------------------------
# what the Conv2D layer calls (conv2d_forward/backward call im2col and col2im), by label
WRAPPED = {"im2col": "im2col", "col2im": "col2im", "_im2col_batch_last": "im2col",
           "_col2im_batch_last": "col2im"}


class Clock:
    """CPU seconds per label, summed within one training step (CPU time, not wall time:
    on a shared machine the wall clock also counts the time other processes ran)."""

    def __init__(self) -> None:
        self.now: dict[str, float] = {}
        self.steps: list[dict[str, float]] = []

    def wrap(self, fn, label: str):
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.now[label] = self.now.get(label, 0.0) + time.process_time() - start
        return timed

    def add(self, label: str, seconds: float) -> None:
        self.now[label] = self.now.get(label, 0.0) + seconds

    def next_step(self) -> None:
        self.steps.append(self.now)
        self.now = {}

    def median(self, label: str) -> float:
        return statistics.median(s.get(label, 0.0) for s in self.steps)


def step(model: Model, opt: Adam, X: np.ndarray, y: np.ndarray, loss_fn) -> None:
    """One training step as Model.fit takes it (without its bookkeeping)."""
    scores = model._forward(X, True)
    _, dscores = loss_fn(scores, y)
    model.backward(dscores)
    opt.step(model.parameters(), model.gradients())


def breakdown(batches: list, args) -> dict:
    """backprop_lib's CPU time per step by layer and by operation (medians over the steps
    after one warm-up step), and the convolutions' matrix products alone."""
    model, opt, clock = build(*args.filters, args.hidden), Adam(args.lr), Clock()
    model.layers[0].input_grad = False                  # as Model.fit
    originals = {name: getattr(conv, name) for name in WRAPPED if hasattr(conv, name)}
    for name, fn in originals.items():                  # Conv2D's methods call these
        setattr(conv, name, clock.wrap(fn, WRAPPED[name]))
    labels = []
    try:
        for i, layer in enumerate(model.layers):
            label = f"{i} {layer!r}"
            labels.append(label)
            layer.forward = clock.wrap(layer.forward, f"{label} forward")
            layer.backward = clock.wrap(layer.backward, f"{label} backward")
        loss_fn = clock.wrap(softmax_cross_entropy, "loss")
        opt.step = clock.wrap(opt.step, "update")
        for k, (Xb, yb) in enumerate(batches):
            step(model, opt, Xb, yb, loss_fn)
            if k == 0:
                clock.now = {}                          # the warm-up step is not counted
            else:
                clock.next_step()
    finally:
        for name, fn in originals.items():
            setattr(conv, name, fn)
    layers = {label: {"forward": clock.median(label + " forward"),
                      "backward": clock.median(label + " backward")} for label in labels}
    spent = {label: t["forward"] + t["backward"] for label, t in layers.items()}
    ops = {"im2col": clock.median("im2col"), "col2im": clock.median("col2im")}
    ops["conv: matrix products, bias, reshapes"] = (
        sum(t for k, t in spent.items() if "Conv2D" in k) - ops["im2col"] - ops["col2im"])
    for name, kind in (("max pooling", "MaxPool2D"), ("ReLU", "ReLU"), ("dense", "Linear"),
                       ("flatten", "Flatten")):
        ops[name] = sum(t for k, t in spent.items() if kind in k)
    ops["loss"], ops["Adam update"] = clock.median("loss"), clock.median("update")
    return {"steps": len(clock.steps), "layers": layers, "operations": ops,
            "matmul_floor_s": matmul_floor(model, batches[0][0], len(clock.steps))}


def matmul_floor(model: Model, X: np.ndarray, repeats: int) -> float:
    """CPU seconds a step of the convolutions' matrix products alone: forward
    W_colᵀ colsᵀ, backward δᵀ cols and (not for the first layer) W_col δᵀ, on arrays of
    exactly the shapes and memory orders Conv2D multiplies."""
    total, out = 0.0, X
    rng = np.random.default_rng(0)
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Conv2D):
            W = layer.params["W"]
            F, _, HH, WW = W.shape
            Ho, Wo = (conv.conv_output_size(out.shape[a], W.shape[a], layer.stride, layer.pad)
                      for a in (2, 3))
            if hasattr(conv, "_im2col_batch_last"):
                cols_t = conv._im2col_batch_last(out, HH, WW, layer.stride, layer.pad, Ho, Wo)
            else:                                       # an older conv.py (measuring it)
                cols_t = conv.im2col(out, HH, WW, layer.stride, layer.pad).T
            d_t = rng.standard_normal((F, cols_t.shape[1])).astype(np.float32)
            W_f = W.reshape(F, -1)
            products = [(W_f, cols_t), (d_t, cols_t.T)] + ([(W_f.T, d_t)] if i > 0 else [])
            for a, b in products:
                times = []
                for _ in range(repeats + 1):
                    start = time.process_time()
                    a @ b
                    times.append(time.process_time() - start)
                total += statistics.median(times[1:])
        out = layer.forward(out, False)
    return total


def torch_breakdown(batches: list, args) -> dict:
    """PyTorch's CPU time per step: forward (with the loss), backward, Adam's update."""
    import torch

    twin = torch_twin(build(*args.filters, args.hidden))
    opt = torch.optim.Adam(twin.parameters(), lr=args.lr)
    clock = Clock()
    for k, (Xb, yb) in enumerate(batches):
        X, y = torch.from_numpy(Xb), torch.from_numpy(yb)
        t0 = time.process_time()
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(twin(X), y)
        t1 = time.process_time()
        loss.backward()
        t2 = time.process_time()
        opt.step()
        t3 = time.process_time()
        if k > 0:
            clock.add("forward", t1 - t0)
            clock.add("backward", t2 - t1)
            clock.add("update", t3 - t2)
            clock.next_step()
    return {name: clock.median(name) for name in ("forward", "backward", "update")}


# ---- report ---------------------------------------------------------------------------------
def machine() -> dict:
    name = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": name, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__}


def summary(runs: list[dict]) -> dict:
    """Medians over the runs; threads: the process's CPU time over its main thread's (1.0:
    one thread did all the work, as asked)."""
    out = {key: statistics.median(r[key] for r in runs)
           for key in ("wall_s", "cpu_s", "train_loss", "test_accuracy")}
    out["threads"] = max(r["cpu_s"] / max(r["thread_cpu_s"], 1e-9) for r in runs)
    return out


def report(result: dict) -> None:
    s, m = result["settings"], result["machine"]
    print(f"{result['model']}")
    print(f"{result['parameters']} parameters, float32, Adam({s['lr']:g}), batch {s['batch']}, "
          f"{s['n_train']} training images, one thread each")
    print(f"{m['cpu']}, {m['cores']} CPUs, Python {m['python']}, numpy {m['numpy']}"
          + (f", PyTorch {m['torch']}" if "torch" in m else ""))
    load = result["load_average"]
    print(f"load average (1, 5, 15 min): {load['before']} before, {load['after']} after")
    if result.get("same_network"):
        same = result["same_network"]
        print(f"one mini-batch through both: loss {same['loss']:.6f} and "
              f"{same['torch_loss']:.6f}, largest gradient difference "
              f"{same['largest_gradient_difference']:.1e} of the largest gradient")
    print()
    epoch = f"one epoch, median of {s['repeats']}"
    print(f"{epoch:36s} {'wall s':>8s} {'CPU s':>8s} {'loss':>8s} {'test acc':>8s}")
    for name, r in result["implementations"].items():
        print(f"  {name:34s} {r['wall_s']:8.2f} {r['cpu_s']:8.2f} {r['train_loss']:8.4f} "
              f"{r['test_accuracy']:8.2%}")
    for name, r in result["implementations"].items():
        if r["threads"] > 1.05:
            print(f"  warning: {name} used {r['threads']:.2f} CPU seconds per second of its "
                  f"main thread: more than one thread worked")
    if result["ratio"]:
        print(f"ratio backprop_lib / PyTorch: {result['ratio']['cpu']:.2f} in CPU time, "
              f"{result['ratio']['wall']:.2f} in wall time")
        if s["n_train"] < 20_000:
            print("  (few images: Model.fit's fixed cost weighs here; compare full epochs)")
    else:
        print(f"PyTorch: {result['skipped']}")
    b = result["breakdown"]
    print()
    print(f"{'backprop_lib, CPU ms a step (median of ' + str(b['steps']) + ')':44s} "
          f"{'forward':>8s} {'backward':>8s}")
    for label, t in b["layers"].items():
        print(f"  {label:42s} {t['forward'] * MS:8.2f} {t['backward'] * MS:8.2f}")
    total = sum(b["operations"].values())
    print(f"{'by operation':44s} {'ms':>8s} {'share':>8s}")
    for name, t in b["operations"].items():
        print(f"  {name:42s} {t * MS:8.2f} {t / total:8.0%}")
    print(f"  {'sum':42s} {total * MS:8.2f}")
    print(f"the convolutions' matrix products alone: {b['matmul_floor_s'] * MS:.2f} ms a step")
    if result.get("torch_breakdown"):
        t = result["torch_breakdown"]
        print(f"PyTorch, CPU ms a step: forward and loss {t['forward'] * MS:.2f}, backward "
              f"{t['backward'] * MS:.2f}, Adam {t['update'] * MS:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filters", type=int, nargs=2, default=[8, 16], metavar=("F1", "F2"))
    parser.add_argument("--hidden", type=int, default=100, help="a hidden dense layer (0: none)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam's learning rate")
    parser.add_argument("--n-train", type=int, default=60_000)
    parser.add_argument("--n-test", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2, help="epochs timed per library")
    parser.add_argument("--steps", type=int, default=30, help="steps of the breakdown")
    parser.add_argument("--no-torch", action="store_true", help="backprop_lib alone")
    parser.add_argument("--quick", action="store_true",
                        help="2,000 training and 1,000 test images, 1 repeat, 4 steps")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    if args.quick:
        args.n_train, args.n_test, args.repeats, args.steps = 2000, 1000, 1, 4

    X_train, y_train, X_test, y_test = load_mnist(progress=False)
    images = lambda X, n: (X[:n, None] / np.float32(255)).astype(np.float32)  # noqa: E731
    data = {"X": images(X_train, args.n_train), "y": y_train[:args.n_train].astype(np.int64),
            "X_test": images(X_test, args.n_test), "y_test": y_test[:args.n_test].astype(np.int64)}
    batches = [(data["X"][i:i + args.batch], data["y"][i:i + args.batch])
               for i in range(0, args.batch * (args.steps + 1), args.batch)]

    torch, skipped = (None, "not run (--no-torch)") if args.no_torch else torch_status(1)
    model = build(*args.filters, args.hidden)
    result = {"settings": {"command": " ".join(sys.argv), **vars(args) | {"json": None}},
              "machine": machine(), "model": repr(model), "parameters": model.n_parameters(),
              "skipped": skipped, "ratio": None, "same_network": None, "torch_breakdown": None}
    if torch is not None:
        result["machine"]["torch"] = torch.__version__
        result["machine"]["torch_threads"] = torch.get_num_threads()
        result["same_network"] = same_network(model, *batches[0])
        if result["same_network"]["largest_gradient_difference"] > 1e-3:
            sys.exit(f"backprop_lib and PyTorch disagree on one mini-batch: "
                     f"{result['same_network']}")
    load_before = os.getloadavg()

    runs: dict[str, list[dict]] = {"backprop_lib": []}
    if torch is not None:
        runs["PyTorch"] = []
    for seed in range(args.repeats):                     # interleaved: A B A B ...
        runs["backprop_lib"].append(epoch_backprop_lib(data, args, seed))
        if torch is not None:
            runs["PyTorch"].append(epoch_pytorch(data, args, seed))
    result["breakdown"] = breakdown(batches, args)
    if torch is not None:
        result["torch_breakdown"] = torch_breakdown(batches, args)
    result["load_average"] = {"before": [round(v, 2) for v in load_before],
                              "after": [round(v, 2) for v in os.getloadavg()]}
    result["runs"] = runs
    result["implementations"] = {name: summary(r) for name, r in runs.items()}
    if torch is not None:
        mine, theirs = result["implementations"]["backprop_lib"], result["implementations"][
            "PyTorch"]
        result["ratio"] = {k: mine[f"{k}_s"] / theirs[f"{k}_s"] for k in ("cpu", "wall")}
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
