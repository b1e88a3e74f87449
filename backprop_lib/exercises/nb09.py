"""The self-checks of notebook 09's exercises (convolutions).

The reference answers and the mistakes a class makes most live here, not in the
notebook, so that a student copy holds neither; each check builds them from the data it
is given and calls `check_exercise`:

    check_route_max_gradient(route_max_gradient, dout, x, size)            # exercise 1
    check_conv_dw_im2col(conv_dw_im2col, x, dout, HH, WW, stride, pad)     # exercise 2
    check_my_col2im(my_col2im, cols, x_shape, HH, WW, stride, pad)         # exercise 3

Each prints one ✅, ❌ or ⏳ line and returns None (selfcheck.passed() tells whether the
last check succeeded).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..conv import (
    col2im,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv_output_size,
    im2col,
    maxpool_backward,
    maxpool_forward,
)
from ..selfcheck import check_exercise

__all__ = ["check_route_max_gradient", "check_conv_dw_im2col", "check_my_col2im"]


def _name(fn: Callable, exercise: str) -> str:
    """The name a check prints: the exercise's, marked when the solution is checked."""
    solution = getattr(fn, "__name__", "").endswith("_solution")
    return f"{exercise} (solution)" if solution else exercise


def _images(name: str, value) -> np.ndarray:
    arr = np.array(value, dtype=np.float64)
    if arr.ndim != 4 or arr.size == 0:
        raise ValueError(f"{name} must be a batch of images (N, C, H, W), got shape "
                         f"{arr.shape}")
    return arr


# ---- exercise 1: max pooling's backward pass ----------------------------------------------

def _windows(x: np.ndarray, size: int) -> np.ndarray:
    """x (N, C, H, W) as its windows (N, C, Ho, Wo, size·size), entries row by row."""
    N, C, H, W = x.shape
    Ho, Wo = H // size, W // size
    return (x.reshape(N, C, Ho, size, Wo, size).transpose(0, 1, 2, 4, 3, 5)
            .reshape(N, C, Ho, Wo, size * size))


def _unwindow(weights: np.ndarray, size: int) -> np.ndarray:
    """_windows backwards: (N, C, Ho, Wo, size·size) -> (N, C, Ho·size, Wo·size)."""
    N, C, Ho, Wo, _ = weights.shape
    return (weights.reshape(N, C, Ho, Wo, size, size).transpose(0, 1, 2, 4, 3, 5)
            .reshape(N, C, Ho * size, Wo * size))


def _one_hot(index: np.ndarray, k: int) -> np.ndarray:
    return (index[..., None] == np.arange(k)).astype(float)


