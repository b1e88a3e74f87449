"""Convolution and pooling layers (notebook 09), in the layer design of backprop_lib.layers.

Images are batches of shape (N, C, H, W): N images, C channels, H rows, W columns (the
layout of PyTorch and CS231n). A convolution has F filters w of shape (F, C, HH, WW),
PyTorch's nn.Conv2d(in_channels=C, out_channels=F, kernel_size=(HH, WW)).weight, and one
bias per filter, b (F,). Like PyTorch (and unlike the textbook convolution) it does not
flip the kernel: out[n, f, i, j] = b[f] + Σ w[f] · (the window of x under it), a
cross-correlation. With padding pad and stride s the output has

    Ho = (H + 2·pad - HH) / s + 1 rows,   Wo = (W + 2·pad - WW) / s + 1 columns,

and the division must be exact (PyTorch silently drops the rows that do not fit; here
that is refused with the sizes that would fit).

Two implementations that agree to rounding:
    conv2d_forward_naive / conv2d_backward_naive   four loops, the derivation's reference
    conv2d_forward / conv2d_backward               im2col + one matrix product, the fast one

im2col writes every window of x as one row (one patch per row, as the series keeps one
sample per row), so that the convolution is cols @ W_col with W_col = w.reshape(F, -1).T;
its backward is notebook 06's rules for a matrix product (colsᵀδ for the weights, δW_colᵀ
for the columns), and col2im, im2col's adjoint, adds each column gradient back into the
pixel it was copied from: a scatter-add, because windows overlap.

Pooling (max and average) has no parameters; MaxPool2D, AvgPool2D and Conv2D are layer
objects like Linear (params, grads, forward(x, train), backward(dout)); Flatten is
backprop_lib.layers' own, re-exported here for `from backprop_lib.conv import ...`.
Conv2D computes what conv2d_forward/backward compute, with its images kept in memory
with the batch last, (C, H, W, N), which makes its copies long contiguous runs (see
_batch_last): arrays the functions and layers return are (N, C, H, W) views of such
memory, and every function here takes any memory order.
"""

from __future__ import annotations

from math import isqrt

import numpy as np

from .checks import positive_int
from .layers import INITS, Cache, Flatten, Layer, _array, _same_shape
from .network import _float_dtype, _seed

__all__ = [
    "conv_output_size", "im2col", "col2im",
    "conv2d_forward_naive", "conv2d_backward_naive", "conv2d_forward", "conv2d_backward",
    "maxpool_forward", "maxpool_backward", "avgpool_forward", "avgpool_backward",
    "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten",
]

AXES = ("height", "width")  # the names of axes 2 and 3 in messages


# ---- checks ------------------------------------------------------------------------------
def _pad(pad) -> int:
    """The padding: a whole number >= 0."""
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)):
        raise TypeError(f"pad must be a whole number of zero rows and columns added on each "
                        f"side, such as 0 or 1; got {pad!r}")
    if pad < 0:
        raise ValueError(f"pad must be 0 or more (zeros added on each side), got {pad}")
    return int(pad)


def _images(x, name: str = "x") -> np.ndarray:
    """x as a float batch of images (N, C, H, W), or an error that says how to get one."""
    x = _array(x, name)
    if x.ndim == 4:
        return x
    hint = ""
    if x.ndim == 3:
        hint = (f": a batch of one-channel images (N, H, W)? add a channel axis: "
                f"{name}[:, None] has shape {(x.shape[0], 1) + x.shape[1:]}")
    elif x.ndim == 2 and x.shape[1] > 1 and isqrt(x.shape[1]) ** 2 == x.shape[1]:
        side = isqrt(x.shape[1])
        hint = (f": rows of flattened images? {name}.reshape(-1, 1, {side}, {side}) makes "
                f"them one-channel images")
    raise ValueError(f"{name} must be a batch of images of shape (N, C, H, W) (images, "
                     f"channels, rows, columns), but it has shape {x.shape}{hint}")


