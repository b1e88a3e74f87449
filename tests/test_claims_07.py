"""Notebook 07's claims about what training, an initialisation or a method does, held over
ten initial-weight seeds at the notebook's settings (CONTRIBUTING.md, "Claims and their
tests"). Each test names the cell or section and quotes the claim as the text makes it.

The runs of §§ 3 and 5 train the ten seeds at once (fit_seeds, checked against RNN.fit
to the last bit); every test is marked slow.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_lib import RNN, TrainingDivergedWarning, rnn_forward

SEEDS = range(10)
pytestmark = pytest.mark.slow


# ---- the notebook's data, built as its cells build them ---------------------------------------
def to_bits(v, T):
    return (v[:, None] >> np.arange(T)) & 1


def addition_data(pairs, T):
    X = np.stack([to_bits(pairs[:, 0], T), to_bits(pairs[:, 1], T)], axis=2)
    Y = to_bits(pairs.sum(axis=1), T)[:, :, None]
    return X.astype(float), Y.astype(float)


@pytest.fixture(scope="module")
def adding():
    rng = np.random.default_rng(2)
    chosen = rng.choice(128 * 128, size=1200, replace=False)
    pairs = np.stack([chosen // 128, chosen % 128], axis=1)
    long_pairs = np.random.default_rng(3).integers(0, 2 ** 31, size=(500, 2))
    return (*addition_data(pairs[:200], 8), *addition_data(pairs[200:], 8),
            *addition_data(long_pairs, 32))


def recall_data(n, T, d, rng):
    x = rng.integers(0, 2, (n, T))
    y = np.zeros_like(x)
    y[:, d:] = x[:, :-d]
    return x[:, :, None].astype(float), y[:, :, None].astype(float)


def marked_data(n, T, rng):
    bits = rng.integers(0, 2, (n, T)).astype(float)
    where = rng.integers(0, 5, n)
    marker = np.zeros((n, T))
    marker[np.arange(n), where] = 1
    Y = np.zeros((n, T, 1))
    Y[:, -1, 0] = bits[np.arange(n), where]
    return np.stack([bits, marker], axis=2), Y


def quietly_fit(net, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingDivergedWarning)
        return net.fit(*args, **kwargs)


# ---- a trainer for ten seeds at once (the file's budget), checked against RNN.fit ---------------
def sigmoid(z):
    """The library's overflow-safe sigmoid, the same arithmetic (fit_seeds must match fit)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _deltas(dH, Hs, Wh, k):
    """dL/dz for every step, (S, B, T, H): full BPTT, or the sliding window of k steps."""
    WhT = Wh.transpose(0, 2, 1)
    T = dH.shape[2]
    if k is None or k >= T:
        delta = np.empty(dH.shape)
        dh_next = np.zeros(dH[:, :, 0].shape)
        for t in range(T - 1, -1, -1):
            delta[:, :, t] = (dH[:, :, t] + dh_next) * (1 - Hs[:, :, t] ** 2)
            dh_next = delta[:, :, t] @ WhT
        return delta
    slope = 1 - Hs ** 2
    delta = np.zeros(dH.shape)
    for t in range(T):
        dh = dH[:, :, t]
        for s in range(t, max(t - k, -1), -1):
            da = dh * slope[:, :, s]
            delta[:, :, s] += da
            dh = da @ WhT
    return delta


