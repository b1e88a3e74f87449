"""Convolution and pooling (backprop_lib.conv): every backward pass against central
differences (float64, a random upstream gradient), the fast im2col version against the
loops, col2im as im2col's adjoint, a col2im without accumulation caught by the gradient
check, the layers inside a Model, float32 kept, and the messages for bad input.
(bench_conv.py's quick mode is tests/test_benchmarks.py's.)"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from backprop_lib import conv
from backprop_lib.conv import (
    AvgPool2D,
    Conv2D,
    Flatten,
    MaxPool2D,
    avgpool_backward,
    avgpool_forward,
    col2im,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_output_size,
    im2col,
    maxpool_backward,
    maxpool_forward,
)
from backprop_lib.gradcheck import numerical_gradient, relative_error
from backprop_lib.layers import Linear, ReLU
from backprop_lib.model import Model
from backprop_lib.optim import SGD


def numeric_grad(fun, x: np.ndarray, dout: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of Σ fun() · dout with respect to x (nudged in place).

    The difference is taken output by output before the sum (as CS231n's
    eval_numerical_gradient_array), so the outputs that x[i] does not move cancel
    exactly and only the ones it moves carry rounding error.
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        pos = fun().copy()
        x[i] = old - h
        neg = fun().copy()
        x[i] = old
        grad[i] = np.sum((pos - neg) * dout) / (2 * h)
    return grad


def cs231n_case(seed: int = 0):
    """CS231n's sizes: x (4, 3, 5, 5), w (2, 3, 3, 3), b (2,); stride 2, pad 1."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 3, 5, 5))
    w = rng.standard_normal((2, 3, 3, 3))
    b = rng.standard_normal(2)
    dout = rng.standard_normal((4, 2, 3, 3))
    return x, w, b, dout


def conv_errors(forward, backward, x, w, b, dout, stride, pad) -> list[float]:
    """Relative errors of (dx, dw, db) from backward against central differences."""
    _, cache = forward(x, w, b, stride, pad)
    grads = backward(dout, cache)
    numeric = [numeric_grad(lambda: forward(x, w, b, stride, pad)[0], v, dout)
               for v in (x, w, b)]
    return [relative_error(g, n) for g, n in zip(grads, numeric)]


# ---- convolution: gradients --------------------------------------------------------------
@pytest.mark.parametrize("forward, backward", [
    (conv2d_forward, conv2d_backward),
    (conv2d_forward_naive, conv2d_backward_naive),
], ids=["im2col", "loops"])
def test_conv_backward_matches_central_differences(forward, backward):
    x, w, b, dout = cs231n_case()
    out, _ = forward(x, w, b, 2, 1)
    assert out.shape == (4, 2, 3, 3)
    errors = conv_errors(forward, backward, x, w, b, dout, 2, 1)
    assert max(errors) <= 1e-8, dict(zip(("dx", "dw", "db"), errors))


def test_conv_forward_equals_its_definition_on_a_small_case():
    # one 1-channel 3x3 image, one 2x2 filter: each output is a sum of four products
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    out, _ = conv2d_forward(x, w, np.array([10.0]))
    # no kernel flip: out[0, 0] = 0·1 + 1·2 + 3·3 + 4·4 + 10
    np.testing.assert_array_equal(out[0, 0], [[37.0, 47.0], [67.0, 77.0]])


def dilate(d: np.ndarray, s: int) -> np.ndarray:
    """d (N, F, Ho, Wo) with s - 1 zeros between its entries along axes 2 and 3."""
    N, F, Ho, Wo = d.shape
    out = np.zeros((N, F, s * (Ho - 1) + 1, s * (Wo - 1) + 1))
    out[:, :, ::s, ::s] = d
    return out