def conv_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """The output size along one axis, (size + 2·pad - kernel) / stride + 1, or an error.

    The error says what would fit: a larger pad, or an input cropped or padded to a size
    the stride fits, with the output size each would give.
    """
    return _fit(positive_int(size, "size"), positive_int(kernel, "kernel"),
                positive_int(stride, "stride"), _pad(pad), "", True)


def _fit(size: int, k: int, stride: int, pad: int, axis: str, pad_ok: bool) -> int:
    """conv_output_size's work; axis names the axis ("height", "width" or "" for any),
    pad_ok says whether the caller takes a padding (convolution) or not (pooling)."""
    dim = axis or "size"
    where = f" along the {axis}" if axis else ""
    kernel = "kernel" if pad_ok else "pooling window"
    span = size + 2 * pad - k
    if span < 0:
        if pad_ok:
            raise ValueError(f"the {kernel} is {k} long{where} but the padded input is only "
                             f"{size + 2 * pad} ({size} + 2·{pad}, with pad = {pad}): it does "
                             f"not fit even once. Use pad >= {-(-(k - size) // 2)}, or a kernel "
                             f"at most {size + 2 * pad} long")
        raise ValueError(f"the {kernel} is {k} long{where} but the input is only {size}: it "
                         f"does not fit even once. Use a window at most {size} long")
    if span % stride == 0:
        return span // stride + 1
    r = span % stride
    options = [f"an input {dim} of {size - r} (crop {r}): output {dim} {span // stride + 1}",
               f"an input {dim} of {size + stride - r} (add {stride - r}): output {dim} "
               f"{span // stride + 2}"]
    if pad_ok:
        fits = [p for p in range(pad + 1, pad + stride + 1) if (span + 2 * (p - pad)) % stride == 0]
        if fits:
            options.insert(0, f"pad = {fits[0]}: output {dim} "
                              f"{(span + 2 * (fits[0] - pad)) // stride + 1}")
        formula = f"{dim} + 2·pad - kernel = {size} + 2·{pad} - {k} = {span}"
    else:
        formula = f"{dim} - window = {size} - {k} = {span}"
    raise ValueError(f"stride {stride} does not fit{where}: {formula} is not a multiple of "
                     f"{stride}, so the last window would hang over the edge (PyTorch drops "
                     f"what does not fit, silently). It fits with " + "; or ".join(options))


def _check_conv(x, w, b, stride, pad) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int,
                                                 int, int]:
    """The checked inputs of a convolution and its output size: x, w, b, stride, pad, Ho, Wo."""
    x = _images(x, "x")
    w = _array(w, "w")
    if w.ndim != 4:
        hint = ""
        if w.ndim == 3:
            hint = (f": filters for one channel (F, HH, WW)? add a channel axis: w[:, None] "
                    f"has shape {(w.shape[0], 1) + w.shape[1:]}")
        elif w.ndim == 2:
            hint = ": one filter (HH, WW)? w[None, None] makes it (1, 1, HH, WW)"
        raise ValueError(f"w must hold F filters of shape (F, C, HH, WW) (filters, channels, "
                         f"rows, columns), but it has shape {w.shape}{hint}")
    b = _array(b, "b")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (F,) = ({w.shape[0]},), one bias per filter of w; "
                         f"got shape {b.shape}")
    if x.shape[1] != w.shape[1]:
        hint = ""
        if x.shape[3] == w.shape[1]:
            hint = (" (is x channels-last, (N, H, W, C), as images from PIL or TensorFlow? "
                    "x.transpose(0, 3, 1, 2) makes it (N, C, H, W))")
        raise ValueError(f"x has {x.shape[1]} channels (axis 1 of (N, C, H, W) = {x.shape}) "
                         f"but w expects {w.shape[1]} (axis 1 of (F, C, HH, WW) = {w.shape}): "
                         f"each filter spans all channels of its input{hint}")
    stride, pad = positive_int(stride, "stride"), _pad(pad)
    Ho, Wo = (_fit(x.shape[2 + a], w.shape[2 + a], stride, pad, AXES[a], True) for a in (0, 1))
    return x, w, b, stride, pad, Ho, Wo


