"""Plots of the series: training curves, decision regions, small networks, digits.

Each function draws on an Axes (a new figure if none is given) and returns the
Figure (plot_confusion_matrix also returns the counts), so a notebook can call
plt.show() and nothing else.
"""

from __future__ import annotations

from numbers import Integral, Real

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.text import OffsetFrom
from matplotlib.ticker import MaxNLocator

from .checks import as_matrix
from .style import (
    FIXED_LAYOUT,
    PAGE_WIDTH_PX,
    PROJECTOR_FIT_PX,
    fits_page,
    fits_projector,
    projector_max_height,
    projector_on,
    saved_size_px,
    text_size,
)


def _axes(ax, figsize=(6, 4)):
    """The given Axes, or a new figure's."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    return ax.figure, ax


# --- checking the arguments (each error says which argument is wrong and how to fix it) ---


def _check_ax(ax) -> None:
    """Refuse an ax that is not a matplotlib Axes, before any figure is made."""
    if ax is not None and not isinstance(ax, plt.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}: "
                        "make one with fig, ax = plt.subplots() and pass ax=ax")


def _whole(value, name: str, low: int, high: int | None, example: int) -> int:
    """Return value as an int in [low, high], or raise a clear TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a whole number, e.g. {name}={example}, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bounds}, e.g. {name}={example}, got {value}")
    return int(value)


