"""Notebook 09's claims about convolution, pooling, im2col and the MNIST CNN, re-run over
seeds at the notebook's settings.

Each test names the cell or section whose text it backs; CONTRIBUTING.md, "Claims and
their tests", lists them. The fast ones run the notebook's checks with 10 seeds of the
data (the notebook's loops are the library's conv2d_forward_naive/backward_naive, the
same four loops); the slow ones train the notebook's CNN from 10 seeds (about 45 s of
CPU each on a quiet 2-core machine) and 05's 784-30-10 network from 10 (a few seconds
each). Run: pytest tests/test_claims_09.py
"""

import numpy as np
import pytest

from backprop_lib import Network, load_mnist, one_hot
from backprop_lib.conv import (
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
    im2col,
    maxpool_backward,
    maxpool_forward,
)
from backprop_lib.gradcheck import relative_error
from backprop_lib.layers import Linear, ReLU
from backprop_lib.model import Model, mlp
from backprop_lib.optim import Adam

SEEDS = range(10)
# section 6's settings, as the notebook's build_cnn and training cell have them
F1, F2, HIDDEN, EPOCHS, BATCH, LR, DECAY = 8, 16, 100, 7, 64, 2e-3, 0.7


def numeric_grad(fun, v, dout, h=1e-5):
    """The notebook's numeric_grad: central differences output by output, then summed."""
    grad = np.zeros_like(v)
    for idx in np.ndindex(v.shape):
        old = v[idx]
        v[idx] = old + h
        pos = fun()
        v[idx] = old - h
        neg = fun()
        v[idx] = old
        grad[idx] = np.sum((pos - neg) * dout) / (2 * h)
    return grad


def cs231n(seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(4, 3, 5, 5)), rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2)
    return x, w, b, rng.normal(size=(4, 2, 3, 3))


# ---- section 2 ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_section2_conv_backward_agrees_with_central_differences_below_1e_8(seed):
    # "Every gradient agrees to far better than 10^-8 (the bound the cell asserts)"
    x, w, b, dout = cs231n(seed)
    _, cache = conv2d_forward_naive(x, w, b, 2, 1)
    grads = conv2d_backward_naive(dout, cache)
    for g, v in zip(grads, (x, w, b)):
        assert relative_error(g, numeric_grad(lambda: conv2d_forward_naive(x, w, b, 2, 1)[0],
                                         v, dout)) <= 1e-8


@pytest.mark.parametrize("seed", SEEDS)
def test_section2_dx_is_a_full_convolution_and_dw_a_correlation(seed):
    # "dx is a full convolution of dout with the flipped kernel, dw a correlation of the
    # input with dout" (stride 1), computed with the forward function itself
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, 3, 6, 6)), rng.normal(size=(4, 3, 3, 3))
    out, cache = conv2d_forward_naive(x, w, np.zeros(4))
    dout = rng.normal(size=out.shape)
    dx, dw, _ = conv2d_backward_naive(dout, cache)
    dx_full, _ = conv2d_forward_naive(dout, w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3),
                                      np.zeros(3), pad=2)
    dw_corr, _ = conv2d_forward_naive(x.transpose(1, 0, 2, 3), dout.transpose(1, 0, 2, 3),
                                      np.zeros(4))
    assert np.allclose(dx, dx_full) and np.allclose(dw, dw_corr.transpose(1, 0, 2, 3))


# ---- section 3 ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_section3_pooling_gradients_exact_with_a_power_of_two_step(seed):
    # "with h = 1e-5 a small error (assert <= 1e-10); with h = 2**-17 the error is 0
    # (assert max pool <= 1e-12)"
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 2, 8, 8))
    for forward, backward in [(maxpool_forward, maxpool_backward),
                              (avgpool_forward, avgpool_backward)]:
        out, cache = forward(x, 2)
        dout = rng.normal(size=out.shape)
        got = backward(dout, cache)
        assert relative_error(got, numeric_grad(lambda f=forward: f(x, 2)[0], x, dout)) <= 1e-10
        assert relative_error(got, numeric_grad(lambda f=forward: f(x, 2)[0], x, dout,
                                           2.0 ** -17)) == 0


# ---- section 4 ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_section4_im2col_is_the_loops_and_col2im_its_adjoint(seed):
    # "the matrix product equals the loops"; the dot-product test; col2im(im2col(x)) is x
    # times the number of windows; "im2col against the loops" below 1e-12 (assert)
    x, w, b, dout = cs231n(seed)
    out, cache = conv2d_forward_naive(x, w, b, 2, 1)
    cols = im2col(x, 3, 3, 2, 1)
    assert np.allclose((cols @ w.reshape(2, -1).T + b).reshape(4, 3, 3, 2)
                       .transpose(0, 3, 1, 2), out)
    c = np.random.default_rng(seed + 100).normal(size=cols.shape)
    left, right = np.sum(cols * c), np.sum(x * col2im(c, x.shape, 3, 3, 2, 1))
    assert abs(left - right) <= 1e-10 * max(1.0, abs(left))
    twice = col2im(im2col(x, 3, 3, 1, 1), x.shape, 3, 3, 1, 1)
    assert np.allclose(twice / x, np.outer([2, 3, 3, 3, 2], [2, 3, 3, 3, 2]))
    fast_out, fast_cache = conv2d_forward(x, w, b, 2, 1)
    fast = (fast_out,) + conv2d_backward(dout, fast_cache)
    slow = (out,) + conv2d_backward_naive(dout, cache)
    assert max(relative_error(a, s) for a, s in zip(fast, slow)) < 1e-12