def _padded(x: np.ndarray, pad: int) -> np.ndarray:
    """x with pad zeros around each image (axes 2 and 3)."""
    if pad == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def _channels_first(x: np.ndarray) -> np.ndarray:
    """The images x (N, C, H, W) as x.transpose(1, 0, 2, 3) (C, N, H, W), C-contiguous.

    A view, no copy, when x's memory already is in that order: the outputs of
    conv2d_forward, col2im and the pooling of such arrays are (see conv2d_forward), and
    so is any batch of one-channel images. Otherwise one copy.
    """
    return np.ascontiguousarray(x.transpose(1, 0, 2, 3))


# ---- convolution with loops: the reference -----------------------------------------------
def conv2d_forward_naive(x, w, b, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, Cache]:
    """out (N, F, Ho, Wo): out[n, f, i, j] = b[f] + Σ over (c, p, q) of
    w[f, c, p, q] · xpad[n, c, i·stride + p, j·stride + q], with four plain loops.

    Slow, and written to be read: the definition that conv2d_forward must equal.
    """
    x, w, b, stride, pad, Ho, Wo = _check_conv(x, w, b, stride, pad)
    N, F, HH, WW = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    xp = _padded(x, pad)
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w, b))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, stride, pad)


def conv2d_backward_naive(dout, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) with the loops of the forward pass, each multiply-add run backwards.

    Each output entry was b[f] + Σ w[f] · window, so its gradient dout[n, f, i, j] flows to
    db[f] once, to dw[f] times the window, and to the window times w[f]. Windows overlap
    (when stride < kernel), so dx accumulates (+=): a pixel under several windows gets
    the sum of their contributions.
    """
    x, w, stride, pad = cache
    N, F, HH, WW = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    dout = _array(dout, "dout")
    Ho, Wo = (x.shape[2] + 2 * pad - HH) // stride + 1, (x.shape[3] + 2 * pad - WW) // stride + 1
    _same_shape(dout, np.empty((N, F, Ho, Wo)), "dout", "the output (N, F, Ho, Wo)")
    xp = _padded(x, pad)
    dxp = np.zeros(xp.shape, dtype=np.result_type(x, dout))
    dw = np.zeros(w.shape, dtype=np.result_type(w, dout))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    rows = slice(i * stride, i * stride + HH)
                    cols = slice(j * stride, j * stride + WW)
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]], dw, db


# ---- im2col and col2im -------------------------------------------------------------------
def im2col(x, HH: int, WW: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Every HH × WW window of the padded images as one row: (N·Ho·Wo, C·HH·WW).

    Row n·Ho·Wo + i·Wo + j holds the window under output pixel (i, j) of image n, ordered
    (c, p, q) like w[f].ravel(), so that the convolution is one matrix product,
    im2col(x) @ w.reshape(F, -1).T. Built with a loop over the HH·WW kernel offsets only:
    offset (p, q) of every window is the strided slice xpad[:, :, p::stride, q::stride].

    The array is built as its transpose (C·HH·WW, N·Ho·Wo), where each offset's slice is
    one contiguous block (two to three times faster to fill for MNIST-sized batches), and
    returned as a transposed view (a matrix product takes either order without a copy).
    The images are read in the order (C, N, H, W) as well, which is their memory order
    when they come from conv2d_forward or pooling (no copy then).
    """
    x = _images(x, "x")
    HH, WW = positive_int(HH, "HH"), positive_int(WW, "WW")
    stride, pad = positive_int(stride, "stride"), _pad(pad)
    N, C, H, W = x.shape
    Ho, Wo = (_fit((H, W)[a], (HH, WW)[a], stride, pad, AXES[a], True) for a in (0, 1))
    xp = _padded(_channels_first(x), pad)                                  # (C, N, H, W)
    cols_t = np.empty((C, HH, WW, N, Ho, Wo), dtype=x.dtype)
    for p in range(HH):
        for q in range(WW):
            cols_t[:, p, q] = xp[:, :, p:p + stride * Ho:stride, q:q + stride * Wo:stride]
    return cols_t.reshape(C * HH * WW, N * Ho * Wo).T


