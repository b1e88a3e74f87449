"""Losses: conventions, gradients against central differences, extreme outputs, bad targets."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop_lib import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    mse,
    mse_grad,
    numerical_gradient,
    one_hot,
    relative_error,
    sigmoid,
    sigmoid_prime,
    softmax,
    softmax_backward,
)
from backprop_lib.losses import get_loss

# no deadline and no speed health check: the CI machine may be busy
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RNG = np.random.default_rng(42)
N, K = 6, 3
Y_ONE_HOT = one_hot(RNG.integers(0, K, N), K)  # (6, 3)
Y_BINARY = RNG.integers(0, 2, (N, 2)).astype(float)  # (6, 2) 0/1 targets
P = softmax(RNG.normal(size=(N, K)))  # probabilities, rows sum to 1
A01 = RNG.uniform(0.05, 0.95, (N, 2))  # sigmoid-like outputs


def numeric(loss, A, Y):
    """Central-difference ∂loss(A, Y)/∂A (A is copied, then nudged in place)."""
    A = A.copy()
    return numerical_gradient(lambda: loss(A, Y), A, h=1e-6)


# --- conventions ----------------------------------------------------------------------------

def test_mse_has_a_half_and_a_mean_over_samples():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    Y = np.zeros((2, 2))
    assert mse(A, Y) == pytest.approx((1 + 4 + 9 + 16) / (2 * 2))
    np.testing.assert_allclose(mse_grad(A, Y), A / 2)


def test_cross_entropy_value():
    P2 = np.array([[0.25, 0.75], [0.5, 0.5]])
    Y2 = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert cross_entropy(P2, Y2) == pytest.approx(-(np.log(0.75) + np.log(0.5)) / 2)


def test_binary_cross_entropy_value():
    A = np.array([[0.8], [0.4]])
    Y = np.array([[1.0], [0.0]])
    assert binary_cross_entropy(A, Y) == pytest.approx(-(np.log(0.8) + np.log(0.6)) / 2)


def test_losses_are_zero_for_perfect_outputs():
    assert mse(Y_ONE_HOT, Y_ONE_HOT) == 0.0
    assert cross_entropy(Y_ONE_HOT, Y_ONE_HOT) == pytest.approx(0.0, abs=1e-10)
    assert binary_cross_entropy(Y_BINARY, Y_BINARY) == pytest.approx(0.0, abs=1e-10)


def test_losses_return_python_floats():
    for value in [mse(A01, Y_BINARY), cross_entropy(P, Y_ONE_HOT),
                  binary_cross_entropy(A01, Y_BINARY)]:
        assert type(value) is float


# --- gradients against central differences --------------------------------------------------

@pytest.mark.parametrize(
    "loss, grad, A, Y",
    [(mse, mse_grad, RNG.normal(size=(N, 2)), RNG.normal(size=(N, 2))),
     (cross_entropy, cross_entropy_grad, P, Y_ONE_HOT),
     (binary_cross_entropy, binary_cross_entropy_grad, A01, Y_BINARY)],
    ids=["mse", "cross_entropy", "binary_cross_entropy"],
)
def test_loss_gradient_matches_central_difference(loss, grad, A, Y):
    analytic = grad(A, Y)
    assert analytic.shape == A.shape
    np.testing.assert_allclose(analytic, numeric(loss, A, Y), rtol=1e-6, atol=1e-9)
    assert relative_error(analytic, numeric(loss, A, Y)) < 1e-7


def test_softmax_plus_cross_entropy_gradient_is_p_minus_y_over_n():
    Z = RNG.normal(size=(N, K))
    P_z = softmax(Z)
    combined = softmax_backward(P_z, cross_entropy_grad(P_z, Y_ONE_HOT))
    np.testing.assert_allclose(combined, (P_z - Y_ONE_HOT) / N, rtol=1e-12, atol=1e-15)
    Zc = Z.copy()
    by_numeric = numerical_gradient(lambda: cross_entropy(softmax(Zc), Y_ONE_HOT), Zc, h=1e-6)
    assert relative_error((P_z - Y_ONE_HOT) / N, by_numeric) < 1e-7


def test_sigmoid_plus_binary_cross_entropy_gradient_is_a_minus_y_over_n():
    Z = RNG.normal(size=(N, 2))
    A = sigmoid(Z)
    combined = binary_cross_entropy_grad(A, Y_BINARY) * sigmoid_prime(Z)
    np.testing.assert_allclose(combined, (A - Y_BINARY) / N, rtol=1e-12, atol=1e-15)
    Zc = Z.copy()
    by_numeric = numerical_gradient(
        lambda: binary_cross_entropy(sigmoid(Zc), Y_BINARY), Zc, h=1e-6)
    assert relative_error((A - Y_BINARY) / N, by_numeric) < 1e-7


def test_registry_matches_public_functions():
    for name, (loss, grad), A, Y in [
        ("mse", (mse, mse_grad), A01, Y_BINARY),
        ("cross_entropy", (cross_entropy, cross_entropy_grad), P, Y_ONE_HOT),
        ("binary_cross_entropy", (binary_cross_entropy, binary_cross_entropy_grad), A01,
         Y_BINARY),
    ]:
        raw_loss, raw_grad = get_loss(name)
        assert raw_loss(A, Y) == loss(A, Y)
        np.testing.assert_array_equal(raw_grad(A, Y), grad(A, Y))


# --- extreme outputs: finite, >= 0, no warnings ---------------------------------------------

def _rows(n_cols):
    return st.integers(1, 8).map(lambda n: (n, n_cols))


# outputs in [0, 1] with plenty of exact 0s and 1s
unit_values = st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 1.0))


@FAST
@given(st.data())
def test_binary_cross_entropy_finite_at_0_and_1(data):
    shape = data.draw(_rows(data.draw(st.integers(1, 3))))
    A = data.draw(arrays(np.float64, shape, elements=unit_values))
    Y = data.draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = binary_cross_entropy(A, Y)
        grad = binary_cross_entropy_grad(A, Y)
    assert np.isfinite(value) and value >= 0
    assert np.all(np.isfinite(grad))
    # clipped at 1e-12: a confident wrong answer costs at most -log(1e-12) per output
    assert value <= -np.log(1e-12) * shape[1] * (1 + 1e-4)  # 1 - 1e-12 rounds a little


@FAST
@given(st.data())
def test_binary_cross_entropy_finite_at_0_and_1_float32(data):
    shape = data.draw(_rows(1))
    A = data.draw(arrays(np.float32, shape, elements=unit_values.map(np.float32)))
    Y = data.draw(arrays(np.float32, shape, elements=st.sampled_from([0.0, 1.0])))
    raw_loss, raw_grad = get_loss("binary_cross_entropy")  # the unchecked float32 path
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = raw_loss(A, Y)
        grad = raw_grad(A, Y)
    assert np.isfinite(value) and value >= 0
    assert np.all(np.isfinite(grad)) and grad.dtype == np.float32


@FAST
@given(st.data())
def test_cross_entropy_finite_for_zero_probabilities(data):
    n, k = data.draw(st.integers(1, 8)), data.draw(st.integers(2, 5))
    logits = data.draw(arrays(np.float64, (n, k), elements=st.floats(-1e4, 1e4)))
    labels = data.draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    Y = one_hot(labels, k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P_z = softmax(logits)  # many exact 0s and 1s
        value = cross_entropy(P_z, Y)
        grad = cross_entropy_grad(P_z, Y)
    assert np.isfinite(value) and value >= 0
    assert np.all(np.isfinite(grad))


@FAST
@given(st.data())
def test_mse_finite_and_nonnegative(data):
    shape = data.draw(_rows(data.draw(st.integers(1, 3))))
    A = data.draw(arrays(np.float64, shape, elements=st.floats(-1e4, 1e4)))
    Y = data.draw(arrays(np.float64, shape, elements=st.floats(-1e4, 1e4)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = mse(A, Y)
        grad = mse_grad(A, Y)
    assert np.isfinite(value) and value >= 0
    assert np.all(np.isfinite(grad))


# --- bad targets and outputs ----------------------------------------------------------------

def test_integer_labels_for_several_outputs_ask_for_one_hot():
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        cross_entropy(P, np.array([0, 1, 2, 0, 1, 2]))
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        mse(P, np.array([0, 1, 2, 0, 1, 2]))


def test_integer_label_column_for_several_outputs_asks_for_one_hot():
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        cross_entropy(P, np.array([[0], [1], [2], [0], [1], [2]]))


def test_cross_entropy_refuses_rows_that_are_not_distributions():
    with pytest.raises(ValueError, match=r"probability distribution.*one_hot\(y, 3\)"):
        cross_entropy(P, Y_ONE_HOT * 2)
    with pytest.raises(ValueError, match="one-hot"):
        cross_entropy(P, np.full((N, K), 1.0))


def test_binary_cross_entropy_refuses_targets_outside_0_1():
    with pytest.raises(ValueError, match="between 0 and 1"):
        binary_cross_entropy(A01, 2 * Y_BINARY - 1)  # ±1 targets


def test_one_output_1d_targets_ask_for_reshape():
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        mse(np.zeros((3, 1)), np.zeros(3))


def test_wrong_number_of_target_columns():
    with pytest.raises(ValueError, match="2 units"):
        mse(np.zeros((3, 2)), np.zeros((3, 4)))


def test_row_mismatch():
    with pytest.raises(ValueError, match="one target row per input row"):
        mse(np.zeros((3, 1)), np.zeros((4, 1)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_are_refused(bad):
    A = np.zeros((3, 1))
    A[1, 0] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        mse(A, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        mse(np.zeros((3, 1)), A)


def test_1d_output_is_refused():
    with pytest.raises(ValueError, match="must be 2-D"):
        mse(np.zeros(3), np.zeros((3, 1)))


def test_non_numbers_are_refused():
    with pytest.raises(TypeError, match="numbers"):
        mse("abc", np.zeros((3, 1)))
    with pytest.raises(TypeError, match="numbers"):
        mse(np.zeros((1, 1)), np.array([["a"]]))


def test_get_loss_errors():
    with pytest.raises(ValueError, match="unknown loss 'mae'.*choose one of"):
        get_loss("mae")
    with pytest.raises(TypeError, match="by its name"):
        get_loss(mse)


def test_cross_entropies_refuse_values_that_are_not_probabilities():
    # The classic slip: the weighted inputs z (logits) instead of softmax(z) or sigmoid(z).
    with pytest.raises(ValueError, match=r"values from -1 to 2: did you pass the weighted "
                                         r"inputs z .*softmax\(z\)"):
        cross_entropy([[2.0, -1.0]], [[1, 0]])
    with pytest.raises(ValueError, match=r"sigmoid\(z\)"):
        binary_cross_entropy([[3.0], [-2.0]], [[1], [0]])
    with pytest.raises(ValueError, match="sum to 1"):
        cross_entropy([[0.5, 0.1]], [[1, 0]])
    assert mse([[3.0], [-2.0]], [[1], [0]]) > 0        # mse takes any numbers


def test_a_perfect_answer_costs_zero_not_minus_zero():
    loss = cross_entropy(np.eye(3), np.eye(3))
    assert loss == 0.0 and np.copysign(1.0, loss) == 1.0          # prints 0.0, not -0.0
    assert 0.0 <= binary_cross_entropy([[1.0], [0.0]], [[1.0], [0.0]]) < 1e-10  # clipped logs


def test_losses_keep_float32():
    A = np.array([[0.2, 0.8]], dtype=np.float32)
    assert mse_grad(A, [[0.0, 1.0]]).dtype == np.float32
    assert cross_entropy_grad(A, [[0.0, 1.0]]).dtype == np.float32