def _real(value, name: str, example: float, *, zero_ok: bool = False) -> float:
    """Return value as a float if it is a finite number > 0 (or >= 0), else raise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, e.g. {name}={example}, got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        bound = ">= 0" if zero_ok else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, e.g. {name}={example}, "
                         f"got {value}")
    return float(value)


def _flag(value, name: str) -> None:
    """Refuse a yes/no option that is not True or False (a string like "no" is truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def _names(names, name: str, n: int, what: str, *, at_least: bool = False) -> None:
    """Check a list of texts, one per item: exactly n of them (or at least n)."""
    if isinstance(names, (str, bytes)) or not hasattr(names, "__len__"):
        raise TypeError(f"{name} must be a list with one text per {what}, got "
                        f"{type(names).__name__} {names!r:.40}")
    if len(names) < n or (len(names) > n and not at_least):
        need = f"at least {n}" if at_least else f"exactly {n}"
        raise ValueError(f"{name} needs {need} (one text per {what}, in order), "
                         f"got {len(names)}")


def _as_labels(y, name: str, max_classes: int) -> np.ndarray:
    """Return class labels 0, 1, 2, ... as a 1-D int array (a column (n, 1) will do), or raise.

    Refused with the fix: negative labels (-1 must never become the last class), scores
    or probabilities, one-hot rows, text, NaN, and labels beyond max_classes - 1.
    """
    if y is None or isinstance(y, (str, bytes)) or np.ma.isMaskedArray(y):
        kind = "a masked array" if np.ma.isMaskedArray(y) else type(y).__name__
        raise TypeError(f"{name} must be an array of class labels 0, 1, 2, ..., got {kind}: "
                        "pass a plain list or numpy array of whole numbers")
    try:
        arr = np.asarray(y)
    except ValueError as err:  # ragged lists
        raise TypeError(f"{name} must be a flat list or array of class labels ({err})") from err
    if arr.dtype.kind not in "biuf":
        hint = (": turn names into numbers first, e.g. np.unique(names, return_inverse=True)[1]"
                if arr.dtype.kind in "US" else "")
        raise TypeError(f"{name} must hold class labels 0, 1, 2, ..., got an array of dtype "
                        f"{arr.dtype}{hint}")
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        hint = ": one-hot rows or probabilities become labels with .argmax(axis=1)" \
            if arr.ndim == 2 else ""
        raise ValueError(f"{name} must be 1-D, one label per sample, got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: give at least one label")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            raise ValueError(f"{name} must hold whole-number class labels 0, 1, 2, ..., but "
                             f"holds {arr[bad][0].item()!r}: turn scores into labels first, e.g. "
                             "(p > 0.5).astype(int), or p.argmax(axis=1) for one column per class")
    low, high = arr.min().item(), arr.max().item()
    if low < 0:
        raise ValueError(f"{name} holds the label {low!r}, but labels are 0, 1, 2, ...: "
                         "a -1/+1 coding becomes 0/1 with (y > 0).astype(int)")
    if high >= max_classes:
        raise ValueError(f"{name} holds the label {high!r}, but this plot is for at most "
                         f"{max_classes} classes (labels 0 to {max_classes - 1}): pass class "
                         "labels, not scores or sample numbers")
    return arr.astype(int)


SHORT_HISTORY = 20  # epochs: up to this many, plot_history marks every point


def plot_history(history, ax=None, title: str | None = None):
    """Loss per epoch (and accuracy, if recorded) of a History; a divergence is marked in red."""
    _check_history(history)
    _check_ax(ax)
    fig, ax = _axes(ax)
    epochs = np.arange(1, len(history.loss) + 1)
    last = max(len(epochs), history.diverged_at or 0, 1)  # the last epoch to show
    # a short history (one epoch, a divergence in epoch 2) is a few points: mark each one
    marker = {"marker": "o"} if len(epochs) <= SHORT_HISTORY else {}
    ax.plot(epochs, history.loss, label="training loss", color="C0", **marker)
    if history.val_loss:
        ax.plot(epochs, history.val_loss, label="validation loss", color="C0", ls="--",
                **marker)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # whole epochs
    if last <= SHORT_HISTORY:
        ax.set_xlim(0.5, last + 0.5)
    if not history.loss:  # diverged before the first epoch ended: no loss to draw
        ax.set_yticks([])
        ax.text(0.5, 0.45, "no epoch was finished,\nso there is no loss to plot",
                transform=ax.transAxes, ha="center", va="center", fontsize=text_size(1.1),
                bbox={"facecolor": "white", "edgecolor": "none"})
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    loss = [float(v) for v in history.loss]  # Python floats: inf / inf is nan, with no warning
    if loss and min(loss) > 0 and max(loss) / min(loss) > 50:
        ax.set_yscale("log")
    if history.accuracy:
        ax2 = ax.twinx()
        ax2.plot(epochs, history.accuracy, color="C1", label="training accuracy", **marker)
        if history.val_accuracy:
            ax2.plot(epochs, history.val_accuracy, color="C1", ls="--", label="validation accuracy",
                     **marker)
        ax2.set_ylabel("accuracy", color="C1")
        ax2.set_ylim(0, 1.02)
        lines = ax.get_lines() + ax2.get_lines()
        ax.legend(lines, [line.get_label() for line in lines], loc="center right")
    elif history.loss:  # (no legend for lines without a point)
        ax.legend(loc="upper right")
    if history.diverged:
        ax.axvline(history.diverged_at, color="red", ls=":")
        message = f"diverged in epoch {history.diverged_at}\n(learning rate {history.lr:g})"
        ax.text(0.5, 0.95, message, transform=ax.transAxes, ha="center", va="top",
                color="red", fontsize=text_size(1.3),
                bbox={"facecolor": "white", "edgecolor": "red"})
    ax.set_title(title if title is not None else f"learning rate {history.lr:g}")
    return fig


def _check_history(history) -> None:
    """Refuse anything but a History whose curves are lists of numbers, one per epoch."""
    if not all(hasattr(history, a) for a in ("lr", "loss", "accuracy", "val_loss", "diverged")):
        raise TypeError(f"history must be the History that fit returns, e.g. "
                        f"history = net.fit(X, Y, lr=0.5, epochs=100), "
                        f"got {type(history).__name__}")
    if isinstance(history.lr, bool) or not isinstance(history.lr, Real):
        raise TypeError(f"history.lr must be the learning rate (a number), got {history.lr!r}")
    n = len(history.loss)
    for part in ("loss", "accuracy", "val_loss", "val_accuracy"):
        values = getattr(history, part, [])
        if np.asarray(values).dtype.kind not in "biuf" and len(values):
            raise TypeError(f"history.{part} must be a list of numbers, one per epoch, "
                            f"got {values!r:.60}")
        if len(values) not in (0, n):
            raise ValueError(f"history.{part} has {len(values)} entries but history.loss has {n}: "
                             "each curve needs one value per epoch (or none)")


def plot_decision_boundary(classify, X, y, ax=None, *, resolution: int = 200,
                           feature_names=("x1", "x2"), class_names=None, padding: float = 0.5):
    """Colour the plane by the class `classify` gives each point; draw the samples on top.

    classify: a Network (its .classify is used) or a function X (n, 2) -> labels (n,).
    X: (n_samples, 2); y: labels (n_samples,), whole numbers 0 to 9 (10 colours).
    resolution: points per side of the grid, 2 to 1000.
    """
    X, y, f = _check_regions(classify, X, y, resolution, feature_names, class_names)
    padding = _real(padding, "padding", 0.5, zero_ok=True)
    with np.errstate(over="ignore"):
        width = np.ptp(X, axis=0) + 2 * padding
    if not np.isfinite(width).all():
        raise ValueError("X spans more than the largest float (about 1.8e308), so no grid "
                         "can cover it: scale X first, e.g. standardise each feature")
    if np.any(width == 0):
        raise ValueError("every sample has the same value of one feature and padding is 0, so "
                         "the plane has no width: give padding > 0, e.g. padding=0.5")
    _check_ax(ax)
    x0 = np.linspace(X[:, 0].min() - padding, X[:, 0].max() + padding, resolution)
    x1 = np.linspace(X[:, 1].min() - padding, X[:, 1].max() + padding, resolution)
    g0, g1 = np.meshgrid(x0, x1)
    with np.errstate(all="ignore"):
        labels = np.asarray(f(np.column_stack([g0.ravel(), g1.ravel()])))
    labels = _as_labels(labels, "the result of classify", _MAX_REGIONS)
    if labels.size != g0.size:
        raise ValueError(f"classify returned {labels.size} labels for {g0.size} points: it must "
                         "return one label per row of the points it is given")
    labels = labels.reshape(g0.shape)
    fig, ax = _axes(ax)  # only now: a refused call leaves no empty figure behind
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
    ax.legend(loc="best", fontsize=text_size(0.8))
    return fig


_MAX_REGIONS = 10  # decision regions are coloured with the 10 colours of "tab10"


def _check_regions(classify, X, y, resolution, feature_names, class_names):
    """Check plot_decision_boundary's arguments; return X, the labels y and the function."""
    f = classify.classify if hasattr(classify, "classify") else classify
    if not callable(f):
        raise TypeError(f"classify must be a Network or a function from points (n, 2) to "
                        f"labels (n,), e.g. lambda P: (P @ w + b > 0).astype(int), "
                        f"got {type(classify).__name__}")
    X = as_matrix(X, "X")
    if X.shape[1] != 2:
        raise ValueError(f"X has shape {X.shape}, so {X.shape[1]} columns, but 2 were expected: "
                         "decision regions are drawn in a plane, so pass two features, e.g. "
                         "X[:, [2, 3]], and a classify that takes those two")
    y = _as_labels(y, "y", _MAX_REGIONS)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]} labels: "
                         "give one label per row of X")
    _whole(resolution, "resolution", 2, 1000, 200)
    _names(feature_names, "feature_names", 2, "axis (x and y)")
    if class_names is not None:
        _names(class_names, "class_names", y.max() + 1, "class, from label 0 up", at_least=True)
    return X, y, f


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
    _check_texts(sizes, layer_names, unit_names, input_names, notes)
    precision = _whole(precision, "precision", 0, 10, 2)
    _check_ax(ax)
    if notes is None and b is not None:
        notes = [f"b={v:.{precision}f}" for v in np.concatenate([np.ravel(v) for v in b])]
    created = ax is None
    fig, ax = _axes(ax, figsize=(2.6 * len(sizes) + 2, 1.1 * max(sizes) + 2.5))
    setattr(fig, FIXED_LAYOUT, created)  # units, labels placed for this size: not resized
    pos = [[(l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    for l in range(len(sizes) - 1):
        # Labels sit where lines do not cross: 70 % of the way to the next layer, or 45 %
        # when all lines meet in a single unit.
        t = 0.45 if sizes[l + 1] == 1 else 0.7
        for i, (x0, y0) in enumerate(pos[l]):
            for j, (x1, y1) in enumerate(pos[l + 1]):
                ax.plot([x0, x1], [y0, y1], color="0.6", zorder=1,
                        lw=plt.rcParams["lines.linewidth"] / 1.5)
                if W is not None:
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0),
                            f"{np.asarray(W[l])[i, j]:.{precision}f}", fontsize=text_size(1),
                            ha="center", va="center", zorder=3,
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    for l, layer in enumerate(pos):
        for i, (x, y) in enumerate(layer):
            ax.add_patch(plt.Circle((x, y), 0.2, facecolor="white", edgecolor="k", zorder=2))
            name = unit_names[l][i] if unit_names is not None else ""
            ax.text(x, y, name, ha="center", va="center", fontsize=text_size(1), zorder=4)
    for i, name in enumerate(input_names or []):
        ax.text(-0.3, pos[0][i][1], name, ha="right", va="center", fontsize=text_size(1.1))
    _write_notes(ax, pos, notes, note_color)
    names = layer_names or (["input"] + ["hidden"] * (len(sizes) - 2) + ["output"])
    for l, name in enumerate(names):
        ax.text(l, (max(sizes) - 1) / 2 + 0.6, name, ha="center", fontsize=text_size(1.1))
    ax.set_xlim(-1.5 if input_names else -0.5, len(sizes) - 0.5 + (0.8 if notes else 0))
    ax.set_ylim(-(max(sizes) - 1) / 2 - 0.8, (max(sizes) - 1) / 2 + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig


def _check_drawable(sizes, W, b) -> None:
    """Raise a clear error if the sizes, W or b cannot be drawn together."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must list the layer sizes from input to output, e.g. [2, 3, 1], "
                        f"got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layers (input and output), e.g. "
                         f"[2, 3, 1], got {sizes!r}")
    for l, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise TypeError(f"sizes[{l}] must be a whole number of units, e.g. sizes=[2, 3, 1], "
                            f"got {n!r}")
        if n < 1:
            raise ValueError(f"sizes[{l}] is {n}, but every layer needs at least 1 unit, "
                             f"e.g. sizes=[2, 3, 1]")
    for name, arrays in (("W", W), ("b", b)):
        if arrays is not None and not isinstance(arrays, (list, tuple)):
            raise TypeError(f"{name} must be a list with one array per layer after the input "
                            f"(like net.{name}), got {type(arrays).__name__}: for a single "
                            f"layer write [{name}1]")
        for l, a in enumerate(arrays or []):
            _numbers(a, f"{name}[{l}]")
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


def _check_texts(sizes, layer_names, unit_names, input_names, notes) -> None:
    """Raise a clear error unless every list of texts has one text per layer or unit."""
    if layer_names is not None:
        _names(layer_names, "layer_names", len(sizes), "layer")
    if unit_names is not None:
        _names(unit_names, "unit_names", len(sizes), "layer (a list of names each)")
        for l, names in enumerate(unit_names):
            _names(names, f"unit_names[{l}]", sizes[l], f"unit of layer {l}")
    if input_names is not None:
        _names(input_names, "input_names", sizes[0], "input unit")
    if notes is not None:
        _names(notes, "notes", sum(sizes[1:]), "unit after the input layer")


def _numbers(value, name: str) -> np.ndarray:
    """Return value as a numpy array of real numbers, or raise a TypeError naming it."""
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged lists
        raise TypeError(f"{name} must be an array of numbers, not a ragged list ({err})") from err
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}: "
                        "convert it first, e.g. np.asarray(x, dtype=float)")
    return arr


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
            ax.text(x + 0.28, y, note, ha="left", va="center", color=color, fontsize=text_size(1))
        else:  # hidden units: above (or below, for the lower half) and a little right
            above = y >= 0
            ax.text(x + 0.12, y + (0.24 if above else -0.24), note, ha="left",
                    va="bottom" if above else "top", color=color, fontsize=text_size(1))


def plot_images(images, titles=None, *, ncols: int = 10, cmap: str = "gray_r",
                size: float = 1.2, symmetric: bool = False):
    """A grid of small images (n, h, w), e.g. digits or a hidden unit's input weights.

    symmetric=True centres the colour scale on 0 (for weights: red +, blue -).
    At most 200 images at a time; titles, if given, one per image. ncols is the most
    images per row: fewer, in more rows, if a row of ncols images of `size` inches would
    be wider than a notebook page as shown (about 1100 pixels at figure.dpi), because a
    page shrinks a wider figure and its titles with it. In projector mode the grid fits a
    projector's screen (style.fits_projector): the number of columns, up to ncols, that
    shows the images largest (at most `size` inches), each column as wide as its titles.
    """
    images = _check_images(images, titles, cmap, symmetric)
    ncols, size = _whole(ncols, "ncols", 1, None, 10), _real(size, "size", 1.2)
    n = len(images)
    ncols = min(ncols, n)
    if projector_on():
        fig = _projector_grid(images, titles, ncols, size)
        if fig is not None:  # (else no grid fits: drawn as usual, and shown smaller)
            _show_images(fig.axes, images, titles, cmap, symmetric)
            return fig
    fit = max(1, int(PAGE_WIDTH_PX / (size * plt.rcParams["figure.dpi"])))
    if ncols > fit:  # rows as even as fit allows: 20 in rows of at most 7 -> 7, 7, 6
        ncols = int(np.ceil(n / np.ceil(n / fit)))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15),
                             squeeze=False)
    setattr(fig, FIXED_LAYOUT, True)  # a title over every image, sized for it: not resized
    _show_images(axes.ravel(), images, titles, cmap, symmetric)
    fig.tight_layout()
    return fig


def _show_images(axes, images, titles, cmap, symmetric: bool) -> None:
    """plot_images' drawing: image k and its title on axes[k], every axes without axis."""
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k >= len(images):
            continue
        if symmetric:
            m = np.abs(images[k]).max() or 1.0
            ax.imshow(images[k], cmap="seismic", vmin=-m, vmax=m)
        else:
            ax.imshow(images[k], cmap=cmap)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=text_size(0.8))


def _projector_grid(images, titles, ncols: int, size: float):
    """Projector mode's grid for plot_images: a figure with one Axes per image, placed in
    pixels, the largest images (up to size inches) of any number of columns up to ncols
    with which the figure fits (fits_projector); None if none does with images of 0.4
    inches or more. Rows as even as the number of columns allows."""
    n, dpi = len(images), plt.rcParams["figure.dpi"]
    em = text_size(0.8) * dpi / 72
    if titles is None:
        title_w = title_h = 0.0
    else:
        extents = _text_sizes([str(t) for t in titles], text_size(0.8), dpi).values()
        title_w = max(w for w, _ in extents)
        title_h = max(h for _, h in extents) + plt.rcParams["axes.titlepad"] * dpi / 72
    aspect = images.shape[1] / images.shape[2]  # height / width of every image
    gap, margins = 0.5 * em, 0.2 * dpi  # between images; the notebook's 0.1-inch margins
    best = None
    for cols in range(1, ncols + 1):
        rows = int(np.ceil(n / cols))
        if int(np.ceil(n / rows)) != cols:  # (as even rows as fewer columns give)
            continue
        for side in range(int(size * dpi), int(0.4 * dpi) - 1, -1):  # image width, pixels
            cell_w = max(side, title_w)
            width = cols * cell_w + (cols - 1) * gap
            height = rows * (side * aspect + title_h) + (rows - 1) * gap
            if fits_projector(width + margins, height + margins):
                if best is None or side > best[0]:
                    best = (side, cols, rows, cell_w, width, height)
                break
    if best is None:
        return None
    side, cols, rows, cell_w, width, height = best
    fig = plt.figure(figsize=(width / dpi, height / dpi))
    setattr(fig, FIXED_LAYOUT, True)  # placed in pixels, sized to fit: not resized
    for k in range(n):
        row, col = divmod(k, cols)
        left = col * (cell_w + gap) + (cell_w - side) / 2
        top = row * (side * aspect + title_h + gap) + title_h
        fig.add_axes((left / width, 1 - (top + side * aspect) / height,
                      side / width, side * aspect / height))
    return fig


def _text_sizes(strings, fontsize: float, dpi: float) -> dict:
    """(width, height) in pixels of each string written at fontsize points, measured on a
    figure that is never shown."""
    from matplotlib.figure import Figure

    fig = Figure(dpi=dpi)
    drawn = {s: fig.text(0, 0, s, fontsize=fontsize) for s in dict.fromkeys(strings)}
    fig.draw_without_rendering()
    sizes = {}
    for s, t in drawn.items():
        extent = t.get_window_extent()
        sizes[s] = (extent.width, extent.height)
    return sizes


_MAX_IMAGES = 200  # one small Axes per image: more would take minutes and show nothing


def _check_images(images, titles, cmap, symmetric) -> np.ndarray:
    """Check plot_images' arguments; return the images as an array (n, height, width)."""
    if images is None or isinstance(images, (str, bytes)):
        raise TypeError(f"images must be an array of shape (n, height, width), "
                        f"got {type(images).__name__}")
    images = _numbers(images, "images")
    if images.ndim != 3 or len(images) == 0:
        hint = "for one image use image[None]"
        side = round(images.shape[-1] ** 0.5) if images.ndim == 2 else 0
        if side > 1 and side * side == images.shape[1]:
            hint = f"for rows of {side * side} pixels use images.reshape(-1, {side}, {side})"
        if images.ndim == 4:
            hint = "for colour images pass one channel, e.g. images[..., 0]"
        raise ValueError(f"images must have shape (n, height, width) with n >= 1, got "
                         f"{images.shape}; {hint}")
    if 0 in images.shape:
        raise ValueError(f"images have shape {images.shape}: each image needs at least one "
                         "pixel in height and in width")
    if len(images) > _MAX_IMAGES:
        raise ValueError(f"plot_images draws at most {_MAX_IMAGES} images at a time, got "
                         f"{len(images)}: pass a slice, e.g. images[:20]")
    if not np.isfinite(images).all():
        raise ValueError("images contains NaN or infinite values (a diverged training?): "
                         "find them with np.isfinite(images) and fix or drop those images")
    if titles is not None:
        _names(titles, "titles", len(images), "image")
    if isinstance(cmap, str) and cmap not in plt.colormaps:
        raise ValueError(f"cmap {cmap!r} is not a matplotlib colormap: use a name such as "
                         "'gray_r' (dark ink on white), 'gray' or 'viridis'")
    _flag(symmetric, "symmetric")
    return images


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, normalize: bool = False):
    """Counts of (true class, predicted class): the diagonal is right, the rest tells which mix.

    Labels are whole numbers 0 to 49; class_names, if given, one per class (more are
    allowed: a class no sample has still gets its row and column). In projector mode a
    figure of its own fits a projector's screen (style.fits_projector): its cells as
    small as their text allows, wider than tall if need be, the class names upright.
    """
    y_true, y_pred = _as_labels(y_true, "y_true", 50), _as_labels(y_pred, "y_pred", 50)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}: "
                         "give one true and one predicted label per sample")
    k = int(max(y_true.max(), y_pred.max())) + 1
    if class_names is not None:
        _names(class_names, "class_names", k, "class, from label 0 up", at_least=True)
        k = max(k, len(class_names))
    _flag(normalize, "normalize")
    _check_ax(ax)
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (y_true.astype(int), y_pred.astype(int)), 1)
    shown = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    created = ax is None
    fig, ax = _axes(ax, figsize=(0.5 * k + 2.5, 0.5 * k + 2))
    setattr(fig, FIXED_LAYOUT, created)  # a count in every cell, sized for it: not resized
    ax.imshow(shown, cmap="Blues")
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else str(cm[i, j])
            ax.text(j, i, text, ha="center", va="center", fontsize=text_size(0.8),
                    color="white" if shown[i, j] > shown.max() / 2 else "black")
    names = class_names if class_names is not None else [str(i) for i in range(k)]
    projector = created and projector_on()
    ax.set_xticks(range(k), names, rotation=45 if k <= 4 and not projector else 0)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if projector:
        _fit_confusion_matrix(ax, k)
    return fig, cm


