"""Activations: values, derivatives against central differences, and extreme inputs.

Every derivative is compared elementwise with (f(z + h) - f(z - h)) / 2h in float64.
The property tests feed |z| up to 1e4 and fail on ANY warning (overflow, invalid value).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop_lib import (
    bipolar_sigmoid,
    bipolar_sigmoid_prime,
    identity,
    identity_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    sigmoid_prime_from_a,
    softmax,
    softmax_backward,
    softmax_jacobian,
    tanh,
    tanh_prime,
)
from backprop_lib.activations import get_activation

H = 1e-6
# no deadline and no speed health check: the CI machine may be busy
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def central_difference(f, z: np.ndarray, h: float = H) -> np.ndarray:
    """Elementwise derivative of an elementwise function f at z."""
    return (f(z + h) - f(z - h)) / (2 * h)


# z away from 0 (relu's kink), in float64
Z = np.concatenate([np.linspace(-6.0, -0.05, 25), np.linspace(0.05, 6.0, 25)])


# --- values ---------------------------------------------------------------------------------

def test_sigmoid_known_values():
    np.testing.assert_allclose(sigmoid(np.array([0.0, np.log(3.0), -np.log(3.0)])),
                               [0.5, 0.75, 0.25], rtol=1e-15)


def test_sigmoid_of_ints_is_float64():
    assert sigmoid(np.array([0, 1])).dtype == np.float64


@pytest.mark.parametrize("f", [sigmoid, tanh, relu, bipolar_sigmoid, identity, sigmoid_prime,
                               tanh_prime, relu_prime, bipolar_sigmoid_prime, identity_prime])
def test_float32_stays_float32(f):
    z = np.array([[-2.0, 0.5]], dtype=np.float32)
    assert f(z).dtype == np.float32


def test_softmax_float32_stays_float32():
    assert softmax(np.array([[1.0, 2.0]], dtype=np.float32)).dtype == np.float32


def test_bipolar_sigmoid_is_tanh_of_half():
    np.testing.assert_allclose(bipolar_sigmoid(Z), np.tanh(Z / 2), rtol=1e-12, atol=1e-15)


def test_relu_and_identity_values():
    z = np.array([-2.0, 0.0, 3.5])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 3.5])
    np.testing.assert_array_equal(relu_prime(z), [0.0, 0.0, 1.0])  # 0 taken at the kink
    np.testing.assert_array_equal(identity(z), z)
    np.testing.assert_array_equal(identity_prime(z), [1.0, 1.0, 1.0])


def test_softmax_known_values():
    p = softmax(np.array([[0.0, np.log(3.0)], [1.0, 1.0]]))
    np.testing.assert_allclose(p, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)


def test_softmax_refuses_1d_with_a_hint():
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        softmax(np.array([1.0, 2.0]))


def test_softmax_jacobian_refuses_2d():
    with pytest.raises(ValueError, match="one sample"):
        softmax_jacobian(np.zeros((2, 3)))


# --- derivatives against central differences -----------------------------------------------

@pytest.mark.parametrize(
    "f, f_prime",
    [(sigmoid, sigmoid_prime), (tanh, tanh_prime), (relu, relu_prime),
     (bipolar_sigmoid, bipolar_sigmoid_prime), (identity, identity_prime)],
    ids=["sigmoid", "tanh", "relu", "bipolar_sigmoid", "identity"],
)
def test_derivative_matches_central_difference(f, f_prime):
    # relu: Z keeps |z| >= 0.05 >> h, so no difference quotient straddles the kink.
    np.testing.assert_allclose(f_prime(Z), central_difference(f, Z), rtol=1e-7, atol=1e-9)


def test_sigmoid_prime_from_a_takes_the_activation_not_z():
    a = sigmoid(Z)
    np.testing.assert_array_equal(sigmoid_prime_from_a(a), sigmoid_prime(Z))
    # the classic tutorial bug, feeding z where a is expected, is refused (it used to give a
    # different number silently)
    with pytest.raises(ValueError, match="did you pass z"):
        sigmoid_prime_from_a(Z)


def test_sigmoid_prime_at_zero_is_a_quarter():
    assert sigmoid_prime(np.array(0.0)) == 0.25
    assert sigmoid_prime_from_a(np.array(0.5)) == 0.25


def test_registry_pairs_each_function_with_its_derivative():
    for name in ["sigmoid", "tanh", "relu", "bipolar_sigmoid", "identity"]:
        f, f_prime = get_activation(name)
        np.testing.assert_allclose(f_prime(Z), central_difference(f, Z), rtol=1e-7, atol=1e-9)
    assert get_activation("softmax")[1] is None  # handled by softmax_backward


def test_get_activation_errors():
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'.*choose one of"):
        get_activation("sigmoidd")
    with pytest.raises(TypeError, match="by its name"):
        get_activation(np.tanh)


# --- softmax: Jacobian, backward, numeric ---------------------------------------------------

def numeric_softmax_jacobian(z: np.ndarray, h: float = H) -> np.ndarray:
    """J[i, j] = ∂softmax(z)_i / ∂z_j by central differences, for one sample z (k,)."""
    k = z.size
    J = np.zeros((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        J[:, j] = (softmax((z + e)[None])[0] - softmax((z - e)[None])[0]) / (2 * h)
    return J


def test_softmax_jacobian_matches_numeric():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    np.testing.assert_allclose(softmax_jacobian(z), numeric_softmax_jacobian(z),
                               rtol=1e-7, atol=1e-10)


def test_softmax_jacobian_is_symmetric_with_rows_summing_to_zero():
    J = softmax_jacobian(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(J, J.T, atol=1e-16)
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-16)


def test_softmax_backward_matches_jacobian_and_numeric():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4))
    g = rng.normal(size=(5, 4))  # an arbitrary upstream gradient ∂L/∂a
    a = softmax(z)
    got = softmax_backward(a, g)
    by_jacobian = np.stack([softmax_jacobian(z[i]).T @ g[i] for i in range(5)])
    np.testing.assert_allclose(got, by_jacobian, rtol=1e-12, atol=1e-15)
    by_numeric = np.stack([numeric_softmax_jacobian(z[i]).T @ g[i] for i in range(5)])
    np.testing.assert_allclose(got, by_numeric, rtol=1e-6, atol=1e-9)


# --- extreme inputs, no warnings ------------------------------------------------------------

extreme = st.floats(-1e4, 1e4, allow_nan=False)
vectors = arrays(np.float64, st.integers(1, 50), elements=extreme)
logit_rows = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)), elements=extreme)


@FAST
@given(vectors)
def test_sigmoid_extreme_inputs(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
        s_neg = sigmoid(-z)
        d = sigmoid_prime(z)
        s_sorted = sigmoid(np.sort(z))
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s_neg, 1.0 - s, rtol=0, atol=4e-16)
    # monotone; e/(1 + e) rounds twice, so neighbouring floats may dip by one ulp (5.6e-17)
    assert np.all(np.diff(s_sorted) >= -np.spacing(s_sorted[1:])), "sigmoid must be monotone"
    assert np.all(np.isfinite(d)) and np.all((d >= 0) & (d <= 0.25))


@FAST
@given(vectors)
def test_sigmoid_extreme_inputs_float32(z):
    z = z.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
    assert s.dtype == np.float32
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))


@FAST
@given(vectors)
def test_tanh_bipolar_relu_identity_extreme_inputs(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = {
            "tanh": tanh(z), "tanh_prime": tanh_prime(z),
            "bipolar": bipolar_sigmoid(z), "bipolar_prime": bipolar_sigmoid_prime(z),
            "relu": relu(z), "relu_prime": relu_prime(z),
            "identity": identity(z), "identity_prime": identity_prime(z),
        }
    for name, value in outs.items():
        assert np.all(np.isfinite(value)), name
    assert np.all(np.abs(outs["tanh"]) <= 1) and np.all(np.abs(outs["bipolar"]) <= 1)
    np.testing.assert_allclose(tanh(-z), -outs["tanh"], rtol=0, atol=1e-15)  # odd
    assert np.all((outs["tanh_prime"] >= 0) & (outs["tanh_prime"] <= 1))
    assert np.all((outs["bipolar_prime"] >= 0) & (outs["bipolar_prime"] <= 0.5))
    assert np.all(outs["relu"] >= 0)
    np.testing.assert_array_equal(outs["relu"], np.where(z > 0, z, 0.0))
    assert set(np.unique(outs["relu_prime"])) <= {0.0, 1.0}
    np.testing.assert_array_equal(outs["identity_prime"], 1.0)


@FAST
@given(logit_rows, st.floats(-1e4, 1e4))
def test_softmax_extreme_logits(z, shift):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(z)
        p_shifted = softmax(z + shift)
    assert p.shape == z.shape
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # shift-invariant (up to the rounding of z + shift, |z + shift| <= 2e4)
    np.testing.assert_allclose(p_shifted, p, rtol=0, atol=1e-8)
    # the largest logit keeps the largest probability
    np.testing.assert_array_equal(p[np.arange(len(z)), z.argmax(axis=1)], p.max(axis=1))


def test_softmax_plus_and_minus_1e4_exactly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(np.array([[1e4, -1e4, 0.0], [1e4, 1e4, -1e4]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], atol=1e-300)