@pytest.mark.parametrize("stride, pad", [(1, 0), (1, 2), (2, 1), (3, 1)])
def test_dx_is_a_full_convolution_and_dw_a_correlation(stride, pad):
    # what docs/notation.md says: dx is the "full" convolution of dout (dilated by the
    # stride) with the flipped kernel; dw the correlation of the padded input with dout
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3))
    out, cache = conv2d_forward(x, w, np.zeros(4), stride, pad)
    dout = rng.standard_normal(out.shape)
    dx, dw, _ = conv2d_backward(dout, cache)
    d = dilate(dout, stride)
    flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)          # (C, F, HH, WW)
    dx_pad, _ = conv2d_forward(d, flipped, np.zeros(3), 1, 2)      # pad HH - 1 = 2: "full"
    np.testing.assert_allclose(dx, dx_pad[:, :, pad:pad + 7, pad:pad + 7], atol=1e-12)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dw_corr, _ = conv2d_forward(xp.transpose(1, 0, 2, 3), d.transpose(1, 0, 2, 3),
                                np.zeros(4))                       # (C, F, HH, WW)
    np.testing.assert_allclose(dw, dw_corr.transpose(1, 0, 2, 3), atol=1e-12)


CASES = [  # (N, C, H, W), (F, HH, WW), stride, pad
    ((2, 3, 7, 7), (4, 3, 3), 1, 0),
    ((2, 3, 7, 7), (4, 3, 3), 2, 1),
    ((3, 2, 8, 6), (3, 3, 2), 1, 2),      # a rectangular image and kernel
    ((1, 1, 9, 9), (2, 3, 3), 3, 0),      # windows side by side
    ((2, 4, 5, 5), (2, 5, 5), 1, 0),      # one window: a 1x1 output
    ((2, 1, 6, 6), (3, 2, 2), 2, 0),
    ((2, 3, 6, 6), (2, 5, 5), 1, 2),      # "same" padding
]


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", CASES)
def test_fast_equals_naive(x_shape, w_shape, stride, pad):
    rng = np.random.default_rng(1)
    F, HH, WW = w_shape
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((F, x_shape[1], HH, WW))
    b = rng.standard_normal(F)
    out_fast, cache_fast = conv2d_forward(x, w, b, stride, pad)
    out_naive, cache_naive = conv2d_forward_naive(x, w, b, stride, pad)
    np.testing.assert_allclose(out_fast, out_naive, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out_fast.shape)
    for fast, naive in zip(conv2d_backward(dout, cache_fast),
                           conv2d_backward_naive(dout, cache_naive)):
        assert fast.shape == naive.shape
        np.testing.assert_allclose(fast, naive, rtol=1e-12, atol=1e-12)


def test_output_size_formula():
    assert conv_output_size(28, 5) == 24
    assert conv_output_size(28, 5, 1, 2) == 28
    assert conv_output_size(5, 3, 2, 1) == 3
    assert conv_output_size(7, 3, 2) == 3


# ---- im2col and col2im -------------------------------------------------------------------
def test_im2col_rows_are_the_windows():
    x = np.arange(2 * 2 * 4 * 4, dtype=float).reshape(2, 2, 4, 4)
    cols = im2col(x, 3, 2, 1, 0)                  # Ho = 2, Wo = 3
    assert cols.shape == (2 * 2 * 3, 2 * 3 * 2)
    # row n·Ho·Wo + i·Wo + j is the window under output pixel (i, j) of image n
    np.testing.assert_array_equal(cols[1 * 6 + 1 * 3 + 2], x[1, :, 1:4, 2:4].ravel())


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", CASES)
def test_col2im_is_the_adjoint_of_im2col(x_shape, w_shape, stride, pad):
    # <im2col(x), c> = <x, col2im(c)> for every x and c: col2im is im2col's transpose
    rng = np.random.default_rng(2)
    _, HH, WW = w_shape
    x = rng.standard_normal(x_shape)
    cols = im2col(x, HH, WW, stride, pad)
    c = rng.standard_normal(cols.shape)
    back = col2im(c, x_shape, HH, WW, stride, pad)
    assert back.shape == x_shape
    lhs, rhs = np.vdot(cols, c), np.vdot(x, back)
    assert abs(lhs - rhs) <= 1e-12 * (abs(lhs) + abs(rhs))