def _fit_confusion_matrix(ax, k: int) -> None:
    """Projector mode: size plot_confusion_matrix's figure (ax, k x k cells, its text
    written) to fit a projector's screen (fits_projector): square cells just large enough
    for their counts and the class names below them, or, if those do not fit, cells as
    low as their counts allow and as wide as needed (a wider figure may be taller). Left
    as it is if nothing fits (projector mode then shows it smaller)."""
    fig, dpi = ax.figure, ax.figure.dpi
    fig.draw_without_rendering()
    counts = [t.get_window_extent() for t in ax.texts]
    names = [t.get_window_extent() for t in ax.get_xticklabels()]
    em = text_size(0.8) * dpi / 72
    min_w = max(max(b.width for b in counts) + 0.6 * em, max(b.width for b in names) + 0.4 * em)
    min_h = max(b.height for b in counts) + 0.4 * em
    box, frame = fig.get_tightbbox(), ax.get_window_extent()  # the labels around the cells
    around_w = box.width * dpi - frame.width + 0.2 * dpi  # and the notebook's margins
    around_h = box.height * dpi - frame.height + 0.2 * dpi
    square = max(min_w, min_h, 0.5 * dpi)
    sizes = [(square, square)] + [(w, min_h) for w in np.arange(min_w, PROJECTOR_FIT_PX[0] / k)]
    for cell_w, cell_h in sizes:
        width, height = k * cell_w + around_w, k * cell_h + around_h
        if fits_projector(width, height):
            # as tall as the width allows, up to square
            cell_h = min(cell_w, (projector_max_height(width) - around_h) / k)
            break
    else:
        return
    left = (frame.x0 - box.x0 * dpi) + 0.1 * dpi
    bottom = (frame.y0 - box.y0 * dpi) + 0.1 * dpi
    fig_w, fig_h = k * cell_w + around_w, k * cell_h + around_h
    fig.set_size_inches(fig_w / dpi, fig_h / dpi)
    ax.set_aspect("auto")
    ax.set_position((left / fig_w, bottom / fig_h, k * cell_w / fig_w, k * cell_h / fig_h))


