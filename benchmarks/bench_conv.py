"""How fast backprop_lib.conv trains a small CNN on MNIST, and where the time goes.

    python benchmarks/bench_conv.py                    # 8 and 16 filters, batches of 64
    python benchmarks/bench_conv.py --filters 16 32 --hidden 100 --batch 100 --steps 40

The network is the one issue 25 proposes for notebook 09: conv 5×5 → ReLU → max pool 2
→ conv 5×5 → ReLU → max pool 2 → dense → softmax with cross-entropy, in float32, one
BLAS thread. One training step is a forward and a backward pass on one mini-batch of
MNIST images (as Model.fit runs it, the first layer's dX skipped), plus a plain SGD
update. The script times --steps such steps (after two warm-up steps), reports the
median in wall time and in CPU time, extrapolates one epoch of 60,000 images, and splits
the CPU time by layer and by operation: im2col, col2im, the convolutions' matrix products
and reshapes (what conv2d_forward/backward spend outside im2col/col2im), pooling, ReLU,
the dense layer, the loss and the update. It also times the convolutions' matrix
products alone (the floor for this im2col design). The machine's load average is
printed: on a busy machine the wall time also counts the time other processes ran, and
the CPU time is the better estimate of a quiet machine's wall time.

MNIST comes from backprop_lib.load_mnist() (set BACKPROP_DATA_DIR to a folder with the
four files to avoid a download). PyTorch, the peer issue 25 asks for, is not compared
here yet.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads its BLAS: one thread (see RECIPES)

import numpy as np  # noqa: E402

from backprop_lib import conv, load_mnist  # noqa: E402
from backprop_lib.conv import Conv2D, Flatten, MaxPool2D  # noqa: E402
from backprop_lib.layers import Linear, ReLU, softmax_cross_entropy  # noqa: E402
from backprop_lib.model import Model  # noqa: E402
from backprop_lib.optim import SGD  # noqa: E402

N_TRAIN = 60_000


def build(f1: int, f2: int, pad: int, hidden: int = 0) -> Model:
    """conv 5×5 (f1) → ReLU → pool → conv 5×5 (f2) → ReLU → pool → [dense hidden → ReLU]
    → dense 10, float32."""
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
    return Model(layers + [Linear(n_in, 10, seed=3, dtype=f32)])


def step(model: Model, opt: SGD, X: np.ndarray, y: np.ndarray) -> None:
    """One training step as Model.fit takes it (without its bookkeeping)."""
    scores = model._forward(X, True)
    _, dscores = softmax_cross_entropy(scores, y)
    model.backward(dscores)
    opt.step(model.parameters(), model.gradients())


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

    def next_step(self) -> None:
        self.steps.append(self.now)
        self.now = {}

    def median(self, label: str) -> float:
        return statistics.median(s.get(label, 0.0) for s in self.steps)


def instrument(model: Model, opt: SGD, clock: Clock) -> list[str]:
    """Time every layer's forward and backward, im2col, col2im, the loss and the update;
    return the layers' labels."""
    conv.im2col = clock.wrap(conv.im2col, "im2col")
    conv.col2im = clock.wrap(conv.col2im, "col2im")
    labels = []
    for i, layer in enumerate(model.layers):
        label = f"{i} {layer!r}"
        labels.append(label)
        layer.forward = clock.wrap(layer.forward, f"{label} forward")
        layer.backward = clock.wrap(layer.backward, f"{label} backward")
    global softmax_cross_entropy
    softmax_cross_entropy = clock.wrap(softmax_cross_entropy, "loss")
    opt.step = clock.wrap(opt.step, "update")
    return labels