def test_col2im_counts_the_windows_over_each_pixel():
    # col2im is not im2col's inverse: each pixel comes back once per window covering it
    x = np.ones((1, 1, 4, 4))
    back = col2im(im2col(x, 3, 3, 1, 0), x.shape, 3, 3, 1, 0)
    np.testing.assert_array_equal(back[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2],
                                               [2, 4, 4, 2], [1, 2, 2, 1]])


def col2im_without_accumulation(cols, x_shape, HH, WW, stride=1, pad=0):
    """A broken copy of col2im: "=" where the scatter needs "+=" (overlaps overwritten)."""
    N, C, H, W = x_shape
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    blocks = cols.reshape(N, Ho, Wo, C, HH, WW)
    dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for p in range(HH):
        for q in range(WW):
            dxp[:, :, p:p + stride * Ho:stride, q:q + stride * Wo:stride] = \
                blocks[:, :, :, :, p, q].transpose(0, 3, 1, 2)
    return dxp[:, :, pad:pad + H, pad:pad + W]


def test_gradient_check_catches_col2im_without_accumulation(monkeypatch):
    x, w, b, dout = cs231n_case()
    monkeypatch.setattr(conv, "col2im", col2im_without_accumulation)
    err_dx, err_dw, err_db = conv_errors(conv2d_forward, conv2d_backward, x, w, b, dout, 2, 1)
    assert err_dx > 1e-2          # windows 3 wide, stride 2: they overlap, dx is wrong
    assert max(err_dw, err_db) <= 1e-8   # dw and db never pass through col2im

    # ... but only where windows overlap: side by side (stride = kernel) "=" is "+="
    rng = np.random.default_rng(3)
    x, dout = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((2, 2, 2, 2))
    err_dx = conv_errors(conv2d_forward, conv2d_backward, x, w, b, dout, 3, 0)[0]
    assert err_dx <= 1e-8         # so a gradient check must use overlapping windows


