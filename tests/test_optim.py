"""The optimisers against values computed by hand for two steps (to 1e-12), and their
bad input refused with messages that teach."""

import numpy as np
import pytest

from backprop_lib.optim import SGD, Adam, Momentum, RMSProp

# one weight, two steps: w0 = 1, gradients 0.5 then 0.25 (and a second weight, -2,
# with gradients -1 then 0.5, whose sign flips)
W0 = np.array([1.0, -2.0])
G1 = np.array([0.5, -1.0])
G2 = np.array([0.25, 0.5])
EPS = 1e-8


def two_steps(opt):
    w = W0.copy()
    opt.step([w], [G1])
    after_one = w.copy()
    opt.step([w], [G2])
    return after_one, w


def test_sgd_by_hand():
    one, two = two_steps(SGD(0.1))
    assert np.allclose(one, [1 - 0.1 * 0.5, -2 + 0.1 * 1.0], rtol=0, atol=1e-12)
    assert np.allclose(two, [0.95 - 0.1 * 0.25, -1.9 - 0.1 * 0.5], rtol=0, atol=1e-12)


def test_momentum_by_hand():
    one, two = two_steps(Momentum(0.1, beta=0.9))
    # v1 = g1; v2 = 0.9 v1 + g2 = (0.45 + 0.25, -0.9 + 0.5) = (0.7, -0.4)
    assert np.allclose(one, [0.95, -1.9], rtol=0, atol=1e-12)
    assert np.allclose(two, [0.95 - 0.07, -1.9 + 0.04], rtol=0, atol=1e-12)


def test_rmsprop_by_hand():
    one, two = two_steps(RMSProp(0.01, beta=0.99, eps=EPS))
    # s1 = 0.01 g1² = (0.0025, 0.01); s2 = 0.99 s1 + 0.01 g2² = (0.003100, 0.012400)
    s1 = np.array([0.0025, 0.01])
    s2 = np.array([0.99 * 0.0025 + 0.01 * 0.0625, 0.99 * 0.01 + 0.01 * 0.25])
    w1 = np.array([1 - 0.01 * 0.5 / (0.05 + EPS), -2 + 0.01 * 1.0 / (0.1 + EPS)])
    assert np.allclose(np.sqrt(s1), [0.05, 0.1], rtol=0, atol=1e-15)
    assert np.allclose(one, w1, rtol=0, atol=1e-12)
    assert np.allclose(two, w1 - 0.01 * G2 / (np.sqrt(s2) + EPS), rtol=0, atol=1e-12)


def test_adam_by_hand_with_bias_correction():
    one, two = two_steps(Adam(0.1, beta1=0.9, beta2=0.999, eps=EPS))
    # step 1: m = 0.1 g1, s = 0.001 g1²; corrected: m̂ = g1, ŝ = g1², so the step is
    # lr · g1 / (|g1| + ε): ±0.1 in each weight, whatever the gradient's size
    w1 = np.array([1 - 0.1 * 0.5 / (0.5 + EPS), -2 + 0.1 * 1.0 / (1.0 + EPS)])
    assert np.allclose(one, w1, rtol=0, atol=1e-12)
    # step 2: m = 0.9·0.1 g1 + 0.1 g2, s = 0.999·0.001 g1² + 0.001 g2²,
    # m̂ = m / (1 - 0.81) = m / 0.19, ŝ = s / (1 - 0.998001) = s / 0.001999
    m2 = 0.09 * G1 + 0.1 * G2
    s2 = 0.000999 * G1 ** 2 + 0.001 * G2 ** 2
    w2 = w1 - 0.1 * (m2 / 0.19) / (np.sqrt(s2 / 0.001999) + EPS)
    assert np.allclose(two, w2, rtol=0, atol=1e-12)


def test_adam_without_bias_correction_the_first_step_is_wrong_by_a_factor():
    # what the correction is for: at step 1, m = 0.1 g is 10 times too small and √s =
    # √0.001 |g| is √1000 times too small, so the raw m/√s is √1000/10 ≈ 3.16 times the
    # corrected step (too long, with the default betas)
    opt = Adam(0.1)
    w = np.array([1.0])
    opt.step([w], [np.array([0.5])])
    raw = 0.1 * opt.m[0] / (np.sqrt(opt.s[0]) + opt.eps)
    assert abs(raw[0] / (1.0 - w[0]) - np.sqrt(1000) / 10) < 1e-5


def test_optimisers_update_in_place_and_keep_state_per_parameter():
    W, b = np.ones((2, 3)), np.zeros(3)
    opt = Adam(0.01)
    same_W = W
    opt.step([W, b], [np.ones((2, 3)), np.ones(3)])
    assert same_W is W and np.allclose(W, 0.99) and np.allclose(b, -0.01)
    assert opt.t == 1 and [m.shape for m in opt.m] == [(2, 3), (3,)]


def test_float32_parameters_stay_float32():
    w = np.ones(3, dtype=np.float32)
    for opt in (SGD(0.1), Momentum(0.1), RMSProp(0.1), Adam(0.1)):
        opt.step([w], [np.ones(3, dtype=np.float32)])
        assert w.dtype == np.float32


# ---- bad input ---------------------------------------------------------------------
def test_mismatched_params_and_grads_lists_are_refused():
    with pytest.raises(ValueError, match="params has 2 arrays but grads has 1"):
        SGD(0.1).step([np.ones(2), np.ones(3)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"grads\[0\] has shape \(3, 2\).*transposed.*same "
                                         r"order"):
        SGD(0.1).step([np.ones((2, 3))], [np.ones((3, 2))])
    with pytest.raises(TypeError, match="list of arrays"):
        SGD(0.1).step(np.ones(2), np.ones(2))
    opt = Momentum(0.1)
    opt.step([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="make a new one for another model"):
        opt.step([np.ones(3)], [np.ones(3)])


def test_non_finite_gradients_and_bad_settings_are_refused():
    with pytest.raises(ValueError, match="NaN or infinite.*smaller learning rate"):
        Adam().step([np.ones(2)], [np.array([1.0, np.nan])])
    with pytest.raises(ValueError, match="greater than 0"):
        SGD(0)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Momentum(0.1, beta=1.0)
    with pytest.raises(TypeError, match="float numpy array"):
        SGD(0.1).step([[1.0, 2.0]], [np.ones(2)])
