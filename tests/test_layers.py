"""Every layer's backward pass against central differences (float64, random upstream
gradient, CS231n's sizes), and its bad input refused with a message that teaches."""

import numpy as np
import pytest

from backprop_lib.gradcheck import numerical_gradient, relative_error
from backprop_lib.layers import (
    BatchNorm,
    Dropout,
    Flatten,
    Layer,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    affine_backward,
    affine_forward,
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_cross_entropy,
    tanh_backward,
    tanh_forward,
)

BOUND = 1e-8  # relative error, float64


def numeric(forward, arrays, dout):
    """Central differences of sum(forward() * dout) with respect to each array."""
    def f():
        return float(np.sum(forward() * dout))
    return [numerical_gradient(f, a) for a in arrays]


def test_affine_backward_matches_central_differences():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(10, 2, 3)).reshape(10, 6), rng.normal(size=(6, 5)), \
        rng.normal(size=5)
    out, cache = affine_forward(x, W, b)
    dout = rng.normal(size=out.shape)
    got = affine_backward(dout, cache)
    want = numeric(lambda: affine_forward(x, W, b)[0], [x, W, b], dout)
    for g, w in zip(got, want):
        assert relative_error(g, w) < BOUND


@pytest.mark.parametrize("pair", [(relu_forward, relu_backward),
                                  (sigmoid_forward, sigmoid_backward),
                                  (tanh_forward, tanh_backward)])
def test_activation_backward_matches_central_differences(pair):
    fwd, bwd = pair
    rng = np.random.default_rng(1)
    x = rng.normal(size=(10, 10))
    x[np.abs(x) < 1e-3] = 0.5  # keep relu's kink out of reach of h
    out, cache = fwd(x)
    dout = rng.normal(size=out.shape)
    assert relative_error(bwd(dout, cache), numeric(lambda: fwd(x)[0], [x], dout)[0]) < BOUND


def test_sigmoid_does_not_overflow():
    out, _ = sigmoid_forward(np.array([[-1000.0, 0.0, 1000.0]]))
    assert np.allclose(out, [[0.0, 0.5, 1.0]])


def test_batchnorm_backward_matches_central_differences():
    rng = np.random.default_rng(2)
    N, D = 4, 5
    x = 5 * rng.normal(size=(N, D)) + 12
    gamma, beta = rng.normal(size=D), rng.normal(size=D)
    out, cache = batchnorm_forward(x, gamma, beta)
    dout = rng.normal(size=out.shape)
    got = batchnorm_backward(dout, cache)
    want = numeric(lambda: batchnorm_forward(x, gamma, beta)[0], [x, gamma, beta], dout)
    for g, w in zip(got, want):
        assert relative_error(g, w) < BOUND


def test_batchnorm_with_all_ones_upstream_gradient_gives_zero_dx():
    # why the checks use a random dout: with ones, dx is 0 whatever the formula's middle
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5))
    _, cache = batchnorm_forward(x, np.ones(5), np.zeros(5))
    dx, _, _ = batchnorm_backward(np.ones((4, 5)), cache)
    assert np.max(np.abs(dx)) < 1e-12


def test_batchnorm_train_normalises_and_inference_uses_running_averages():
    rng = np.random.default_rng(4)
    x = 3 * rng.normal(size=(200, 3)) + 7
    rm, rv = np.zeros(3), np.ones(3)
    for _ in range(200):
        out, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), running_mean=rm,
                                   running_var=rv)
    assert np.allclose(out.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(out.std(axis=0), 1, atol=1e-4)
    assert np.allclose(rm, x.mean(axis=0)) and np.allclose(rv, x.var(axis=0))
    test, _ = batchnorm_forward(x[:1], np.ones(3), np.zeros(3), train=False,
                                running_mean=rm, running_var=rv)
    assert np.allclose(test, out[:1], atol=1e-4)


def test_dropout_backward_with_a_fixed_mask_matches_central_differences():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(10, 10))
    mask = rng.random((10, 10)) >= 0.2
    out, cache = dropout_forward(x, 0.2, mask=mask)
    dout = rng.normal(size=out.shape)
    want = numeric(lambda: dropout_forward(x, 0.2, mask=mask)[0], [x], dout)[0]
    assert relative_error(dropout_backward(dout, cache), want) < BOUND


def test_dropout_keeps_the_expected_value_and_is_off_in_inference():
    x = np.ones((1000, 100))
    out, _ = dropout_forward(x, 0.3, rng=np.random.default_rng(6))
    assert abs(out.mean() - 1) < 0.01 and abs(np.mean(out == 0) - 0.3) < 0.01
    out, cache = dropout_forward(x, 0.3, train=False)
    assert out is x and cache is None


