"""backprop_lib.rnn: BPTT against central differences, clipping, truncation, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_lib import (
    RNN,
    TrainingDivergedWarning,
    clip_by_global_norm,
    numerical_gradient,
    relative_error,
    rnn_backward,
    rnn_forward,
    spectral_radius,
)


def random_case(N, T, D, H, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)),
            rng.normal(0, 0.6, (D, H)), rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.3, H))


@pytest.mark.parametrize("N, T, D, H", [(2, 10, 3, 5), (1, 1, 1, 1), (1, 4, 2, 3), (3, 1, 2, 4),
                                        (2, 7, 1, 6)])
def test_rnn_backward_matches_central_differences(N, T, D, H):
    inputs = random_case(N, T, D, H, seed=N * 100 + T)
    dH = np.random.default_rng(1).normal(size=(N, T, H))

    def f() -> float:  # a loss whose gradient with respect to H is exactly dH
        return float(np.sum(rnn_forward(*inputs)[0] * dH))

    _, cache = rnn_forward(*inputs)
    analytic = rnn_backward(dH, cache)
    for name, x, g in zip(["dX", "dh0", "dWx", "dWh", "db"], inputs, analytic):
        assert g.shape == x.shape, name
        assert relative_error(g, numerical_gradient(f, x)) < 1e-8, name


def test_forward_is_the_recurrence():
    X, h0, Wx, Wh, b = random_case(2, 3, 2, 4)
    H, _ = rnn_forward(X, h0, Wx, Wh, b)
    h = h0
    for t in range(3):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        np.testing.assert_allclose(H[:, t], h, rtol=1e-12)


@pytest.mark.parametrize("output", ["sigmoid", "linear"])
def test_rnn_class_gradients_match_central_differences(output):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3, 5, 2))
    net = RNN(2, 4, 2, output=output, seed=1)
    net.b[:] = rng.normal(size=4)
    Y = (rng.random((3, 5, 2)) < 0.5).astype(float)
    grads, loss = net.gradients(X, Y, warmup=1)
    assert loss == pytest.approx(net.loss(X, Y, warmup=1))
    numeric = [numerical_gradient(lambda: net.loss(X, Y, warmup=1), p)
               for p in net.parameters()]
    assert relative_error(grads, numeric) < 1e-8


# ---- clipping --------------------------------------------------------------------------------
def grads_with_norm_5():
    return [np.array([[3.0, 0.0]]), np.array([4.0])]  # joint norm sqrt(9 + 16) = 5


@pytest.mark.parametrize("max_norm, factor", [(10.0, 1.0), (5.0, 1.0), (2.5, 0.5), (1.0, 0.2)])
def test_clip_below_at_and_above_max_norm(max_norm, factor):
    grads = grads_with_norm_5()
    kept = [g.copy() for g in grads]
    clipped, norm = clip_by_global_norm(grads, max_norm)
    assert norm == pytest.approx(5.0)
    for c, g, k in zip(clipped, grads, kept):
        np.testing.assert_allclose(c, factor * k, rtol=1e-12)
        np.testing.assert_array_equal(g, k)  # inputs unchanged
        assert c is not g and not np.shares_memory(c, g)  # new arrays
    assert np.sqrt(sum(np.sum(c ** 2) for c in clipped)) <= max_norm * (1 + 1e-12)


def test_clip_keeps_huge_finite_gradients_finite():
    clipped, norm = clip_by_global_norm([np.full(4, 1e200)], 1.0)
    assert norm == pytest.approx(2e200)
    np.testing.assert_allclose(clipped[0], 0.5)


@pytest.mark.parametrize("grads, max_norm, words", [
    (np.ones(3), 1.0, "list of gradient arrays"),
    ([], 1.0, "list of gradient arrays"),
    ([np.ones(2)], 0.0, "greater than 0"),
    ([np.ones(2)], -1.0, "greater than 0"),
    ([np.array([1.0, np.nan])], 1.0, "NaN or infinite"),
    ([np.array([np.inf])], 1.0, "already overflowed"),
])
def test_clip_refuses_bad_input(grads, max_norm, words):
    with pytest.raises((TypeError, ValueError), match=words):
        clip_by_global_norm(grads, max_norm)


# ---- truncated BPTT --------------------------------------------------------------------------
def test_truncated_bptt_by_hand():
    # A scalar RNN (N = D = H = 1), T = 3, h0 = 0.5, errors only at the last step (dH = 1).
    x, h0, wx, wh, b = np.array([0.5, -1.0, 2.0]), 0.5, 0.7, 0.9, 0.1
    h1 = np.tanh(x[0] * wx + h0 * wh + b)
    h2 = np.tanh(x[1] * wx + h1 * wh + b)
    h3 = np.tanh(x[2] * wx + h2 * wh + b)
    d3 = 1 - h3 ** 2                  # dL/d(pre-activation) at step 3
    d2 = d3 * wh * (1 - h2 ** 2)      # ... at step 2, through one more step
    d1 = d2 * wh * (1 - h1 ** 2)
    hand = {  # k: (dWh, dWx, dh0): the error travels back through k steps
        1: (d3 * h2, d3 * x[2], 0.0),
        2: (d3 * h2 + d2 * h1, d3 * x[2] + d2 * x[1], 0.0),
        3: (d3 * h2 + d2 * h1 + d1 * h0, d3 * x[2] + d2 * x[1] + d1 * x[0], d1 * wh),
    }
    _, cache = rnn_forward(x.reshape(1, 3, 1), [[h0]], [[wx]], [[wh]], [b])
    dH = np.zeros((1, 3, 1))
    dH[0, 2, 0] = 1.0
    full = rnn_backward(dH, cache)
    for k, (dWh, dWx, dh0) in hand.items():
        dX, got_dh0, got_dWx, got_dWh, _ = rnn_backward(dH, cache, truncation=k)
        assert got_dWh[0, 0] == pytest.approx(dWh, rel=1e-12), k
        assert got_dWx[0, 0] == pytest.approx(dWx, rel=1e-12), k
        assert got_dh0[0, 0] == pytest.approx(dh0, rel=1e-12, abs=1e-15), k
        assert np.count_nonzero(dX) == k  # only the k last inputs get an error
    for g, f in zip(rnn_backward(dH, cache, truncation=3), full):
        np.testing.assert_allclose(g, f, rtol=1e-12)


def test_truncation_longer_than_the_sequence_is_full_bptt():
    X, h0, Wx, Wh, b = random_case(2, 6, 3, 4)
    _, cache = rnn_forward(X, h0, Wx, Wh, b)
    dH = np.random.default_rng(2).normal(size=(2, 6, 4))
    for g, f in zip(rnn_backward(dH, cache, truncation=50), rnn_backward(dH, cache)):
        np.testing.assert_allclose(g, f, rtol=1e-12)


def test_truncated_errors_stop_after_k_steps():
    X, h0, Wx, Wh, b = random_case(2, 8, 3, 4)
    _, cache = rnn_forward(X, h0, Wx, Wh, b)
    dH = np.zeros((2, 8, 4))
    dH[:, 7] = 1.0
    dX = rnn_backward(dH, cache, truncation=3)[0]
    assert np.all(dX[:, :5] == 0) and np.all(dX[:, 5:] != 0)


# ---- bad input -------------------------------------------------------------------------------
def test_forward_refuses_bad_input():
    X, h0, Wx, Wh, b = random_case(2, 4, 3, 5)
    cases = [
        ((X[:, 0], h0, Wx, Wh, b), "must be 3-D"),
        ((X[:, 0], h0, Wx, Wh, b), r"X\[None\]"),
        ((X[:, :0], h0, Wx, Wh, b), "T = 0"),
        ((X, h0, Wx, Wh[:, :4], b), "must be square"),
        ((X, h0[:1], Wx, Wh, b), r"1 initial state\(s\) \(rows\) but X has 2 sequences"),
        ((X, h0[:, :4], Wx, Wh, b), r"shape \(N, H\) = \(2, 5\)"),
        ((X, h0, Wx.T, Wh, b), "transposed"),
        ((X, h0, Wx[:2], Wh, b), r"shape \(3, 5\)"),
        ((X, h0, Wx, Wh, b[:4]), "one bias per hidden unit"),
        ((np.where(X > 1, np.nan, X), h0, Wx, Wh, b), "NaN or infinite"),
        ((X, h0, Wx, np.full((5, 5), np.inf), b), "Wh contains"),
        (("abc", h0, Wx, Wh, b), "array of numbers"),
    ]
    for args, words in cases:
        with pytest.raises((ValueError, TypeError), match=words):
            rnn_forward(*args)


def test_overflow_is_an_error_not_a_warning_or_nan():
    # forward: tanh saturates, so huge weighted inputs give h = ±1, without a warning
    H, _ = rnn_forward([[[1e300], [-1e300]]], [[0.0]], [[1e300]], [[0.5]], [0.0])
    np.testing.assert_array_equal(H[0, :, 0], [1.0, -1.0])
    # backward: states at 0 (tanh' = 1) and Wh = 1e200 multiply the error by 1e200 per step
    _, cache = rnn_forward(np.zeros((1, 4, 1)), [[0.0]], [[1.0]], [[1e200]], [0.0])
    with pytest.raises(ValueError, match="overflowed"):
        rnn_backward(np.ones((1, 4, 1)), cache)


def test_backward_refuses_bad_input():
    X, h0, Wx, Wh, b = random_case(2, 4, 3, 5)
    H, cache = rnn_forward(X, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match=r"shape of H from rnn_forward, \(N, T, H\)"):
        rnn_backward(H[:, :3], cache)
    with pytest.raises(ValueError, match="shape of H"):
        rnn_backward(H[:, :, 0], cache)
    with pytest.raises(ValueError, match="dH contains"):
        rnn_backward(np.full_like(H, np.nan), cache)
    with pytest.raises(TypeError, match="second result of rnn_forward"):
        rnn_backward(H, H)
    with pytest.raises(ValueError, match="at least 1"):
        rnn_backward(H, cache, truncation=0)


def test_rnn_class_refuses_bad_input():
    net = RNN(2, 4, 1)
    X = np.zeros((3, 5, 2))
    with pytest.raises(ValueError, match=r"shape \(N, T, 2\)"):
        net.predict(np.zeros((3, 5, 3)))
    with pytest.raises(ValueError, match=r"Y must have shape \(N, T, outputs\) = \(3, 5, 1\)"):
        net.fit(X, np.zeros((3, 5)), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        net.fit(X, np.full((3, 5, 1), 2.0), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="warmup"):
        net.loss(X, np.zeros((3, 5, 1)), warmup=5)
    with pytest.raises(ValueError, match="greater than 0"):
        net.fit(X, np.zeros((3, 5, 1)), lr=0.1, epochs=1, clip=0.0)
    with pytest.raises(ValueError, match="truncation"):
        net.fit(X, np.zeros((3, 5, 1)), lr=0.1, epochs=1, truncation=0)
    with pytest.raises(ValueError, match="'linear' or 'sigmoid'"):
        RNN(2, 4, 1, output="relu")
    with pytest.raises(ValueError, match="spectral radius needs a square"):
        spectral_radius(np.ones((2, 3)))


def test_radius_sets_the_spectral_radius():
    assert spectral_radius(RNN(3, 8, 1, radius=1.5, seed=2).Wh) == pytest.approx(1.5)


# ---- training ------------------------------------------------------------------------------
def adding_task(n, T, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2 ** (T - 1), (2, n))

    def bits(v):  # (n,) integers -> (n, T) bits, least significant first
        return (v[:, None] >> np.arange(T)) & 1

    return (np.stack([bits(a), bits(b)], axis=2).astype(float),
            bits(a + b)[:, :, None].astype(float))


def test_fit_learns_binary_addition():
    X, Y = adding_task(200, 8, seed=0)
    X_test, Y_test = adding_task(300, 8, seed=1)
    net = RNN(2, 16, 1, seed=0)
    history = net.fit(X, Y, lr=1.0, epochs=30, batch_size=20)
    assert not history.diverged and len(history.loss) == 30 == len(history.grad_norm)
    assert history.loss[-1] < history.loss[0]
    assert net.accuracy(X_test, Y_test, whole=True) == 1.0


def test_fit_reports_divergence_like_network_fit():
    X, Y = adding_task(200, 8, seed=0)
    net = RNN(2, 16, 1, output="linear", seed=0)
    with pytest.warns(TrainingDivergedWarning, match="diverged in epoch 1") as caught:
        history = net.fit(X, Y, lr=3.0, epochs=20, batch_size=20)
    assert len(caught) == 1
    assert caught[0].filename == __file__  # the warning points at the line that called fit
    assert history.diverged and history.diverged_at == 1 and history.diverged_step >= 1
    assert history.loss == []


def test_clipping_rescues_the_diverging_run():
    X, Y = adding_task(200, 8, seed=0)
    net = RNN(2, 16, 1, output="linear", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a divergence warning would fail the test
        history = net.fit(X, Y, lr=1.0, epochs=30, batch_size=20, clip=1.0)
    assert not history.diverged
    assert max(history.grad_norm) > 1.0  # clipping did act
    assert net.accuracy(X, Y) > 0.95


# ---- chunked truncation (the state carried, its gradient dropped) ----------------------------
def test_chunked_backward_is_full_bptt_inside_each_chunk():
    # chunk=k equals full BPTT run on each chunk alone, from its start state held fixed
    X, h0, Wx, Wh, b = random_case(2, 7, 3, 4, seed=5)
    H, cache = rnn_forward(X, h0, Wx, Wh, b)
    dH = np.random.default_rng(6).normal(size=H.shape)
    for k in (1, 2, 3, 7):
        got = rnn_backward(dH, cache, chunk=k)
        want = [np.zeros_like(X), None, np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        for start in range(0, 7, k):
            start_state = h0 if start == 0 else H[:, start - 1]
            piece = rnn_forward(X[:, start:start + k], start_state, Wx, Wh, b)[1]
            dX, dh0, dWx, dWh, db = rnn_backward(dH[:, start:start + k], piece)
            want[0][:, start:start + k] = dX
            want[1] = dh0 if start == 0 else want[1]
            for i, g in ((2, dWx), (3, dWh), (4, db)):
                want[i] += g
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


def test_chunked_gradients_match_central_differences_chunk_by_chunk():
    # the gradient of chunked truncation is the sum over chunks of each chunk's exact
    # gradient, its start state a constant: checked by central differences, chunk by chunk
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3, 7, 2))
    Y = rng.normal(size=(3, 7, 1))
    net = RNN(2, 4, 1, output="linear", seed=1)
    net.b[:] = rng.normal(size=4)
    k, warmup = 3, 1
    grads, loss = net.gradients(X, Y, chunk=k, warmup=warmup)
    count = 3 * (7 - warmup)
    starts = [np.zeros((3, 4))] + [rnn_forward(X, np.zeros((3, 4)), net.Wx, net.Wh,
                                               net.b)[0][:, s - 1] for s in (3, 6)]

    def chunked_loss():  # each chunk from its (fixed) start state; one loss over all steps
        total = 0.0
        for start, h0 in zip((0, 3, 6), starts):
            H, _ = rnn_forward(X[:, start:start + k], h0, net.Wx, net.Wh, net.b)
            A = H @ net.Wy + net.by
            first = max(warmup - start, 0)
            total += 0.5 * np.sum((A[:, first:] - Y[:, start:start + k][:, first:]) ** 2)
        return total / count

    assert loss == pytest.approx(net.loss(X, Y, warmup=warmup))
    numeric = [numerical_gradient(chunked_loss, p) for p in net.parameters()]
    assert relative_error(grads, numeric) < 1e-8
    full, _ = net.gradients(X, Y, warmup=warmup)
    assert relative_error(grads, full) > 1e-3  # it is not the full gradient


def test_chunk_of_the_whole_sequence_is_full_bptt():
    X, h0, Wx, Wh, b = random_case(2, 6, 3, 4)
    _, cache = rnn_forward(X, h0, Wx, Wh, b)
    dH = np.random.default_rng(2).normal(size=(2, 6, 4))
    for g, f in zip(rnn_backward(dH, cache, chunk=6), rnn_backward(dH, cache)):
        np.testing.assert_allclose(g, f, rtol=1e-12)


def test_truncation_and_chunk_are_refused_together():
    X, h0, Wx, Wh, b = random_case(2, 6, 3, 4)
    H, cache = rnn_forward(X, h0, Wx, Wh, b)
    with pytest.raises(ValueError, match="not both"):
        rnn_backward(H, cache, truncation=2, chunk=2)
    with pytest.raises(ValueError, match="chunk"):
        RNN(3, 4, 1).fit(X, np.zeros((2, 6, 1)), lr=0.1, epochs=1, chunk=0)


def test_fit_with_chunks_updates_after_every_chunk():
    X, Y = adding_task(40, 8, seed=0)
    net = RNN(2, 8, 1, seed=0)
    before = [p.copy() for p in net.parameters()]
    one = net.copy()
    one.fit(X, Y, lr=0.5, epochs=1, batch_size=40, chunk=4, shuffle=False)
    # by hand: chunk 1 from h = 0, update, chunk 2 from chunk 1's last state (old weights)
    by_hand = RNN(2, 8, 1, seed=0)
    h = np.zeros((40, 8))
    for start in (0, 4):
        grads, _, _, h_next = by_hand._pass(X[:, start:start + 4], Y[:, start:start + 4], h,
                                            0, 40 * 4)
        for p, g in zip(by_hand.parameters(), grads):
            p -= 0.5 * g
        h = h_next
    for p, q, b in zip(one.parameters(), by_hand.parameters(), before):
        np.testing.assert_allclose(p, q, rtol=1e-12)
        assert not np.allclose(p, b)


# ---- notebook 07's exercise checks: right answers a class writes are accepted ------------------
def test_clip_check_accepts_pytorch_epsilon_and_refuses_the_library(capsys):
    from backprop_lib.exercises.nb07 import check_clip_global
    from backprop_lib.selfcheck import passed

    rng = np.random.default_rng(8)
    grads = [rng.normal(size=(2, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)]

    def clip_global(grads, max_norm):  # torch.nn.utils.clip_grad_norm_'s formula
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
        coef = max_norm / (norm + 1e-6)
        return [g * min(coef, 1.0) for g in grads], norm

    check_clip_global(clip_global, grads)
    assert passed(), capsys.readouterr().out

    def clip_concatenated(grads, max_norm):  # one long vector, a tuple back
        norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads]))
        return tuple(g * min(1.0, max_norm / norm) for g in grads), norm

    check_clip_global(clip_concatenated, grads)
    assert passed(), capsys.readouterr().out