@pytest.mark.parametrize("seed", SEEDS)
def test_section5_col2im_with_assignment_is_wrong_exactly_where_windows_share_pixels(seed):
    # "the map of wrong pixels says where: along every second row and column, the pixels
    # that two windows share"
    x, w, b, dout = cs231n(seed)
    dcols = dout.transpose(0, 2, 3, 1).reshape(-1, 2) @ w.reshape(2, -1)
    right = col2im(dcols, x.shape, 3, 3, 2, 1)
    dxp = np.zeros((4, 3, 7, 7))
    for r, row in enumerate(dcols):                   # the notebook's col2im_attempt
        n, i, j = r // 9, r % 9 // 3, r % 3
        dxp[n, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3] = row.reshape(3, 3, 3)
    wrong = ~np.isclose(dxp[:, :, 1:6, 1:6], right, rtol=0, atol=1e-8)
    shared = np.zeros((5, 5), bool)
    shared[1::2, :] = shared[:, 1::2] = True          # padded rows/columns 2 and 4
    assert (wrong == shared).all()


# ---- section 6: the CNN ------------------------------------------------------------------
def test_section6_the_cnn_has_a_small_fraction_of_08s_parameters():
    # "far fewer parameters than 08's deep network, a few more than 05's small one"
    n09 = build_cnn(0).n_parameters()
    n08 = mlp([784, 512, 256, 10], batchnorm=True, dropout=0.25).n_parameters()
    n05 = 784 * 30 + 30 + 30 * 10 + 10
    assert 10 * n09 < n08 and n05 < n09 < 1.5 * n05


def build_cnn(seed):
    f32 = np.float32
    return Model([Conv2D(1, F1, 5, seed=seed, dtype=f32), ReLU(), MaxPool2D(2),
                  Conv2D(F1, F2, 5, seed=seed + 1, dtype=f32), ReLU(), MaxPool2D(2),
                  Flatten(), Linear(F2 * 4 * 4, HIDDEN, seed=seed + 2, dtype=f32), ReLU(),
                  Linear(HIDDEN, 10, seed=seed + 3, dtype=f32)])


@pytest.fixture(scope="module")
def mnist():
    """MNIST as (N, 1, 28, 28) float32 images in [0, 1], train and test, with labels."""
    try:
        tr, trl, te, tel = load_mnist()
    except Exception as err:  # no copy and no network
        pytest.skip(f"MNIST is not available: {err}")
    return (tr.reshape(-1, 1, 28, 28).astype(np.float32) / 255, trl,
            te.reshape(-1, 1, 28, 28).astype(np.float32) / 255, tel)


@pytest.mark.slow
def test_section6_the_cnn_passes_99_percent_mean_of_10_seeds_each_above_98_8(mnist):
    # "target: at least 99.0 % test accuracy"; "claims test: 10 seeds, each at least 98.8 %,
    # their mean at least 99.0 %". Seed 0 is the notebook's run; seed s starts the weights
    # at s·10 and shuffles each epoch with s·100 + epoch.
    X, trl, Xt, tel = mnist
    accs = []
    for s in SEEDS:
        cnn = build_cnn(10 * s)
        adam = Adam(LR)
        for epoch in range(EPOCHS):
            adam.lr = LR * DECAY ** epoch
            cnn.fit(X, trl, adam, epochs=1, batch_size=BATCH, seed=100 * s + epoch)
        accs.append(cnn.accuracy(Xt, tel))
    print("test accuracies:", accs)
    assert min(accs) >= 0.988 and np.mean(accs) >= 0.990


@pytest.mark.slow
def test_section6_05s_network_stays_below_the_bar_every_cnn_run_clears(mnist):
    # "In this run it beats 05's network by the margin printed above": 05's 784-30-10
    # network, trained as the notebook's comparison cell (and notebook 08) trains it, from
    # 10 seeds, each below 98.8 %, the bar every seed of the CNN clears (the test above).
    images, trl, test_images, tel = mnist
    X, Xt = images.reshape(-1, 784), test_images.reshape(-1, 784)  # rows of 784, as in 05
    Y = one_hot(trl, 10).astype(np.float32)
    accs = []
    for seed in SEEDS:
        net = Network([784, 30, 10], hidden="relu", output="softmax", loss="cross_entropy",
                      seed=seed, dtype=np.float32)
        net.fit(X, Y, lr=0.1, epochs=10, batch_size=100)
        accs.append(net.accuracy(Xt, tel))
    print("05's network, test accuracies:", accs)
    assert max(accs) < 0.988