def fit_seeds(X, Y, seeds, *, lr, epochs, batch_size, warmup=0, truncation=None, chunk=None):
    """RNN(D, 16, K, seed=s).fit(...) for every seed at once, the seeds stacked on axis 0:
    the same draws, batches and arithmetic as fit (tanh cell, sigmoid output, no clipping,
    a learning rate that does not diverge), so the same weights to the last bit
    (test_the_batched_trainer_is_fit), in a fraction of the time. Returns the RNNs."""
    nets = [RNN(X.shape[2], 16, Y.shape[2], seed=s) for s in seeds]
    Wx, Wh, b, Wy, by = (np.stack(p) for p in zip(*(net.parameters() for net in nets)))
    n, T = X.shape[:2]
    S, Hn = len(nets), Wh.shape[1]
    k = T if chunk is None else chunk
    for _ in range(epochs):
        orders = np.stack([net.rng.permutation(n) for net in nets])
        for start in range(0, n, batch_size):
            idx = orders[:, start:start + batch_size]           # (S, B)
            B = idx.shape[1]
            h = np.zeros((S, B, Hn))
            for first_step in range(0, T, k):
                stop = min(first_step + k, T)
                tc = stop - first_step
                Xc, Yc = X[idx, first_step:stop], Y[idx, first_step:stop]  # (S, B, tc, D)
                first = max(warmup - first_step, 0)
                counted = tc - first
                XW = Xc @ Wx[:, None] + b[:, None, None]
                Hs = np.empty(XW.shape)
                h_start, hh = h, h
                for t in range(tc):
                    hh = np.tanh(XW[:, :, t] + hh @ Wh)
                    Hs[:, :, t] = hh
                h = hh
                if counted <= 0:
                    continue
                A = sigmoid(Hs @ Wy[:, None] + by[:, None, None])
                dZ = np.zeros_like(A)
                dZ[:, :, first:] = (A[:, :, first:] - Yc[:, :, first:]) / (B * counted)
                K = dZ.shape[-1]
                dWy = Hs.reshape(S, B * tc, Hn).transpose(0, 2, 1) @ dZ.reshape(S, B * tc, K)
                dby = dZ.sum(axis=(1, 2))
                dH = dZ @ Wy[:, None].transpose(0, 1, 3, 2)
                delta = _deltas(dH, Hs, Wh, truncation)
                H_prev = np.concatenate([h_start[:, :, None], Hs[:, :, :-1]], axis=2)
                flat = delta.reshape(S, B * tc, Hn)
                dWx = Xc.reshape(S, B * tc, -1).transpose(0, 2, 1) @ flat
                dWh = H_prev.reshape(S, B * tc, Hn).transpose(0, 2, 1) @ flat
                db = flat.sum(axis=1)
                for p, g in zip((Wx, Wh, b, Wy, by), (dWx, dWh, db, dWy, dby)):
                    p -= lr * g
    for i, net in enumerate(nets):
        net.Wx, net.Wh, net.b, net.Wy, net.by = (p[i].copy() for p in (Wx, Wh, b, Wy, by))
    return nets


def test_the_batched_trainer_is_fit():
    """fit_seeds gives RNN.fit's weights to the last bit: full BPTT, windows and chunks."""
    rng = np.random.default_rng(5)
    X, Y = recall_data(200, 16, 3, rng)
    for how in [{}, {"truncation": 2}, {"chunk": 3}]:
        nets = fit_seeds(X, Y, [0, 1], lr=1.0, epochs=3, batch_size=20, warmup=3, **how)
        for seed, batched in zip([0, 1], nets):
            net = RNN(1, 16, 1, seed=seed)
            net.fit(X, Y, lr=1.0, epochs=3, batch_size=20, warmup=3, **how)
            for p, q in zip(net.parameters(), batched.parameters()):
                assert np.array_equal(p, q), (how, seed)


# ---- section 3: binary addition ----------------------------------------------------------------
def test_addition_most_seeds_at_15_epochs_all_at_30(adding):
    """Section 3: "Fifteen epochs are enough for most starts, not for every one; thirty are
    enough for all ten" (the cell prints the counts); the summary: "adds numbers four
    times as long as any it was trained on" (held at 30 epochs)."""
    X, Y, X_test, Y_test, X_long, Y_long = adding
    right = {}
    for epochs in (15, 30):
        right[epochs] = []
        for seed, net in zip(SEEDS, fit_seeds(X, Y, SEEDS, lr=1.0, epochs=epochs,
                                               batch_size=20)):
            right[epochs].append(net.accuracy(X_test, Y_test, whole=True))
            if epochs == 30:
                assert net.accuracy(X_long, Y_long, whole=True) > 0.99, seed
    n15 = sum(r == 1 for r in right[15])
    assert 5 < n15 < 10
    assert all(r == 1 for r in right[30])