# ---- pooling -----------------------------------------------------------------------------
def maxpool_naive(x: np.ndarray, size: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling and its backward for dout = 1s, with loops (the test's referee): the
    gradient goes to the first maximum of each window, read row by row."""
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    out = np.zeros((N, C, Ho, Wo))
    route = np.zeros_like(x)
    for n, c, i, j in np.ndindex(N, C, Ho, Wo):
        window = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
        out[n, c, i, j] = window.max()
        p, q = np.unravel_index(np.argmax(window), window.shape)
        route[n, c, i * stride + p, j * stride + q] += 1
    return out, route


def windows(x: np.ndarray, size: int, stride: int) -> np.ndarray:
    """The pooling windows of x as (N, C, Ho, Wo, size·size), each read row by row."""
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.reshape(win.shape[:4] + (size * size,))


def no_near_ties(x: np.ndarray, size: int, stride: int, gap: float) -> bool:
    """True if in every window the largest value leads the next by more than gap."""
    win = windows(x, size, stride)
    top2 = np.sort(win, axis=-1)[..., -2:]
    return bool(np.all(top2[..., 1] - top2[..., 0] > gap))


def test_maxpool_backward_matches_central_differences():
    # CS231n's sizes, no ties (the maximum is not differentiable at a tie)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 8, 8))
    assert no_near_ties(x, 2, 2, gap=1e-3)
    out, cache = maxpool_forward(x, 2, 2)
    assert out.shape == (3, 2, 4, 4)
    dout = rng.standard_normal(out.shape)
    dx = maxpool_backward(dout, cache)
    # h = 2⁻¹⁷, a power of two: x ± h and their difference are exact in float64 for
    # these x, so what is left is the method's error, and max pooling is linear between
    # ties. The usual h = 1e-5 rounds x ± h and leaves about 3e-12 (CS231n's order).
    pool = lambda: maxpool_forward(x, 2, 2)[0]  # noqa: E731
    assert relative_error(dx, numeric_grad(pool, x, dout, h=2.0 ** -17)) <= 1e-12
    assert relative_error(dx, numeric_grad(pool, x, dout, h=1e-5)) <= 1e-11


@pytest.mark.parametrize("x_shape, size, stride", [
    ((3, 2, 8, 8), 2, 2), ((2, 3, 7, 7), 3, 2), ((2, 2, 6, 5), 2, 1), ((1, 1, 9, 9), 3, 3),
    ((2, 2, 7, 7), 2, 5)])                     # side by side, overlapping, with gaps
def test_maxpool_equals_loops(x_shape, size, stride):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(x_shape)
    out, cache = maxpool_forward(x, size, stride)
    out_naive, route = maxpool_naive(x, size, stride)
    np.testing.assert_array_equal(out, out_naive)
    np.testing.assert_array_equal(maxpool_backward(np.ones_like(out), cache), route)


def test_maxpool_routes_ties_like_the_loops_after_relu():
    # after a ReLU many windows hold several zeros, or only zeros: ties everywhere
    x = np.maximum(np.random.default_rng(12).standard_normal((4, 3, 8, 8)), 0)
    for size, stride in ((2, 2), (3, 1)):
        out, cache = maxpool_forward(x, size, stride)
        out_naive, route = maxpool_naive(x, size, stride)
        np.testing.assert_array_equal(out, out_naive)
        np.testing.assert_array_equal(maxpool_backward(np.ones_like(out), cache), route)


def test_maxpool_overlapping_windows_gradient():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 7, 7))
    assert no_near_ties(x, 3, 2, gap=1e-3)
    out, cache = maxpool_forward(x, 3, 2)
    dout = rng.standard_normal(out.shape)
    dx = maxpool_backward(dout, cache)
    pool = lambda: maxpool_forward(x, 3, 2)[0]  # noqa: E731
    assert relative_error(dx, numeric_grad(pool, x, dout, h=2.0 ** -17)) <= 1e-12


def test_maxpool_ties_send_the_whole_gradient_to_the_first_maximum():
    x = np.array([[[[1.0, 3.0], [3.0, 3.0]]]])       # three equal maxima
    out, cache = maxpool_forward(x)
    dx = maxpool_backward(np.array([[[[5.0]]]]), cache)
    assert out.item() == 3.0
    np.testing.assert_array_equal(dx[0, 0], [[0.0, 5.0], [0.0, 0.0]])  # first, row by row


def test_maxpool_keeps_a_nan():
    x = np.array([[[[1.0, np.nan], [3.0, 2.0]]]])
    assert np.isnan(maxpool_forward(x)[0].item())


@pytest.mark.parametrize("x_shape, size, stride", [((3, 2, 8, 8), 2, None), ((2, 2, 7, 7), 3, 2)])
def test_avgpool_backward_matches_central_differences(x_shape, size, stride):
    rng = np.random.default_rng(6)
    x = rng.standard_normal(x_shape)
    out, cache = avgpool_forward(x, size, stride)
    dout = rng.standard_normal(out.shape)
    dx = avgpool_backward(dout, cache)
    np.testing.assert_allclose(out, windows(x, size, stride or size).mean(axis=-1))
    err = relative_error(dx, numeric_grad(lambda: avgpool_forward(x, size, stride)[0], x, dout))
    assert err <= 1e-10


# ---- layers ------------------------------------------------------------------------------
def test_conv2d_layer_he_initialisation_and_seed():
    layer = Conv2D(16, 64, 3, seed=0)
    W = layer.params["W"]
    assert W.shape == (64, 16, 3, 3) and layer.params["b"].shape == (64,)
    assert abs(W.std() / np.sqrt(2 / (16 * 9)) - 1) < 0.05    # He: std sqrt(2 / fan_in)
    np.testing.assert_array_equal(W, Conv2D(16, 64, 3, seed=0).params["W"])
    assert not np.array_equal(W, Conv2D(16, 64, 3, seed=1).params["W"])
    assert Conv2D(1, 8, (5, 3)).params["W"].shape == (8, 1, 5, 3)
    assert repr(Conv2D(1, 8, 5, pad=2)) == "Conv2D(1, 8, 5, pad=2)"


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", CASES)
def test_conv2d_layer_computes_what_the_functions_compute(x_shape, w_shape, stride, pad):
    # the layer multiplies im2col's columns in another order (the batch last in memory):
    # the same sums, so the same numbers to float rounding
    rng = np.random.default_rng(6)
    F, HH, WW = w_shape
    x = rng.standard_normal(x_shape)
    layer = Conv2D(x_shape[1], F, (HH, WW), stride=stride, pad=pad, seed=0)
    layer.params["b"] = rng.standard_normal(F)
    out = layer.forward(x, train=True)
    expected, cache = conv2d_forward(x, layer.params["W"], layer.params["b"], stride, pad)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    for got, want in zip((dx, layer.grads["W"], layer.grads["b"]), conv2d_backward(dout, cache)):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert layer.grads.keys() == layer.params.keys()
    layer.input_grad = False              # as Model.fit sets it for a first layer
    assert layer.backward(dout) is None
    np.testing.assert_allclose(layer.grads["W"], conv2d_backward(dout, cache)[1], rtol=1e-12)


LAYOUTS = {  # the same images (N, C, H, W), four orders in memory
    "C order": lambda x: x,
    "batch last": lambda x: np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2),
    "channels first": lambda x: np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(
        1, 0, 2, 3),
    "strided slice": lambda x: np.repeat(x, 2, axis=3)[:, :, :, ::2],
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_memory_order_gives_the_same_numbers(layout):
    # the layers hand each other views in the order (C, H, W, N) and conv2d_forward's
    # output is in the order (F, N, Ho, Wo): every function must read any order alike
    rng = np.random.default_rng(11)
    x, dout = rng.standard_normal((3, 2, 7, 7)), rng.standard_normal((3, 4, 4, 4))
    w, b = rng.standard_normal((4, 2, 3, 3)), rng.standard_normal(4)
    xl, doutl = LAYOUTS[layout](x), LAYOUTS[layout](dout)
    np.testing.assert_array_equal(xl, x)
    np.testing.assert_array_equal(im2col(xl, 3, 3, 2, 1), im2col(x, 3, 3, 2, 1))
    cols = im2col(x, 3, 3, 2, 1)
    np.testing.assert_array_equal(col2im(np.asfortranarray(cols), x.shape, 3, 3, 2, 1),
                                  col2im(cols, x.shape, 3, 3, 2, 1))
    (out, cache), (outl, cachel) = conv2d_forward(x, w, b, 2, 1), conv2d_forward(xl, w, b, 2, 1)
    np.testing.assert_array_equal(outl, out)
    for got, want in zip(conv2d_backward(doutl, cachel), conv2d_backward(dout, cache)):
        np.testing.assert_array_equal(got, want)
    layer, layer_l = Conv2D(2, 4, 3, stride=2, pad=1), Conv2D(2, 4, 3, stride=2, pad=1)
    np.testing.assert_array_equal(layer_l.forward(xl, True), layer.forward(x, True))
    np.testing.assert_array_equal(layer_l.backward(doutl), layer.backward(dout))
    np.testing.assert_array_equal(layer_l.grads["W"], layer.grads["W"])
    x = np.maximum(rng.standard_normal((3, 2, 8, 8)), 0)     # ties, as after a ReLU
    xl = LAYOUTS[layout](x)
    for forward, backward in ((maxpool_forward, maxpool_backward),
                              (avgpool_forward, avgpool_backward)):
        for size, stride in ((2, 2), (3, 1), (2, 3)):
            (out, cache), (outl, cachel) = forward(x, size, stride), forward(xl, size, stride)
            np.testing.assert_array_equal(outl, out)
            d = rng.standard_normal(out.shape)
            want = backward(d, cache)
            np.testing.assert_array_equal(backward(LAYOUTS[layout](d), cachel), want)
            np.testing.assert_array_equal(backward(d, cachel), want)  # orders mixed


def test_a_wider_bias_widens_the_output_as_numpy_would():
    # float32 images and filters with a float64 bias: float64 out, as x @ W + b gives
    rng = np.random.default_rng(13)
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4)
    out, _ = conv2d_forward(x, w, b, 1, 1)
    layer = Conv2D(3, 4, 3, pad=1, dtype=np.float32)
    layer.params["W"], layer.params["b"] = w, b
    assert out.dtype == np.float64 and layer.forward(x).dtype == np.float64
    want, _ = conv2d_forward_naive(x.astype(float), w.astype(float), b, 1, 1)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.forward(x), want, rtol=1e-5, atol=1e-5)


def test_pool_layers():
    x = np.random.default_rng(7).standard_normal((2, 3, 6, 6))
    for layer, pair in ((MaxPool2D(2), (maxpool_forward, maxpool_backward)),
                        (AvgPool2D(3, stride=3), (avgpool_forward, avgpool_backward))):
        out = layer.forward(x, train=True)
        expected, cache = pair[0](x, layer.size, layer.stride)
        np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(layer.backward(out), pair[1](out, cache))
        assert layer.params == {} and layer.grads == {}
    assert repr(MaxPool2D(3, stride=2)) == "MaxPool2D(3, stride=2)"


def small_cnn(dtype=np.float64) -> Model:
    return Model([Conv2D(1, 2, 3, pad=1, seed=0, dtype=dtype), ReLU(), MaxPool2D(2),
                  Conv2D(2, 3, 3, seed=1, dtype=dtype), ReLU(), Flatten(),
                  Linear(3 * 2 * 2, 4, seed=2, dtype=dtype)])


def test_cnn_model_gradients_match_central_differences():
    rng = np.random.default_rng(8)
    X, y = rng.standard_normal((5, 1, 8, 8)), rng.integers(0, 4, 5)
    model = small_cnn()
    model.loss_and_gradients(X, y)
    for layer in (model.layers[0], model.layers[3]):
        for name in ("W", "b"):
            numeric = numerical_gradient(lambda: model.loss(X, y), layer.params[name])
            assert relative_error(layer.grads[name], numeric) <= 1e-7, (layer, name)


def test_cnn_model_trains_in_float32():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((20, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 4, 20)
    model = small_cnn(np.float32)
    history = model.fit(X, y, SGD(0.05), epochs=2, batch_size=8)
    assert len(history.loss) == 2 and np.all(np.isfinite(history.loss))
    assert model.layers[0].input_grad is True          # fit restores it
    assert model.forward(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in model.gradients())


# ---- float32 kept ------------------------------------------------------------------------
def test_float32_stays_float32():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = np.zeros(4, dtype=np.float32)
    for forward, backward in ((conv2d_forward, conv2d_backward),
                              (conv2d_forward_naive, conv2d_backward_naive)):
        out, cache = forward(x, w, b, 1, 1)
        assert out.dtype == np.float32
        assert all(g.dtype == np.float32 for g in backward(np.ones_like(out), cache))
    cols = im2col(x, 3, 3, 1, 1)
    assert cols.dtype == np.float32 and col2im(cols, x.shape, 3, 3, 1, 1).dtype == np.float32
    for forward, backward in ((maxpool_forward, maxpool_backward),
                              (avgpool_forward, avgpool_backward)):
        out, cache = forward(x, 2)
        assert out.dtype == np.float32 and backward(out, cache).dtype == np.float32
    layer = Conv2D(3, 4, 3, dtype=np.float32)
    assert layer.forward(x).dtype == np.float32


# ---- bad input ---------------------------------------------------------------------------
X, W, B = np.zeros((4, 3, 5, 5)), np.zeros((2, 3, 3, 3)), np.zeros(2)


@pytest.mark.parametrize("call, words", [
    (lambda: conv2d_forward(X, np.zeros((2, 3, 9, 9)), B, 1, 1),
     r"kernel is 9 long along the height but the padded input is only 7 \(5 \+ 2·1.*"
     r"pad >= 2"),
    (lambda: conv2d_forward(np.zeros((4, 3, 6, 6)), W, B, 2, 1),
     r"stride 2 does not fit along the height: .* 6 \+ 2·1 - 3 = 5 is not a multiple of 2.*"
     r"input height of 5 \(crop 1\): output height 3.*input height of 7"),
    (lambda: conv2d_forward(np.zeros((1, 3, 7, 7)), W, B, 3, 0),
     r"stride 3 does not fit.*It fits with pad = 1: output height 3"),
    (lambda: conv2d_forward(np.zeros((1, 3, 7, 6)), W, B, 2, 0),
     r"stride 2 does not fit along the width: width \+ 2·pad - kernel = 6"),
    (lambda: conv2d_forward(X, np.zeros((2, 1, 3, 3)), B),
     r"x has 3 channels .* but w expects 1"),
    (lambda: conv2d_forward(np.zeros((4, 5, 5, 3)), W, B),
     r"channels-last.*x\.transpose\(0, 3, 1, 2\)"),
    (lambda: conv2d_forward(np.zeros((4, 5, 5)), np.zeros((2, 1, 3, 3)), B),
     r"\(N, H, W\)\? add a channel axis: x\[:, None\] has shape \(4, 1, 5, 5\)"),
    (lambda: conv2d_forward(np.zeros((4, 784)), np.zeros((2, 1, 3, 3)), B),
     r"x\.reshape\(-1, 1, 28, 28\)"),
    (lambda: conv2d_forward(X, np.zeros((2, 3, 3)), B), r"w\[:, None\]"),
    (lambda: conv2d_forward(X, W, np.zeros(3)), r"b must have shape \(F,\) = \(2,\)"),
    (lambda: conv2d_forward(X, W, B, 0), r"stride must be at least 1"),
    (lambda: conv2d_forward(X, W, B, 1, -1), r"pad must be 0 or more"),
    (lambda: conv2d_backward(np.zeros((4, 2, 4, 4)), conv2d_forward(X, W, B)[1]),
     r"dout must have the shape of the convolution's output"),
    (lambda: maxpool_forward(np.zeros((1, 1, 7, 7)), 2),
     r"stride 2 does not fit along the height: height - window = 7 - 2 = 5.*"
     r"input height of 6 \(crop 1\): output height 3"),
    (lambda: avgpool_forward(np.zeros((1, 1, 3, 3)), 4),
     r"pooling window is 4 long along the height but the input is only 3"),
    (lambda: maxpool_backward(np.zeros((1, 1, 3, 3)), maxpool_forward(np.zeros((1, 1, 4, 4)))[1]),
     r"dout has shape \(1, 1, 3, 3\) but the pooled output"),
    (lambda: col2im(np.zeros((5, 27)), (4, 3, 5, 5), 3, 3, 2, 1),
     r"cols must have shape \(N·Ho·Wo, C·HH·WW\) = \(36, 27\)"),
    (lambda: Conv2D(3, 2, 3).backward(np.zeros((1, 2, 3, 3))), r"call forward"),
    (lambda: Conv2D(3, 2, 3, init="kaiming"), r"unknown init"),
    (lambda: conv2d_forward(X, W, B, 1, 0.5), r"pad must be a whole number"),
])
def test_bad_input_is_refused_with_words(call, words):
    with pytest.raises((ValueError, TypeError, RuntimeError), match=words):
        call()


def test_flatten_is_the_layers_one():
    from backprop_lib import layers
    assert Flatten is layers.Flatten