def col2im(cols, x_shape: tuple[int, int, int, int], HH: int, WW: int, stride: int = 1,
           pad: int = 0) -> np.ndarray:
    """im2col's adjoint: add every entry of cols back into the pixel it was copied from.

    cols (N·Ho·Wo, C·HH·WW) → an array of shape x_shape (N, C, H, W). A pixel under
    several windows receives the sum of their entries (+=, a scatter-add), which is what
    the backward pass needs: dx = col2im(dcols). It is not an inverse: col2im(im2col(x))
    is x times the number of windows that cover each pixel.

    One strided add per kernel offset (p, q), HH·WW in all, each over every window at
    once, into a sum kept in the order (C, N, H, W) of im2col's blocks (so that both sides
    of each add run along contiguous rows); the result is that sum's transposed view
    (N, C, H, W), not a copy.
    """
    cols = _array(cols, "cols")
    if len(x_shape) != 4:
        raise ValueError(f"x_shape must be the shape (N, C, H, W) of the images, got {x_shape}")
    N, C, H, W = (positive_int(s, "x_shape's entries") for s in x_shape)
    HH, WW = positive_int(HH, "HH"), positive_int(WW, "WW")
    stride, pad = positive_int(stride, "stride"), _pad(pad)
    Ho, Wo = (_fit((H, W)[a], (HH, WW)[a], stride, pad, AXES[a], True) for a in (0, 1))
    if cols.shape != (N * Ho * Wo, C * HH * WW):
        raise ValueError(f"cols must have shape (N·Ho·Wo, C·HH·WW) = ({N * Ho * Wo}, "
                         f"{C * HH * WW}) for images {tuple(x_shape)} and a {HH}×{WW} "
                         f"kernel, stride {stride}, pad {pad}; got {cols.shape}")
    blocks = cols.T.reshape(C, HH, WW, N, Ho, Wo)  # a view if cols is im2col's layout
    dxp = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for p in range(HH):
        for q in range(WW):
            # within one offset the slice's pixels are distinct; across offsets they overlap
            dxp[:, :, p:p + stride * Ho:stride, q:q + stride * Wo:stride] += blocks[:, p, q]
    return dxp[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)


# ---- convolution through im2col: the fast one --------------------------------------------
def conv2d_forward(x, w, b, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, Cache]:
    """The convolution of conv2d_forward_naive as one matrix product on im2col's rows.

    rows = cols @ W_col + b, cols (N·Ho·Wo, C·HH·WW), W_col = w.reshape(F, -1).T
    (C·HH·WW, F): notebook 05's x @ W + b with one window per row and one filter per
    column. It is computed as its transpose, rowsᵀ = W_colᵀ colsᵀ (F, N·Ho·Wo): the same
    numbers, already grouped by filter, and out is that product seen as (F, N, Ho, Wo)
    and transposed to (N, F, Ho, Wo): a view, no copy. Its memory is in the order
    (F, N, Ho, Wo), which the next layers keep (elementwise functions and pooling follow
    their input's order) and the next convolution reads without a copy;
    np.ascontiguousarray(out) gives (N, F, Ho, Wo) in memory order, where that matters.
    """
    x, w, b, stride, pad, Ho, Wo = _check_conv(x, w, b, stride, pad)
    N, F, HH, WW = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    cols = im2col(x, HH, WW, stride, pad)
    rows_t = _add_bias(w.reshape(F, -1) @ cols.T, b)                       # (F, N·Ho·Wo)
    out = rows_t.reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)              # (N, F, Ho, Wo)
    return out, (x.shape, cols, w, stride, pad)