def draw_graph(root, ax=None, *, precision: int = 4, title: str | None = None,
               max_nodes: int = 40, direction: str = "auto"):
    """Draw the computational graph behind a Value (backprop_lib.autograd).

    Each Value is a box with its label, .data and .grad, with arrows from its inputs; the
    operation that made it is written on a blue tag (on top of its box in LR, on the way
    in in TB). A leaf without a label is a constant (a plain number mixed in): a grey box
    with its number only.

    direction: "LR" (inputs left, result right), "TB" (inputs at the top) or "auto". The
    figure is sized to what it holds and kept within a notebook's column (fits_page), so
    that JupyterLab never shrinks it and its text: "auto" takes the
    first drawing that fits, in this order: LR with the words "data" and "grad" written
    out; LR in short form (name, data and grad on three lines, a key line above the graph
    says so); TB in short form. Within each, the text goes from text_size(1.1) down to
    text_size(0.8) at the least (14 pt as shown in projector mode). A given direction
    takes the first form and size that fits in it. In projector mode a figure of its own
    must fit a projector's screen (style.fits_projector: its height too), and the inputs
    of a level without operations are stacked closer; if no drawing fits, the first that
    fits the column is taken, and projector mode shows it smaller.
    """
    from .autograd import Value

    if not isinstance(root, Value):
        raise TypeError(f"draw_graph draws a Value and what it was computed from, got "
                        f"{type(root).__name__}")
    if direction not in ("auto", "LR", "TB"):
        raise ValueError(f"direction must be 'auto', 'LR' or 'TB', got {direction!r}")
    order = root.topological_order()
    if len(order) > max_nodes:
        raise ValueError(f"this graph has {len(order)} Values; draw_graph is for small ones "
                         f"(at most max_nodes={max_nodes}): draw a smaller expression")
    levels = _graph_levels(root, order)
    dpi = plt.rcParams["figure.dpi"] if ax is None else ax.figure.dpi
    texts = {short: {v: _graph_text(v, precision, short) for v in order}
             for short in (False, True)}
    ops = [_op_sign(v.op) for v in order if v.children] or ["+"]
    op_sizes = _box_sizes(ops, dpi, pad=0.3)  # (width, height) in pixels at text_size(1)
    base = {short: _box_sizes(texts[short].values(), dpi, pad=0.4) for short in (False, True)}
    tries = [(d, short, scale) for d in (("LR", "TB") if direction == "auto" else (direction,))
             for short in (False, True) for scale in _GRAPH_SCALES]
    projector = projector_on() and ax is None  # only a figure of its own is sized to fit
    fitting = None
    margins = 0.2 * dpi  # the notebook's 0.1-inch margins
    for d, short, scale in tries:
        em = text_size(scale) * dpi / 72
        layout = _graph_pixels(levels, texts[short], ops, base[short], op_sizes, scale, d, em,
                               compact=projector)
        width = layout["width"] + margins
        if projector and width <= PROJECTOR_FIT_PX[0] and _graph_height(
                layout, short, bool(title), em) + margins <= projector_max_height(width) + 2 * em:
            # (near enough by its estimate, which is on the large side: drawn and measured)
            fig = _draw_graph_on(None, layout, d, short, scale, texts[short], title, dpi)
            if fits_projector(*saved_size_px(fig)):
                return fig
            plt.close(fig)
        if fitting is None and fits_page(width / dpi, dpi):
            fitting = (d, short, scale, layout)
            if not projector:
                break
    # nothing fits a projector: the first drawing that fits the column (or the last)
    d, short, scale, layout = fitting or (d, short, scale, layout)
    return _draw_graph_on(ax, layout, d, short, scale, texts[short], title, dpi)