def test_learning_rate_regions_hold_across_seeds(adding):
    """Section 3, the learning rate: "Below, the network is merely slow ... none of its
    outputs is saturated. From 5 on ... the loss blows up: it ends above where it
    started, no sum comes out right, and from 10 on most outputs are saturated ... at 2
    every run gets every sum right, at 1 and 3 most runs do"."""
    X, Y, X_test, Y_test, _, _ = adding
    for lr in [0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0]:
        runs = []
        for seed in SEEDS:
            net = RNN(2, 16, 1, seed=seed)
            hist = quietly_fit(net, X, Y, lr=lr, epochs=15, batch_size=20)
            A = net.predict(X_test)
            runs.append((net.accuracy(X_test, Y_test, whole=True),
                         np.mean(A * (1 - A) < 1e-3), hist.loss[-1], hist.loss[0]))
        sums = [r[0] for r in runs]
        if lr <= 0.5:
            assert all(s < 1 for s in sums) and all(r[1] == 0 for r in runs), lr
        elif lr == 2.0:
            assert all(s == 1 for s in sums)
        elif lr in (1.0, 3.0):
            assert sum(s == 1 for s in sums) > 5, lr
        else:
            assert all(s < 0.05 for s in sums), lr
            assert all(r[2] > 1.0 for r in runs), lr      # it started near 0.69
            if lr >= 10:
                assert all(r[1] > 0.5 for r in runs), lr


# ---- section 4: a real explosion through time ------------------------------------------------
def one_step(radius, T, clip, seed):
    X = 1e-6 * np.random.default_rng(10 + seed).normal(size=(20, T, 1))
    Y = np.full((20, T, 1), 0.5)
    net = RNN(1, 16, 1, output="linear", radius=radius, seed=seed)
    grads, _ = net.gradients(X, Y, warmup=T - 1)
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    quietly_fit(net, X, Y, lr=0.01, epochs=1, clip=clip, warmup=T - 1)
    H, _ = rnn_forward(X, np.zeros((20, 16)), net.Wx, net.Wh, net.b)
    return norm, np.abs(H).max()


def test_explosion_through_time_and_clipping_over_seeds():
    """Section 4: "With 200 steps at rho = 1.05 the gradient is hundreds to thousands of
    times larger than with 25, and one unclipped step of learning rate 0.01 throws the
    states into saturation ... Remove the cause, the long sequence, and the same step
    leaves them in tanh's working range ...; so does clipping" (the cell prints the
    ten-seed counts: above 1000 times in 9 of 10, saturated at T = 200 in 10 of 10, below
    0.9 at T = 25 in 9 of 10, clipped below 0.9 in 10 of 10)."""
    ratios, saturated, short_ok, clipped_ok = [], 0, 0, 0
    for seed in SEEDS:
        long_norm, plain = one_step(1.05, 200, None, seed)
        _, clipped = one_step(1.05, 200, 1.0, seed)
        short_norm, short_plain = one_step(1.05, 25, None, seed)
        stable_norm, _ = one_step(0.95, 200, None, seed)
        assert long_norm > 100 * max(short_norm, stable_norm), seed
        ratios.append(long_norm / short_norm)
        saturated += plain > 0.999
        short_ok += short_plain < 0.9
        clipped_ok += clipped < 0.9
    assert sum(r > 1000 for r in ratios) == 9
    assert saturated == 10 and clipped_ok == 10 and short_ok == 9