def _dout_t(dout, cache: Cache) -> np.ndarray:
    """The upstream gradient (N, F, Ho, Wo) as δᵀ (F, N·Ho·Wo): the transpose of the rows
    δ (N·Ho·Wo, F) that match the forward pass's rows. A view, no copy, when dout's memory
    is in the order (F, N, Ho, Wo), as the layers after a convolution leave it."""
    x_shape, cols, w, _, _ = cache
    dout = _array(dout, "dout")
    N, F = x_shape[0], w.shape[0]
    Ho_Wo = cols.shape[0] // N
    if dout.ndim != 4 or dout.shape[:2] != (N, F) or dout.shape[2] * dout.shape[3] != Ho_Wo:
        raise ValueError(f"dout must have the shape of the convolution's output (N, F, Ho, Wo),"
                         f" with N = {N} images, F = {F} filters and Ho·Wo = {Ho_Wo}; got "
                         f"{dout.shape}")
    return _channels_first(dout).reshape(F, -1)


def conv2d_backward(dout, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) by notebook 06's rules for rows = cols @ W_col + b, then col2im.

    With δ = dout as rows (N·Ho·Wo, F): dW_col = colsᵀ δ, db = δ summed over the rows,
    dcols = δ W_colᵀ; dx = col2im(dcols) adds each window's gradient back into the pixels
    it came from. Computed from δᵀ, as the forward pass: dw = (colsᵀ δ)ᵀ = δᵀ cols is
    already w's layout (F, C·HH·WW), and dcols = (W_col δᵀ)ᵀ is a transposed view that
    col2im reads in memory order.
    """
    x_shape, cols, w, stride, pad = cache
    d_t = _dout_t(dout, cache)                           # δᵀ (F, N·Ho·Wo)
    W_col = w.reshape(w.shape[0], -1).T                  # (C·HH·WW, F)
    dw = (d_t @ cols).reshape(w.shape)                   # (colsᵀ δ)ᵀ
    db = d_t.sum(axis=1)
    dcols = (W_col @ d_t).T                              # δ W_colᵀ (N·Ho·Wo, C·HH·WW)
    dx = col2im(dcols, x_shape, w.shape[2], w.shape[3], stride, pad)
    return dx, dw, db


# ---- the layer's convolution: the same products, the batch last in memory ---------------
# conv2d_forward/backward keep one window per row of im2col, in the order (n, i, j), as the
# derivation does. The Conv2D layer multiplies the same numbers with the columns of colsᵀ
# in the order (i, j, n) instead: its images live in memory as (C, H, W, N), the batch
# last, so that each kernel offset's slice in im2col and col2im is a few long contiguous
# runs (Wo·N numbers at stride 1) rather than N·C runs of Wo. For the CNNs of notebook 09
# and issue 25 on MNIST that makes col2im 4 to 5 times and im2col about 1.8 times
# faster (benchmarks/RESULTS.md), and pooling and ReLU run along the batch too. The
# results are conv2d_forward/backward's, to float rounding.
def _batch_last(x: np.ndarray) -> np.ndarray:
    """The images x (N, C, H, W) as x.transpose(1, 2, 3, 0) (C, H, W, N), C-contiguous: a
    view when x's memory is already in that order (the layer's outputs, and what pooling
    and elementwise functions make of them), else one copy."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def _im2col_batch_last(x: np.ndarray, HH: int, WW: int, stride: int, pad: int, Ho: int,
                       Wo: int) -> np.ndarray:
    """im2col(x).T with its columns in the order (i, j, n): (C·HH·WW, Ho·Wo·N)."""
    xt = _batch_last(x)                                                     # (C, H, W, N)
    if pad:
        xt = np.pad(xt, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    C, N = xt.shape[0], xt.shape[3]
    cols_t = np.empty((C, HH, WW, Ho, Wo, N), dtype=x.dtype)
    for p in range(HH):
        for q in range(WW):
            cols_t[:, p, q] = xt[:, p:p + stride * Ho:stride, q:q + stride * Wo:stride]
    return cols_t.reshape(C * HH * WW, Ho * Wo * N)


def _col2im_batch_last(cols_t: np.ndarray, x_shape: tuple, HH: int, WW: int, stride: int,
                       pad: int, Ho: int, Wo: int) -> np.ndarray:
    """col2im for _im2col_batch_last's layout: cols_t (C·HH·WW, Ho·Wo·N) → dx (N, C, H, W),
    a view of a (C, H, W, N) array; the same scatter-add, one strided add per offset."""
    N, C, H, W = x_shape
    blocks = cols_t.reshape(C, HH, WW, Ho, Wo, N)
    dxp = np.zeros((C, H + 2 * pad, W + 2 * pad, N), dtype=cols_t.dtype)
    for p in range(HH):
        for q in range(WW):
            dxp[:, p:p + stride * Ho:stride, q:q + stride * Wo:stride] += blocks[:, p, q]
    return dxp[:, pad:pad + H, pad:pad + W].transpose(3, 0, 1, 2)


def _add_bias(rows_t: np.ndarray, b: np.ndarray) -> np.ndarray:
    """rows_t (F, M) + b[:, None], in place unless b needs a wider dtype."""
    if rows_t.dtype == np.result_type(rows_t, b):
        rows_t += b[:, None]
        return rows_t
    return rows_t + b[:, None]           # a float64 bias with float32 images and filters


# ---- pooling -----------------------------------------------------------------------------
def _check_pool(x, size, stride) -> tuple[np.ndarray, int, int, int, int]:
    """x, size, stride (None: = size, windows side by side), Ho, Wo, or a clear error."""
    x = _images(x, "x")
    size = positive_int(size, "size (the pooling window's side)")
    stride = size if stride is None else positive_int(stride, "stride")
    Ho, Wo = (_fit(x.shape[2 + a], size, stride, 0, AXES[a], False) for a in (0, 1))
    return x, size, stride, Ho, Wo


def _in_order_of(a: np.ndarray, like: np.ndarray) -> np.ndarray:
    """a, with like's order in memory: a itself if the orders agree, else a copy. Strided
    loops over several arrays run several times faster when all step through memory
    alike (a gradient in C order, as Flatten hands it back, against a batch-last x)."""
    if np.argsort(a.strides, kind="stable").tolist() == \
            np.argsort(like.strides, kind="stable").tolist():
        return a
    copy = np.empty_like(like, dtype=a.dtype)
    copy[...] = a
    return copy


def _entries(size: int, stride: int, Ho: int, Wo: int):
    """The index of entry (p, q) of every pooling window at once, for each (p, q) row by
    row through the window: x[index] is a strided view (N, C, Ho, Wo). Pooling loops over
    these size² views, not over the windows."""
    for p in range(size):
        for q in range(size):
            yield (slice(None), slice(None), slice(p, p + stride * Ho, stride),
                   slice(q, q + stride * Wo, stride))


def maxpool_forward(x, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, Cache]:
    """The largest value of each size × size window of x (N, C, H, W), step stride
    (default: size, windows side by side); out (N, C, Ho, Wo).

    The cache keeps x and out: the backward pass finds each window's maximum again (which
    costs less than recording its place here, and nothing at all in inference). A NaN in
    a window makes its output NaN, so that a diverging network is reported, not hidden.
    """
    x, size, stride, Ho, Wo = _check_pool(x, size, stride)
    out = None
    for index in _entries(size, stride, Ho, Wo):  # out keeps x's memory order ("K")
        out = x[index].copy(order="K") if out is None else np.maximum(out, x[index], out=out)
    return out, (x, out, size, stride)


def maxpool_backward(dout, cache: Cache) -> np.ndarray:
    """dx: each window's gradient goes to its maximum, every other entry of it gets 0.

    Only the maximum moved the output, so only it gets the gradient. Ties: the whole
    gradient goes to the first maximum of the window, reading row by row (the top-left
    one), as np.argmax and PyTorch's CPU max_pool2d choose it; it is not shared and not
    copied to each. At a tie the max is not differentiable and this is one valid
    subgradient (a gradient check needs inputs without ties). Overlapping windows
    (stride < size) add their gradients where they share a maximum.
    """
    x, out, size, stride = cache
    dout = _array(dout, "dout")
    _same_shape(dout, out, "dout", "the pooled output (N, C, Ho, Wo)")
    dout = _in_order_of(dout, out)
    tiled = stride == size                          # windows side by side: each entry in one
    dx = (np.empty_like if tiled else np.zeros_like)(x, dtype=dout.dtype)  # x's memory order
    unrouted = np.ones_like(out, dtype=bool)        # windows whose maximum is still ahead
    for k, index in enumerate(_entries(size, stride, *out.shape[2:])):
        first = x[index] == out                       # the first maximum, row by row
        if k:
            first &= unrouted
        if k < size * size - 1:
            unrouted ^= first
        if tiled:
            np.multiply(dout, first, out=dx[index])   # every entry of dx written once
        else:
            dx[index] += dout * first                 # overlaps add up; gaps stay 0
    return dx


def avgpool_forward(x, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, Cache]:
    """The mean of each size × size window of x (N, C, H, W), step stride (default: size)."""
    x, size, stride, Ho, Wo = _check_pool(x, size, stride)
    out = None
    for index in _entries(size, stride, Ho, Wo):  # out keeps x's memory order ("K")
        out = x[index].copy(order="K") if out is None else np.add(out, x[index], out=out)
    out /= np.asarray(size * size, dtype=x.dtype)
    return out, (x.shape, size, stride)


def avgpool_backward(dout, cache: Cache) -> np.ndarray:
    """dx: each window's gradient spread evenly, dout / size², over its size² entries
    (added where windows overlap)."""
    x_shape, size, stride = cache
    dout = _array(dout, "dout")
    N, C, H, W = x_shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    _same_shape(dout, np.empty((N, C, Ho, Wo)), "dout", "the pooled output (N, C, Ho, Wo)")
    share = dout / np.asarray(size * size, dtype=dout.dtype)
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for index in _entries(size, stride, Ho, Wo):
        dx[index] += share
    return dx


# ---- layer objects -----------------------------------------------------------------------
def _kernel(kernel_size) -> tuple[int, int]:
    """kernel_size 5 or (5, 3) as (HH, WW)."""
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) == 2:
        return (positive_int(kernel_size[0], "kernel_size[0] (rows)"),
                positive_int(kernel_size[1], "kernel_size[1] (columns)"))
    return (positive_int(kernel_size, "kernel_size (or a pair (rows, columns))"),) * 2