def _draw_graph_on(ax, layout: dict, d: str, short: bool, scale: float, texts: dict,
                   title: str | None, dpi: float):
    """draw_graph's drawing of one layout (_graph_pixels), on ax or, if ax is None, on a
    new figure of just its size; returns the figure."""
    pos, op_at, (x0, x1, y0, y1) = layout["pos"], layout["op_at"], layout["limits"]
    size = text_size(scale)
    key = "each box: its name, data and grad" if short else None
    if key:  # a line above the graph, inside the axes
        y1 += _KEY_EM * size * dpi / 72
    if ax is None:  # one pixel of the figure per unit, and room for the title above
        above = _TITLE_EM * size * dpi / 72 if title else 0.0
        height = y1 - y0 + above
        fig = plt.figure(figsize=((x1 - x0) / dpi, height / dpi))
        ax = fig.add_axes((0, 0, 1, (y1 - y0) / height))
        setattr(fig, FIXED_LAYOUT, True)  # boxes sized in pixels: projector mode must not resize
    fig = ax.figure
    boxes = {}
    for node, (x, y) in pos.items():
        constant = not node.children and not node.label
        boxes[node] = ax.text(x, y, texts[node], ha="center", va="center",
                              fontsize=size, zorder=3,
                              bbox={"boxstyle": "round,pad=0.4",
                                    "facecolor": "0.92" if constant else "white",
                                    "edgecolor": "0.5" if constant else "k"})
    arrow = {"arrowstyle": "-|>", "shrinkA": 0, "shrinkB": 0, "mutation_scale": 1.1 * size}
    pads = {False: 0.4 * size, True: 0.3 * size}  # a box's padding around its text, in points

    def connect(start, end, color, op_start=False, op_end=False):
        # an arrow from the edge of one box to the edge of the next (its text's extent
        # plus the box's padding): right to left in LR, bottom to top in TB
        if d == "LR":
            (ends, a, b) = ((1, 0.5), (0, 0.5)), (pads[op_start], 0), (-pads[op_end], 0)
        else:
            (ends, a, b) = ((0.5, 0), (0.5, 1)), (0, -pads[op_start]), (0, pads[op_end])
        ax.annotate("", b, a, xycoords=OffsetFrom(end, ends[1], "points"),
                    textcoords=OffsetFrom(start, ends[0], "points"), zorder=2,
                    arrowprops={**arrow, "color": color})

    for node, at in op_at.items():  # LR: a tab on top of the box; TB: a tag above it
        op = ax.text(*at, _op_sign(node.op), ha="center", va="center",
                     fontsize=size, zorder=4, color="C0",
                     bbox={"boxstyle": "round,pad=0.3", "facecolor": "#e3eef8", "edgecolor": "C0"})
        for child in node.children:
            if d == "LR":
                connect(boxes[child], boxes[node], "0.35")
            else:
                connect(boxes[child], op, "0.35", op_end=True)
        if d == "TB":
            connect(op, boxes[node], "C0", op_start=True)
    if key:
        ax.text((x0 + x1) / 2, y1 - 0.8 * size * dpi / 72, key, ha="center", va="center",
                fontsize=size, style="italic", color="0.3")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=size)
    return fig