# ---- section 5: clipping rescues a too-large learning rate; it is not through time --------
def test_lr_divergence_is_not_through_time_and_clipping_rescues_it(adding):
    """Section 5: "without clipping, 8 of 10 runs diverge on the 8-step sums and 9 of 10 on
    one step, each of the first among the second; clipped, all ten learn every held-out
    sum" (seed 0, shown, diverges both ways)."""
    X, Y, X_test, Y_test, _, _ = adding
    diverged = {8: set(), 1: set()}
    for seed in SEEDS:
        for T in (8, 1):
            net = RNN(2, 16, 1, output="linear", seed=seed)
            hist = quietly_fit(net, X[:, :T], Y[:, :T], lr=1.0, epochs=30, batch_size=20)
            if hist.diverged:
                diverged[T].add(seed)
        net = RNN(2, 16, 1, output="linear", seed=seed)
        hist = quietly_fit(net, X, Y, lr=1.0, epochs=30, batch_size=20, clip=1.0)
        assert not hist.diverged and max(hist.grad_norm) > 1.0, seed
        assert net.accuracy(X_test, Y_test, whole=True) == 1.0, seed
    assert len(diverged[8]) == 8 and len(diverged[1]) == 9
    assert diverged[8] <= diverged[1] and 0 in diverged[8]


# ---- section 5: what the sliding window gives up ----------------------------------------------
@pytest.fixture(scope="module")
def recall():
    rng = np.random.default_rng(5)
    return (*recall_data(200, 16, 3, rng), *recall_data(500, 16, 3, rng))


def recalled(data, **how):
    """Held-out bits recalled by RNN(1, 16, 1) from each seed of SEEDS, trained as § 5 does."""
    X, Y, X_test, Y_test = data
    nets = fit_seeds(X, Y, SEEDS, lr=1.0, epochs=60, batch_size=20, warmup=3, **how)
    return [net.accuracy(X_test, Y_test, warmup=3) for net in nets]


@pytest.mark.parametrize("k", [1, 2, 3, 4, None])
def test_recall_with_a_window_of_k_steps(recall, k):
    """Section 5: "a window of k = 2 never recalls every held-out bit, k = 3 = d does in
    most runs but not in all (seed 0 is one of the exceptions), and k = 4 and full BPTT
    do in every run. Even k = 1 does better than guessing"."""
    acc = recalled(recall, truncation=k)
    perfect = sum(a == 1 for a in acc)
    if k == 1:
        assert min(acc) > 0.55
    elif k == 2:
        assert perfect == 0
    elif k == 3:
        assert 5 < perfect < len(acc) and acc[0] < 1
    else:
        assert perfect == len(acc)


# ---- section 6: gating ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def marked():
    rng = np.random.default_rng(13)
    return (*marked_data(200, 30, rng), *marked_data(500, 30, rng))


def test_gru_learns_the_marked_recall_the_tanh_rnn_does_not(marked):
    """Section 6: "the GRU recalls at least 99 % of the held-out bits in 8 of the 10 runs,
    the tanh RNN in none (it stays below 61 %) ... two GRU runs stayed at guessing"."""
    X, Y, X_test, Y_test = marked
    result = {}
    for cell in ("tanh", "gru"):
        result[cell] = []
        for seed in SEEDS:
            net = RNN(2, 8, 1, cell=cell, seed=seed)
            net.fit(X, Y, lr=1.0, epochs=40, batch_size=20, warmup=29)
            result[cell].append(net.accuracy(X_test, Y_test, warmup=29))
    assert sum(a >= 0.99 for a in result["gru"]) == 8
    assert sum(a < 0.6 for a in result["gru"]) == 2
    assert max(result["tanh"]) < 0.61


def test_recall_with_chunks_of_3(recall):
    """Section 5: "chunks of 3 reach 59.7 % ... chunks of 3 in 7 of the 10 runs (seed 0 is
    an exception both times)"."""
    acc = recalled(recall, chunk=3)
    assert sum(a == 1 for a in acc) == 7 and acc[0] < 1