class Conv2D(Layer):
    """A convolution layer: params W (F, C, HH, WW) and b (F,), as conv2d_forward takes.

    Conv2D(in_channels=C, out_channels=F, kernel_size) like PyTorch's nn.Conv2d. W is
    drawn by init: "he" N(0, 2/fan_in) with fan_in = C·HH·WW, the inputs each output sums
    (for ReLU; the default), "xavier" N(0, 2/(fan_in + fan_out)) with fan_out = F·HH·WW,
    or "normal" N(0, scale²); seed fixes the draw. b starts at 0.

    forward and backward compute what conv2d_forward and conv2d_backward compute (to float
    rounding), with im2col's columns in another order: the batch last in memory, which
    makes the copies of im2col and col2im long contiguous runs (see _batch_last). Its
    output is an (N, F, Ho, Wo) view of a (F, Ho, Wo, N) array.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, *, stride: int = 1,
                 pad: int = 0, init: str = "he", scale: float = 0.01, seed: int | None = 0,
                 dtype=np.float64):
        super().__init__()
        C = positive_int(in_channels, "in_channels (C)")
        F = positive_int(out_channels, "out_channels (F, the number of filters)")
        HH, WW = _kernel(kernel_size)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose he (ReLU), xavier (tanh, "
                             f"sigmoid) or normal (with scale=)")
        fan_in, fan_out = C * HH * WW, F * HH * WW
        std = {"he": np.sqrt(2 / fan_in), "xavier": np.sqrt(2 / (fan_in + fan_out)),
               "normal": scale}[init]
        dtype = _float_dtype(dtype)
        rng = np.random.default_rng(_seed(seed))
        self.params = {"W": (rng.standard_normal((F, C, HH, WW)) * std).astype(dtype),
                       "b": np.zeros(F, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.stride, self.pad = positive_int(stride, "stride"), _pad(pad)
        self.init = init
        self.input_grad = True  # Model.fit sets False for a first layer: dX is not needed

    def forward(self, x, train: bool = False) -> np.ndarray:
        x, w, b, stride, pad, Ho, Wo = _check_conv(x, self.params["W"], self.params["b"],
                                                   self.stride, self.pad)
        F, HH, WW = w.shape[0], w.shape[2], w.shape[3]
        cols_t = _im2col_batch_last(x, HH, WW, stride, pad, Ho, Wo)      # (C·HH·WW, Ho·Wo·N)
        rows_t = _add_bias(w.reshape(F, -1) @ cols_t, b)                   # (F, Ho·Wo·N)
        self.cache = (x.shape, cols_t, w, Ho, Wo)
        return rows_t.reshape(F, Ho, Wo, x.shape[0]).transpose(3, 0, 1, 2)

    def backward(self, dout) -> np.ndarray | None:
        x_shape, cols_t, w, Ho, Wo = self._cached()
        dout = _array(dout, "dout")
        F, HH, WW = w.shape[0], w.shape[2], w.shape[3]
        if dout.shape != (x_shape[0], F, Ho, Wo):
            raise ValueError(f"dout must have the shape of the convolution's output (N, F, Ho, "
                             f"Wo) = {(x_shape[0], F, Ho, Wo)}; got {dout.shape}")
        d_t = _batch_last(dout).reshape(F, -1)                             # δᵀ (F, Ho·Wo·N)
        self.grads["W"] = (d_t @ cols_t.T).reshape(w.shape)
        self.grads["b"] = d_t.sum(axis=1)
        if not self.input_grad:
            return None   # the first layer of a model: nothing needs d loss / d X
        dcols_t = w.reshape(F, -1).T @ d_t                                 # (C·HH·WW, Ho·Wo·N)
        return _col2im_batch_last(dcols_t, x_shape, HH, WW, self.stride, self.pad, Ho, Wo)

    def __repr__(self) -> str:
        F, C, HH, WW = self.params["W"].shape
        extra = "".join(f", {k}={v}" for k, v in (("stride", self.stride), ("pad", self.pad))
                        if v != (1 if k == "stride" else 0))
        return f"Conv2D({C}, {F}, {HH if HH == WW else (HH, WW)}{extra})"


class _Pool(Layer):
    """A pooling layer: size × size windows, step stride (default: size); no parameters."""

    def __init__(self, size: int = 2, stride: int | None = None):
        super().__init__()
        self.size = positive_int(size, "size (the pooling window's side)")
        self.stride = self.size if stride is None else positive_int(stride, "stride")

    def __repr__(self) -> str:
        extra = f", stride={self.stride}" if self.stride != self.size else ""
        return f"{type(self).__name__}({self.size}{extra})"


class MaxPool2D(_Pool):
    """Max pooling: the largest value of each window (the gradient goes to it)."""

    def forward(self, x, train: bool = False) -> np.ndarray:
        out, self.cache = maxpool_forward(x, self.size, self.stride)
        return out

    def backward(self, dout) -> np.ndarray:
        return maxpool_backward(dout, self._cached())


class AvgPool2D(_Pool):
    """Average pooling: the mean of each window (the gradient is spread evenly)."""

    def forward(self, x, train: bool = False) -> np.ndarray:
        out, self.cache = avgpool_forward(x, self.size, self.stride)
        return out

    def backward(self, dout) -> np.ndarray:
        return avgpool_backward(dout, self._cached())