_GRAPH_SCALES = (1.1, 1.0, 0.9, 0.8)  # text_size factors draw_graph tries, largest first
_KEY_EM, _TITLE_EM = 1.6, 2.2  # the heights of draw_graph's key line and title, in ems


def _graph_height(layout: dict, key: bool, title: bool, em: float) -> float:
    """The height in pixels of draw_graph's figure for a layout: the graph, its key line
    (short form) and its title."""
    x0, x1, y0, y1 = layout["limits"]
    return y1 - y0 + (_KEY_EM * em if key else 0.0) + (_TITLE_EM * em if title else 0.0)


_OP_SIGNS = {"sigmoid": "σ", "*": "×", "/": "÷", "-": "−", "neg": "−x"}
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _op_sign(op: str) -> str:
    """How an operation is written on its tag: × for *, x² for **2, the name otherwise."""
    if op.startswith("**") and all(c in "0123456789-" for c in op[2:]):
        return "x" + op[2:].translate(_SUPERSCRIPTS)
    return _OP_SIGNS.get(op, op)


def _graph_text(node, precision: int, short: bool) -> str:
    """A node's box: label, data, grad (short: without the words); a constant's number."""
    if not node.children and not node.label:
        return f"{node.data:g}"
    if short:
        lines = [f"{node.data:.{precision}f}", f"{node.grad:.{precision}f}"]
    else:
        lines = [f"data {node.data:.{precision}f}", f"grad {node.grad:.{precision}f}"]
    return "\n".join(([node.label] if node.label else []) + lines)


