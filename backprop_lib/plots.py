"""Plots of the series: training curves, decision regions, small networks, digits.

Each function draws on an Axes (a new figure if none is given) and returns the
Figure (plot_confusion_matrix also returns the counts), so a notebook can call
plt.show() and nothing else.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .checks import as_matrix


def _axes(ax, figsize=(6, 4)):
    """The given Axes, or a new figure's."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    return ax.figure, ax


def plot_history(history, ax=None, title: str | None = None):
    """Loss per epoch (and accuracy, if recorded) of a History; a divergence is marked in red."""
    fig, ax = _axes(ax)
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, label="training loss", color="C0")
    if history.val_loss:
        ax.plot(epochs, history.val_loss, label="validation loss", color="C0", ls="--")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if len(history.loss) and min(history.loss) > 0 and max(history.loss) / min(history.loss) > 50:
        ax.set_yscale("log")
    if history.accuracy:
        ax2 = ax.twinx()
        ax2.plot(epochs, history.accuracy, color="C1", label="training accuracy")
        if history.val_accuracy:
            ax2.plot(epochs, history.val_accuracy, color="C1", ls="--", label="validation accuracy")
        ax2.set_ylabel("accuracy", color="C1")
        ax2.set_ylim(0, 1.02)
        lines = ax.get_lines() + ax2.get_lines()
        ax.legend(lines, [line.get_label() for line in lines], loc="center right")
    else:
        ax.legend(loc="upper right")
    if history.diverged:
        ax.axvline(history.diverged_at, color="red", ls=":")
        message = f"diverged in epoch {history.diverged_at}\n(learning rate {history.lr:g})"
        ax.text(0.5, 0.95, message, transform=ax.transAxes, ha="center", va="top",
                color="red", fontsize=13, bbox={"facecolor": "white", "edgecolor": "red"})
    ax.set_title(title if title is not None else f"learning rate {history.lr:g}")
    return fig


def plot_decision_boundary(classify, X, y, ax=None, *, resolution: int = 200,
                           feature_names=("x1", "x2"), class_names=None, padding: float = 0.5):
    """Colour the plane by the class `classify` gives each point; draw the samples on top.

    classify: a Network (its .classify is used) or a function X (n, 2) -> labels (n,).
    X: (n_samples, 2); y: labels (n_samples,).
    """
    X = as_matrix(X, "X", n_cols=2)
    y = np.asarray(y).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]} labels")
    f = classify.classify if hasattr(classify, "classify") else classify
    fig, ax = _axes(ax)
    x0 = np.linspace(X[:, 0].min() - padding, X[:, 0].max() + padding, resolution)
    x1 = np.linspace(X[:, 1].min() - padding, X[:, 1].max() + padding, resolution)
    g0, g1 = np.meshgrid(x0, x1)
    with np.errstate(all="ignore"):
        labels = np.asarray(f(np.column_stack([g0.ravel(), g1.ravel()]))).reshape(g0.shape)
    classes = np.unique(np.concatenate([np.unique(y), np.unique(labels)])).astype(int)
    cmap = plt.get_cmap("tab10")
    levels = np.arange(classes.max() + 2) - 0.5
    ax.contourf(g0, g1, labels, levels=levels, colors=[cmap(i) for i in range(classes.max() + 1)],
                alpha=0.25)
    for c in np.unique(y).astype(int):
        name = class_names[c] if class_names is not None else f"class {c}"
        ax.scatter(X[y == c, 0], X[y == c, 1], color=cmap(c), edgecolor="k", s=30, label=name)
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="best", fontsize=8)
    return fig