def test_softmax_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(7)
    scores, y = rng.normal(size=(50, 10)), rng.integers(0, 10, 50)
    loss, dscores = softmax_cross_entropy(scores, y)
    assert abs(softmax_cross_entropy(np.zeros((50, 10)), y)[0] - np.log(10)) < 1e-12
    want = numerical_gradient(lambda: softmax_cross_entropy(scores, y)[0], scores)
    assert relative_error(dscores, want) < BOUND
    one_hot = np.eye(10)[y]
    assert softmax_cross_entropy(scores, one_hot)[0] == loss
    assert np.isfinite(softmax_cross_entropy(np.array([[1000.0, -1000.0]]), [1])[0])


def layer_check(layer, x, rng):
    """backward(dout) against central differences for the input and every parameter."""
    out = layer.forward(x, train=True)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)
    arrays = [x] + list(layer.params.values())
    # dropout: the same mask for every nudge (fresh rng each time, as in the first pass)
    state = layer.rng.bit_generator.state if isinstance(layer, Dropout) else None

    def fwd():
        if state is not None:
            layer.rng.bit_generator.state = state
        return layer.forward(x, train=True)
    if state is not None:
        layer.rng.bit_generator.state = state
        layer.forward(x, train=True)
        dx = layer.backward(dout)
    want = numeric(fwd, arrays, dout)
    got = [dx] + [layer.grads[k] for k in layer.params]
    return max(relative_error(g, w) for g, w in zip(got, want))


@pytest.mark.parametrize("make", [lambda: Linear(5, 3, seed=0), ReLU, Sigmoid, Tanh,
                                  lambda: BatchNorm(5), lambda: Dropout(0.3, seed=1)],
                         ids=["Linear", "ReLU", "Sigmoid", "Tanh", "BatchNorm", "Dropout"])
def test_every_layer_object_backward_matches_central_differences(make):
    rng = np.random.default_rng(8)
    layer = make()
    assert isinstance(layer, Layer) and set(layer.params) == set(layer.grads)
    x = rng.normal(size=(4, 5)) + 0.1
    x[np.abs(x) < 1e-3] = 0.5
    if isinstance(layer, BatchNorm):
        layer.params["gamma"][:] = rng.normal(size=5)
        layer.params["beta"][:] = rng.normal(size=5)
    assert layer_check(layer, x, rng) < BOUND


def test_flatten_round_trip():
    x = np.arange(24.0).reshape(2, 3, 4)
    layer = Flatten()
    assert layer.forward(x).shape == (2, 12)
    assert layer.backward(np.ones((2, 12))).shape == (2, 3, 4)


# ---- bad input, refused with a message that teaches ----------------------------------
def test_a_batch_of_one_in_training_mode_batchnorm_is_refused():
    with pytest.raises(ValueError, match="at least 2 samples.*train=False"):
        batchnorm_forward(np.ones((1, 5)), np.ones(5), np.zeros(5))
    with pytest.raises(ValueError, match="at least 2 samples"):
        BatchNorm(5).forward(np.ones((1, 5)), train=True)
    BatchNorm(5).forward(np.ones((1, 5)), train=False)  # inference: fine


def test_batchnorm_inference_without_running_averages_is_refused():
    with pytest.raises(ValueError, match="running_mean and running_var"):
        batchnorm_forward(np.ones((3, 5)), np.ones(5), np.zeros(5), train=False)
    with pytest.raises(ValueError, match=r"gamma must have shape \(D,\) = \(5,\)"):
        batchnorm_forward(np.ones((3, 5)), np.ones(4), np.zeros(5))


def test_dropout_probability_one_is_refused():
    with pytest.raises(ValueError, match="drops every unit.*divide by 0"):
        dropout_forward(np.ones((2, 2)), 1.0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="drops every unit"):
        Dropout(1)
    with pytest.raises(ValueError, match=r"lies in \[0, 1\)"):
        Dropout(-0.1)
    with pytest.raises(ValueError, match="rng=np.random.default_rng"):
        dropout_forward(np.ones((2, 2)), 0.5)


def test_affine_shapes_are_explained():
    with pytest.raises(ValueError, match="is W transposed"):
        affine_forward(np.ones((2, 3)), np.ones((4, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"Linear\(784, 10\) takes x of shape \(N, 784\).*"
                                         r"flatten"):
        Linear(784, 10).forward(np.ones((2, 28, 28)))
    _, cache = affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.ones(4))
    with pytest.raises(ValueError, match="upstream gradient has the shape of the layer's out"):
        affine_backward(np.ones((2, 3)), cache)


def test_backward_before_forward_is_explained():
    with pytest.raises(RuntimeError, match=r"call forward\(x, train=True\) first"):
        ReLU().backward(np.ones((2, 2)))


def test_bad_labels_are_explained():
    with pytest.raises(ValueError, match="from 0 to 2"):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="one label per sample"):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 1, 2])