def _box_sizes(strings, dpi: float, pad: float) -> dict:
    """(width, height) in pixels of each string's box at text_size(1), measured on a
    figure that is never shown (a box grows in proportion to its text's size)."""
    from matplotlib.figure import Figure

    fig = Figure(dpi=dpi)
    drawn = {s: fig.text(0, 0, s, fontsize=text_size(1), bbox={"boxstyle": f"round,pad={pad}"})
             for s in dict.fromkeys(strings)}
    fig.draw_without_rendering()
    sizes = {}
    for s, t in drawn.items():
        extent = t.get_bbox_patch().get_window_extent()
        sizes[s] = (extent.width, extent.height)
    return sizes


def _graph_levels(root, order) -> list[list]:
    """The Values by level, level 0 being root: a Value's level is its longest path to the
    root (so an input sits just before its last use), and each level is sorted by where its
    users are (first = top in LR, left in TB)."""
    level = {root: 0}
    for node in reversed(order):
        for child in node.children:
            level[child] = max(level.get(child, 0), level[node] + 1)
    levels: list[list] = [[] for _ in range(max(level.values()) + 1)]
    for node in reversed(order):
        levels[level[node]].append(node)
    users: dict = {}
    for node in order:
        for child in node.children:
            users.setdefault(child, []).append(node)
    slot = {root: 0.0}
    for lev, nodes in enumerate(levels):
        if lev:
            nodes.sort(key=lambda v: np.mean([slot[u] for u in users[v]]))
        for i, node in enumerate(nodes):
            slot[node] = i - (len(nodes) - 1) / 2
    return levels