def draw_network(sizes, W=None, b=None, ax=None, *, layer_names=None, unit_names=None,
                 input_names=None, notes=None, note_color: str = "C3", precision: int = 2,
                 title: str | None = None):
    """Draw a small network as circles and lines, with each weight written on its line.

    W, b: lists as in Network.W / Network.b (W[l] has shape (sizes[l], sizes[l+1])).
    unit_names: per layer, a list of short labels written inside the units ("h1").
    input_names: longer labels written left of the input units ("hours studied").
    notes: one text per unit after the input layer, in order (e.g. its z and a), written
    beside it; by default the biases, if b is given.
    """
    _check_drawable(sizes, W, b)
    if notes is None and b is not None:
        notes = [f"b={v:.{precision}f}" for v in np.concatenate([np.ravel(v) for v in b])]
    fig, ax = _axes(ax, figsize=(2.6 * len(sizes) + 2, 1.1 * max(sizes) + 2.5))
    pos = [[(l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    for l in range(len(sizes) - 1):
        # Labels sit where lines do not cross: 70 % of the way to the next layer, or 45 %
        # when all lines meet in a single unit.
        t = 0.45 if sizes[l + 1] == 1 else 0.7
        for i, (x0, y0) in enumerate(pos[l]):
            for j, (x1, y1) in enumerate(pos[l + 1]):
                ax.plot([x0, x1], [y0, y1], color="0.6", lw=1, zorder=1)
                if W is not None:
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0),
                            f"{np.asarray(W[l])[i, j]:.{precision}f}", fontsize=10,
                            ha="center", va="center", zorder=3,
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    for l, layer in enumerate(pos):
        for i, (x, y) in enumerate(layer):
            ax.add_patch(plt.Circle((x, y), 0.2, facecolor="white", edgecolor="k", zorder=2))
            name = unit_names[l][i] if unit_names is not None else ""
            ax.text(x, y, name, ha="center", va="center", fontsize=10, zorder=4)
    for i, name in enumerate(input_names or []):
        ax.text(-0.3, pos[0][i][1], name, ha="right", va="center", fontsize=11)
    _write_notes(ax, pos, notes, note_color)
    names = layer_names or (["input"] + ["hidden"] * (len(sizes) - 2) + ["output"])
    for l, name in enumerate(names):
        ax.text(l, (max(sizes) - 1) / 2 + 0.6, name, ha="center", fontsize=11)
    ax.set_xlim(-1.5 if input_names else -0.5, len(sizes) - 0.5 + (0.8 if notes else 0))
    ax.set_ylim(-(max(sizes) - 1) / 2 - 0.8, (max(sizes) - 1) / 2 + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig


def _check_drawable(sizes, W, b) -> None:
    """Raise a clear error if the sizes, W or b cannot be drawn together."""
    if max(sizes) > 12:
        raise ValueError(f"draw_network is for small networks (at most 12 units a layer), "
                         f"got {sizes}")
    if W is not None:
        if len(W) != len(sizes) - 1:
            raise ValueError(f"{len(sizes)} layers need {len(sizes) - 1} weight matrices "
                             f"(one between each pair of layers), got {len(W)}")
        for l, w in enumerate(W):
            if np.shape(w) != (sizes[l], sizes[l + 1]):
                raise ValueError(f"W[{l}] should have shape {(sizes[l], sizes[l + 1])}, "
                                 f"got {np.shape(w)}")
    if b is not None:
        if len(b) != len(sizes) - 1:
            raise ValueError(f"{len(sizes)} layers need {len(sizes) - 1} bias vectors "
                             f"(one per layer after the input), got {len(b)}")
        for l, v in enumerate(b):
            if np.size(v) != sizes[l + 1]:
                raise ValueError(f"b[{l}] should have {sizes[l + 1]} entries, got {np.size(v)}")


def _write_notes(ax, pos, notes, color: str) -> None:
    """Write one note beside each unit after the input layer, away from its lines."""
    units = [p for layer in pos[1:] for p in layer]
    if notes is None:
        return
    if len(notes) != len(units):
        raise ValueError(f"notes needs one text per unit after the input layer "
                         f"({len(units)}), got {len(notes)}")
    last = len(pos) - 1
    for (x, y), note in zip(units, notes):
        if x == last:  # output units: to the right, where no line goes
            ax.text(x + 0.28, y, note, ha="left", va="center", color=color, fontsize=10)
        else:  # hidden units: above (or below, for the lower half) and a little right
            above = y >= 0
            ax.text(x + 0.12, y + (0.24 if above else -0.24), note, ha="left",
                    va="bottom" if above else "top", color=color, fontsize=10)


def plot_images(images, titles=None, *, ncols: int = 10, cmap: str = "gray_r",
                size: float = 1.2, symmetric: bool = False):
    """A grid of small images (n, h, w), e.g. digits or a hidden unit's input weights.

    symmetric=True centres the colour scale on 0 (for weights: red +, blue -).
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (n, height, width) with n >= 1, got "
                         f"{images.shape}; for one image use image[None]")
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    ncols = min(ncols, n)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15),
                             squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        if symmetric:
            m = np.abs(images[k]).max() or 1.0
            ax.imshow(images[k], cmap="seismic", vmin=-m, vmax=m)
        else:
            ax.imshow(images[k], cmap=cmap)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=8)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, normalize: bool = False):
    """Counts of (true class, predicted class): the diagonal is right, the rest tells which mix."""
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    k = int(max(y_true.max(), y_pred.max())) + 1
    if class_names is not None:
        k = max(k, len(class_names))
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (y_true.astype(int), y_pred.astype(int)), 1)
    shown = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    fig, ax = _axes(ax, figsize=(0.5 * k + 2.5, 0.5 * k + 2))
    ax.imshow(shown, cmap="Blues")
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else str(cm[i, j])
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if shown[i, j] > shown.max() / 2 else "black")
    names = class_names if class_names is not None else [str(i) for i in range(k)]
    ax.set_xticks(range(k), names, rotation=45 if k <= 4 else 0)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return fig, cm