def check_route_max_gradient(fn: Callable, dout, x, size: int) -> None:
    """Check exercise 1: fn(dout, x, size) -> dx, max pooling's backward pass for windows
    size × size side by side (stride = size); at a tie the first maximum, row by row."""
    x, dout = _images("x", x), _images("dout", dout)
    N, C, H, W = x.shape
    if H % size or W % size or dout.shape != (N, C, H // size, W // size):
        raise ValueError(f"need x (N, C, H, W) with H and W multiples of size and dout "
                         f"(N, C, H/size, W/size); got {x.shape}, {dout.shape}, size {size}")
    win = _windows(x, size)
    k = size * size
    top = win.max(axis=-1, keepdims=True)
    is_max = win == top
    if not np.any(is_max.sum(axis=-1) > 1):
        raise ValueError("use data with ties (x rounded), so that the tie rule shows")
    first = np.argmax(win, axis=-1)
    last = k - 1 - np.argmax(win[..., ::-1], axis=-1)
    p, q = np.divmod(first, size)
    swapped = q * size + p
    if np.array_equal(swapped, first):
        raise ValueError("use data where some maximum is off the window's diagonal")
    column_order = np.arange(k).reshape(size, size).T.ravel()   # the window column by column
    first_by_column = column_order[np.argmax(win[..., column_order], axis=-1)]
    up = dout[..., None]

    def routed(weights, times_dout=True):
        return _unwindow(weights * up if times_dout else weights, size)

    right = maxpool_backward(dout, maxpool_forward(x, size)[1])
    mistakes = {
        "at a tie every maximum got the whole gradient: the output moves with one of them "
        "only; give it all to the first maximum, reading the window row by row (as "
        "np.argmax does)":
            routed(is_max.astype(float)),
        "at a tie the gradient was split among the maxima: give it all to the first "
        "maximum, reading the window row by row (as np.argmax does)":
            routed(is_max / is_max.sum(axis=-1, keepdims=True)),
        "at a tie the gradient went to the last maximum: give it to the first one, reading "
        "the window row by row (np.argmax returns the first)":
            routed(_one_hot(last, k)),
        "every entry of the window got the gradient (copied, as when enlarging an image): "
        "only the maximum moved the output, so only it gets the gradient, the others 0":
            routed(np.ones_like(win)),
        "the gradient was spread evenly over the window: that is average pooling's "
        "backward pass; max pooling routes all of it to the maximum":
            routed(np.full_like(win, 1 / k)),
        "the gradient went to the smallest entry (argmin): route it to the largest":
            routed(_one_hot(np.argmin(win, axis=-1), k)),
        "row and column of the maximum are swapped inside the window: "
        "np.unravel_index(i, (size, size)) gives (row, column), row first":
            routed(_one_hot(swapped, k)),
        "the maximum got 1, not the upstream gradient: multiply by dout[n, c, i, j] (the "
        "chain rule)":
            routed(_one_hot(first, k), times_dout=False),
        "the gradient was multiplied by the maximum's value: max passes the maximum through "
        "unchanged, so its local derivative is 1 and the maximum gets dout[n, c, i, j] "
        "itself, not times its value":
            routed(_one_hot(first, k) * top),
        "at a tie the gradient went to the first maximum reading the window column by "
        "column (np.argmax(window.T)?): read it row by row, np.argmax(window)":
            routed(_one_hot(first_by_column, k)),
        "the maximum's place in the window was added to the window's index, dx[n, c, i + p, "
        "j + q]: window (i, j) starts at row i·size, column j·size, so use dx[n, c, i·size "
        "+ p, j·size + q]":
            _at_unscaled_place(dout, x.shape, p, q),
    }
    if dout.shape[2] == dout.shape[3]:
        mistakes["dout's rows and columns are swapped (dout[n, c, j, i]): the window in "
                 "row i, column j of the output gets dout[n, c, i, j]"] = \
            _unwindow(_one_hot(first, k) * dout.transpose(0, 1, 3, 2)[..., None], size)
    check_exercise(_name(fn, "max-pool backward"), fn, (dout, x, size), right,
                   mistakes=mistakes, forbidden=(maxpool_backward,), rtol=1e-9, atol=1e-12)


def _at_unscaled_place(dout: np.ndarray, shape: tuple, p: np.ndarray,
                       q: np.ndarray) -> np.ndarray:
    """dout[n, c, i, j] added at row i + p, column j + q (the window's index not multiplied
    by the window size, a mistake's result)."""
    N, C, Ho, Wo = dout.shape
    n, c, i, j = np.ix_(range(N), range(C), range(Ho), range(Wo))
    dx = np.zeros(shape)
    np.add.at(dx, (n, c, i + p, j + q), dout)
    return dx


# ---- exercise 2: dW and db through im2col --------------------------------------------------

def check_conv_dw_im2col(fn: Callable, x, dout, HH: int, WW: int, stride: int,
                         pad: int) -> None:
    """Check exercise 2: fn(x, dout, HH, WW, stride, pad) -> (dw, db) of a convolution of
    x (N, C, H, W) with F filters HH × WW, dout (N, F, Ho, Wo), written with im2col."""
    x, dout = _images("x", x), _images("dout", dout)
    N, C, H, W = x.shape
    F = dout.shape[1]
    Ho, Wo = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError(f"dout must have shape (N, F, Ho, Wo) = ({N}, {F}, {Ho}, {Wo}), "
                         f"got {dout.shape}")
    if len({N, F, C * HH * WW}) < 3 or Ho == Wo == 1:
        raise ValueError("use N, F and C·HH·WW all different and outputs larger than 1 × 1, "
                         "so that an axis mix-up cannot hide")
    w = np.zeros((F, C, HH, WW))
    _, dw, db = conv2d_backward(dout, conv2d_forward(x, w, np.zeros(F), stride, pad)[1])
    cols = im2col(x, HH, WW, stride, pad)                       # (N·Ho·Wo, C·HH·WW)
    dW_col = cols.T @ dout.transpose(0, 2, 3, 1).reshape(-1, F)   # (C·HH·WW, F)
    mixed = cols.T @ dout.reshape(-1, F)
    columns_first = cols.T @ dout.transpose(0, 3, 2, 1).reshape(-1, F)
    filters_first = cols.T @ dout.transpose(0, 2, 3, 1).reshape(F, -1).T
    rows = N * Ho * Wo
    mistakes = {
        "colsᵀδ was reshaped without a transpose: it is (C·HH·WW, F), one column per "
        "filter; transpose it to (F, C·HH·WW) first, then reshape to (F, C, HH, WW)":
            [dW_col.reshape(F, C, HH, WW), None],
        "δ was made with dout.reshape(-1, F), which mixes filters and pixels: move the "
        "filter axis last first, dout.transpose(0, 2, 3, 1).reshape(-1, F), so that row r "
        "of δ belongs to row r of cols":
            [mixed.T.reshape(w.shape), None],
        "δ's rows go through the pixels column by column: im2col's rows run (image, row, "
        "column), so use dout.transpose(0, 2, 3, 1), not (0, 3, 2, 1)":
            [columns_first.T.reshape(w.shape), None],
        "dw is flipped: the forward pass does not flip the kernel (a correlation), so dw is "
        "not flipped either; colsᵀδ is already in w's (c, p, q) order":
            [dw[:, :, ::-1, ::-1], None],
        "δ was made with .reshape(F, -1).T, which mixes filters and pixels: reshape to "
        "(-1, F) after moving the filter axis last, dout.transpose(0, 2, 3, 1).reshape(-1, F)":
            [filters_first.T.reshape(w.shape), None],
        "dw's kernel is transposed (its rows and columns swapped): colsᵀδ transposed is "
        "already in w's (c, p, q) order; reshape it to (F, C, HH, WW) and stop there":
            [dw.transpose(0, 1, 3, 2), None],
        "the kernel's rows, columns and channels are read in the order (p, q, c): im2col "
        "orders a window (c, p, q), as w[f].ravel(); reshape colsᵀδ's transpose to "
        "(F, C, HH, WW) directly":
            [dw.reshape(F, HH, WW, C).transpose(0, 3, 1, 2), None],
        f"dw and db are divided by N·Ho·Wo = {rows}, the number of rows of cols (a mean over "
        f"the windows): the gradient is the sum over every image and output pixel":
            [dw / rows, db / rows],
        f"dw and db are divided by N = {N} (averaged over the images): dout already "
        f"carries the loss's 1/N; the gradient sums over every image and output pixel":
            [dw / N, db / N],
        f"db is averaged over the Ho·Wo = {Ho * Wo} output pixels: each bias is added at "
        f"every pixel, so its gradient is the sum over images and pixels":
            [None, db / (Ho * Wo)],
        "db sums over the images only: each bias is added at every output pixel too, so "
        "sum dout over axes 0, 2 and 3 (one number per filter)":
            [None, dout.sum(axis=0)],
        "db sums over the wrong axes (one number per image): sum over axes 0, 2 and 3, "
        "keeping axis 1, the filters":
            [None, dout.sum(axis=(1, 2, 3))],
    }
    if (conv_output_size(H, HH, 1, 0), conv_output_size(W, WW, 1, 0)) == (Ho, Wo) \
            and (stride, pad) != (1, 0):
        no_stride = im2col(x, HH, WW).T @ dout.transpose(0, 2, 3, 1).reshape(-1, F)
        mistakes[f"im2col was called without stride and pad (im2col(x, HH, WW)): its "
                 f"windows are not the convolution's; pass them, im2col(x, HH, WW, stride, "
                 f"pad) (stride {stride}, pad {pad} here)"] = \
            [no_stride.T.reshape(w.shape), None]
    check_exercise(_name(fn, "dW via im2col"), fn, (x, dout, HH, WW, stride, pad), [dw, db],
                   parts=["dw", "db"], mistakes=mistakes, n_samples=N,
                   forbidden=(conv2d_backward, conv2d_backward_naive), rtol=1e-9, atol=1e-12)


# ---- exercise 3: col2im, with the overlap accumulated --------------------------------------

def _scatter(cols, x_shape, HH, WW, stride, pad, *, assign=False, order="cpq", flip=False,
             use_stride=True, windows="ij", average=False, one_short=False,
             crop="both") -> np.ndarray:
    """col2im with loops, and the usual ways of getting it wrong (keyword switches):
    windows says how a window (n, i, j) finds its row of cols ("ij" is right), one_short
    leaves out the + 1 of the output size, crop="start" cuts the padding from one side."""
    N, C, H, W = x_shape
    Ho, Wo = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    if one_short:
        Ho, Wo = Ho - 1, Wo - 1
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    count = np.zeros_like(out)
    step = stride if use_stride else 1
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                r = {"ij": n * Ho * Wo + i * Wo + j, "ji": n * Ho * Wo + j * Ho + i,
                     "no image": i * Wo + j, "image last": (i * Wo + j) * N + n}[windows]
                if order == "cpq":
                    patch = cols[r].reshape(C, HH, WW)
                else:
                    patch = cols[r].reshape(HH, WW, C).transpose(2, 0, 1)
                if flip:
                    patch = patch[:, ::-1, ::-1]
                rows, cs = slice(i * step, i * step + HH), slice(j * step, j * step + WW)
                if assign:
                    out[n, :, rows, cs] = patch
                else:
                    out[n, :, rows, cs] += patch
                count[n, :, rows, cs] += 1
    if average:
        out = out / np.maximum(count, 1)
    if crop == "start":
        return out[:, :, :H, :W]
    return out[:, :, pad:pad + H, pad:pad + W]


def check_my_col2im(fn: Callable, cols, x_shape, HH: int, WW: int, stride: int,
                    pad: int) -> None:
    """Check exercise 3: fn(cols, x_shape, HH, WW, stride, pad) -> an array of shape
    x_shape, im2col's adjoint (every entry of cols added back where it was copied from)."""
    cols = np.array(cols, dtype=np.float64)
    N, C, H, W = x_shape
    Ho, Wo = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    if cols.shape != (N * Ho * Wo, C * HH * WW):
        raise ValueError(f"cols must have shape (N·Ho·Wo, C·HH·WW) = ({N * Ho * Wo}, "
                         f"{C * HH * WW}), got {cols.shape}")
    if stride >= min(HH, WW) or stride == 1 or pad == 0 or C == 1:
        raise ValueError("use windows that overlap (1 < stride < kernel), pad > 0 and "
                         "several channels, so that every mistake shows")
    args = (cols, x_shape, HH, WW, stride, pad)
    right = col2im(*args)
    mistakes = {
        "overlapping windows overwrite each other (= instead of +=): a pixel under several "
        "windows must receive the sum of their gradients (06's += where paths meet)":
            _scatter(*args, assign=True),
        "where windows overlap the gradients are averaged: col2im adds them (it is "
        "im2col's adjoint, not its inverse)":
            _scatter(*args, average=True),
        "the padding is not cropped: return the array without the pad rows and columns "
        "around each image, shape (N, C, H, W)":
            _padded_sum(*args),
        "the stride is ignored: window (i, j) starts at row i·stride, column j·stride of "
        "the padded image":
            _scatter(*args, use_stride=False),
        "a window's entries are read in the order (row, column, channel): im2col orders "
        "them (channel, row, column), as w[f].ravel(); reshape a row to (C, HH, WW)":
            _scatter(*args, order="pqc"),
        "the kernel is flipped: entry (c, p, q) of a row goes back to offset (p, q) of its "
        "window, not (HH-1-p, WW-1-q)":
            _scatter(*args, flip=True),
        "the windows are taken column by column: row n·Ho·Wo + i·Wo + j of cols is window "
        "(i, j) of image n":
            _scatter(*args, windows="ji"),
        "every image reads the first image's rows of cols (row i·Wo + j): window (i, j) of "
        "image n is row n·Ho·Wo + i·Wo + j":
            _scatter(*args, windows="no image"),
        "the rows of cols are read with the image index last, (i·Wo + j)·N + n: im2col's "
        "rows run image first, row n·Ho·Wo + i·Wo + j":
            _scatter(*args, windows="image last"),
        "the output size is one short, the last row and column of windows left out: Ho = "
        "(H + 2·pad − HH) // stride + 1 (do not forget the + 1)":
            _scatter(*args, one_short=True),
        "the padding is cropped from one side only (dxp[:, :, :H, :W]): cut pad rows and "
        "columns from both sides, dxp[:, :, pad:pad + H, pad:pad + W]":
            _scatter(*args, crop="start"),
    }
    check_exercise(_name(fn, "col2im"), fn, args, right, mistakes=mistakes, n_samples=N,
                   forbidden=(col2im,), rtol=1e-9, atol=1e-12)


def _padded_sum(cols, x_shape, HH, WW, stride, pad) -> np.ndarray:
    """col2im's padded array, before the crop (a mistake's result)."""
    N, C, H, W = x_shape
    Ho, Wo = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                out[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += \
                    cols[n * Ho * Wo + i * Wo + j].reshape(C, HH, WW)
    return out