def _graph_pixels(levels, texts, ops, base, op_sizes, scale, direction: str,
                  em: float, compact: bool = False) -> dict:
    """Where each box and operation tag goes, in pixels, for text scale times
    text_size(1) (em pixels high): the levels one after another, inputs first, with room
    for the operation tags and arrows between them; the Values of a level side by side.
    compact (LR): a level without operation tabs (inputs only) needs no room for them."""
    sizes = {s: (w * scale, h * scale) for s, (w, h) in base.items()}
    box_w = max(sizes[texts[v]][0] for nodes in levels for v in nodes)
    box_h = max(sizes[texts[v]][1] for nodes in levels for v in nodes)
    op_w = max(op_sizes[s][0] for s in ops) * scale
    op_h = max(op_sizes[s][1] for s in ops) * scale
    gap = 1.5 * em  # the length of an arrow
    if direction == "LR":  # operation tabs sit on the boxes' top edges: room above each box
        step, pitch = gap, box_h + 0.4 * em + op_h
    else:  # operation tags between the levels, an arrow on either side
        step, pitch = 2 * gap + op_h, box_w + 0.8 * em
    pos, op_at, along = {}, {}, 0.0
    for lev in range(len(levels) - 1, -1, -1):  # the inputs' level first
        nodes = levels[lev]
        depth = max(sizes[texts[v]][0 if direction == "LR" else 1] for v in nodes)
        spacing, tabs = pitch, op_h  # tabs: (LR) the room a tab on top of a box needs
        if compact and direction == "LR" and not any(v.children for v in nodes):
            spacing, tabs = pitch - op_h, 0.0
        for i, node in enumerate(nodes):
            offset = ((len(nodes) - 1) / 2 - i) * spacing
            w, h = sizes[texts[node]]
            if direction == "LR":  # along = x, offset = y (first node at the top)
                # the tab: left-aligned with the box, standing on its top edge
                pos[node] = (along + depth / 2, offset - tabs / 2)
                at = (along + (depth - w) / 2 + op_w / 2, offset + h / 2)
            else:  # along = -y (inputs at the top), offset = -x (first node on the left)
                pos[node] = (-offset, -(along + depth / 2))
                at = (-offset, -(along + (depth - h) / 2 - gap - op_h / 2))
            if node.children:
                op_at[node] = at
        along += depth + step
    margin = 0.3 * em  # the limits: every box and tag, and a margin
    extents = [(x, y, *sizes[texts[v]]) for v, (x, y) in pos.items()]
    extents += [(x, y, op_w, op_h) for x, y in op_at.values()]
    limits = (min(x - w / 2 for x, _, w, _ in extents) - margin,
              max(x + w / 2 for x, _, w, _ in extents) + margin,
              min(y - h / 2 for _, y, _, h in extents) - margin,
              max(y + h / 2 for _, y, _, h in extents) + margin)
    return {"pos": pos, "op_at": op_at, "limits": limits, "width": limits[1] - limits[0]}