def matmul_floor(model: Model, X: np.ndarray, repeats: int) -> float:
    """CPU seconds of the convolutions' matrix products alone for one step (the im2col
    design's floor): forward cols @ W_col, backward δᵀ cols and (not for the first
    layer) δ W_colᵀ, on arrays of exactly these shapes."""
    total, out = 0.0, X
    rng = np.random.default_rng(0)
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Conv2D):
            W = layer.params["W"]
            F = W.shape[0]
            cols = conv.im2col(out, W.shape[2], W.shape[3], layer.stride, layer.pad)
            d = rng.standard_normal((cols.shape[0], F)).astype(np.float32)
            Wc = W.reshape(F, -1).T
            products = [(cols, Wc), (d.T, cols)] + ([(d, Wc.T)] if i > 0 else [])
            for a, b in products:
                times = []
                for _ in range(repeats + 1):
                    start = time.process_time()
                    a @ b
                    times.append(time.process_time() - start)
                total += statistics.median(times[1:])
        out = layer.forward(out, False)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filters", type=int, nargs=2, default=[8, 16], metavar=("F1", "F2"))
    parser.add_argument("--pad", type=int, default=0, help="0: 28→24→12→8→4; 2: 28→14→7")
    parser.add_argument("--hidden", type=int, default=0, help="a hidden dense layer (0: none)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30, help="timed steps (after 2 warm-up)")
    args = parser.parse_args()

    X_train, y_train, _, _ = load_mnist(progress=False)
    n = args.batch * (args.steps + 2)
    X = (X_train[:n, None] / np.float32(255)).astype(np.float32)
    y = y_train[:n].astype(np.int64)
    batches = [(X[i:i + args.batch], y[i:i + args.batch]) for i in range(0, n, args.batch)]

    model, opt = build(*args.filters, args.pad, args.hidden), SGD(0.01)
    model.layers[0].input_grad = False   # as Model.fit: nothing needs d loss / d X
    load_before = os.getloadavg()
    for Xb, yb in batches[:2]:
        step(model, opt, Xb, yb)
    wall, cpu = [], []
    for Xb, yb in batches[2:]:
        start, start_cpu = time.perf_counter(), time.process_time()
        step(model, opt, Xb, yb)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)

    clock = Clock()
    layer_labels = instrument(model, opt, clock)
    for Xb, yb in batches[2:]:
        step(model, opt, Xb, yb)
        clock.next_step()
    floor = matmul_floor(model, batches[0][0], args.steps)
    load_after = os.getloadavg()

    per_epoch = -(-N_TRAIN // args.batch)
    ms = 1e3
    print(f"{model!r}")
    print(f"{model.n_parameters()} parameters, float32, batch {args.batch}, one BLAS thread, "
          f"numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"one step (forward + backward + SGD update), median of {len(wall)}:")
    print(f"  wall time {statistics.median(wall) * ms:6.1f} ms (min {min(wall) * ms:.1f}, "
          f"max {max(wall) * ms:.1f}): one epoch ({per_epoch} steps) about "
          f"{statistics.median(wall) * per_epoch:.1f} s")
    print(f"  CPU time  {statistics.median(cpu) * ms:6.1f} ms (min {min(cpu) * ms:.1f}, "
          f"max {max(cpu) * ms:.1f}): one epoch about {statistics.median(cpu) * per_epoch:.1f} s"
          f" on a quiet core")
    print()
    print(f"{'where the CPU time goes (median ms a step)':44s} {'forward':>8s} {'backward':>8s}")
    for label in layer_labels:
        print(f"  {label:42s} {clock.median(label + ' forward') * ms:8.2f} "
              f"{clock.median(label + ' backward') * ms:8.2f}")
    for label in ("loss", "update"):
        print(f"  {label:42s} {clock.median(label) * ms:8.2f}")
    layer_time = {label: clock.median(label + " forward") + clock.median(label + " backward")
                  for label in layer_labels}
    groups = {"im2col": clock.median("im2col"), "col2im": clock.median("col2im")}
    groups["conv: matrix products and reshapes"] = (
        sum(t for k, t in layer_time.items() if "Conv2D" in k)
        - groups["im2col"] - groups["col2im"])
    for name, prefix in (("pooling", "MaxPool2D"), ("ReLU", "ReLU"), ("dense", "Linear"),
                         ("flatten", "Flatten")):
        groups[name] = sum(t for k, t in layer_time.items() if prefix in k)
    groups["loss and update"] = clock.median("loss") + clock.median("update")
    total = sum(groups.values())
    print()
    print(f"{'by operation (CPU ms a step)':44s} {'ms':>8s} {'share':>8s}")
    for name, t in groups.items():
        print(f"  {name:42s} {t * ms:8.2f} {t / total:8.0%}")
    print(f"  {'sum':42s} {total * ms:8.2f}")
    print(f"the convolutions' matrix products alone: {floor * ms:.2f} ms a step (CPU), "
          f"{floor * per_epoch:.1f} s an epoch: the floor of this im2col design")


if __name__ == "__main__":
    main()
