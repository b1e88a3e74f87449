"""Notebook 05's claims about what training, an initialisation or a method does, over seeds.

Each test re-runs one claim of `notebooks/05_mnist.ipynb` (its text, its asserts, or the
instructor's guide's section 05) over the 10 weight seeds 0-9 (the notebook's is 0), at
the notebook's settings: the same 50,000 / 10,000 / 10,000 images, float32, the same
sizes, learning rates, batches and epochs (the mini-batch order comes from the seed too).
The data split is MNIST's own and fixed, so only the weights and the batch order vary.
Not re-run here (too slow for CI: minutes each over 10 seeds), and so quoted in the
notebook as what one run from seed 0 measured, not as a claim: section 5's full grid of
15 trainings, section 7's λ search and section 8's 784-300-10. CONTRIBUTING.md,
"Claims and their tests", lists the claims. Time: 949 s at load 10-17 on the shared
2-core machine (section 7's ten 60,000-image trainings 412 s of it); about 150-200 s on
a quiet machine, estimated from the notebook's own timings.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from backprop_lib import Network, TrainingDivergedWarning, load_mnist, one_hot

SEEDS = range(10)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mnist():
    """The notebook's arrays: train (50,000), validation (10,000), all 60,000, test."""
    train_images, train_labels, test_images, test_labels = load_mnist()
    X_all = train_images.reshape(-1, 784).astype(np.float32) / 255
    Y_all = one_hot(train_labels, 10).astype(np.float32)
    X_test = test_images.reshape(-1, 784).astype(np.float32) / 255
    return {"X_train": X_all[:50000], "Y_train": Y_all[:50000], "y_train": train_labels[:50000],
            "X_val": X_all[50000:], "Y_val": Y_all[50000:], "y_val": train_labels[50000:],
            "X_all": X_all, "Y_all": Y_all, "X_test": X_test, "y_test": test_labels}


def relu_net(seed: int, hidden: int = 30) -> Network:
    return Network([784, hidden, 10], hidden="relu", output="softmax", loss="cross_entropy",
                   seed=seed, dtype=np.float32)


def fit_l2(net: Network, X, Y, *, lr: float, epochs: int, lam: float, batch_size: int = 100):
    """Section 7's loop: mini-batch steps on L + lam/2 (sum of squared weights)."""
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(epochs):
            order = net.rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                batch = order[start:start + batch_size]
                dW, db = net.backward(X[batch], Y[batch])
                for W in net.W:
                    W *= 1 - lr * lam
                net.step(dW, db, lr)


# --- section 3: He initialisation, before any training -------------------------------------

def test_he_start_is_unsaturated_and_unit_variance_weights_are_not(mnist):
    """'If every weight had standard deviation 1, z2 would be of order 10, and the softmax
    outputs would start out saturated'; with He: z2 of order 1, about half the hidden
    units active, no output close to certain, the loss close to log 10."""
    X = mnist["X_train"][:1000]
    for seed in SEEDS:
        net = relu_net(seed)
        z2 = X @ net.W[0] + net.b[0]
        A = net.forward(X)
        assert 0.2 < z2.std() < 2 and 0.35 < np.mean(z2 > 0) < 0.7, seed
        assert A.max() < 0.9 and 2.2 < net.loss(X, mnist["Y_train"][:1000]) < 2.7, seed
        rng = np.random.default_rng(seed)
        W1, W2 = rng.normal(size=(784, 30)), rng.normal(size=(30, 10))
        z2_big = X @ W1
        z3 = np.maximum(0, z2_big) @ W2
        P = np.exp(z3 - z3.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        assert 5 < z2_big.std() < 20 and np.median(P.max(axis=1)) > 0.99, seed


# --- section 4: 20 epochs with the lab work's settings -------------------------------------

@pytest.fixture(scope="module")
def lab_runs(mnist):
    """Section 4's training from each seed: (history, test accuracy)."""
    runs = []
    for seed in SEEDS:
        net = relu_net(seed)
        history = net.fit(mnist["X_train"], mnist["Y_train"], lr=0.1, epochs=20,
                          batch_size=100, validation_data=(mnist["X_val"], mnist["Y_val"]))
        runs.append((history, net.accuracy(mnist["X_test"], mnist["y_test"])))
    return runs


def test_lab_settings_reach_96_on_validation_and_stay_below_97_on_test(lab_runs):
    """The assert 'val_accuracy[-1] > 0.96'; the summary: 'the lab work's settings stay
    below 97 % on the test set'."""
    seen = [(h.diverged, h.val_accuracy[-1], test) for h, test in lab_runs]
    assert all(not diverged and val > 0.96 and test < 0.97 for diverged, val, test in seen), \
        seen


def test_overfitting_begins_in_the_second_half(lab_runs):
    """'In the second half the training loss falls by a third, the validation loss much
    less': from epoch 10 to 20 the training loss falls by more than 25 % and by more than
    twice the validation loss's relative fall; epoch 1's training loss is above its
    validation loss."""
    falls = [(1 - h.loss[-1] / h.loss[9], 1 - h.val_loss[-1] / h.val_loss[9],
              h.loss[0] > h.val_loss[0]) for h, _ in lab_runs]
    assert all(train > 0.25 and train > 2 * val and first for train, val, first in falls), \
        falls


# --- section 5: cross-entropy against the quadratic cost, at the same learning rate ----------

def test_the_quadratic_cost_starts_unsaturated_and_trails_at_lr_0_1(mnist):
    """'Nothing is saturated: ... σ' between 0.139 and 0.250, never near 0' (slopes above
    0.1 from every seed) and the assert 'at the same learning rate 0.1 the quadratic cost
    is behind cross-entropy in every epoch'."""
    slopes, behind = [], []
    for seed in SEEDS:
        nets = {loss: Network([784, 30, 10], hidden="sigmoid", output=output, loss=loss,
                              seed=seed, dtype=np.float32)
                for output, loss in [("softmax", "cross_entropy"), ("sigmoid", "mse")]}
        A = nets["mse"].forward(mnist["X_val"])
        slopes.append((A * (1 - A)).min())
        val = {loss: net.fit(mnist["X_train"], mnist["Y_train"], lr=0.1, epochs=5,
                             batch_size=100,
                             validation_data=(mnist["X_val"], mnist["Y_val"])).val_accuracy
               for loss, net in nets.items()}
        behind.append(sum(c > q for c, q in zip(val["cross_entropy"], val["mse"])))
    assert min(slopes) > 0.1 and behind == [5] * len(SEEDS), (slopes, behind)


# --- section 6: one factor at a time, 5 epochs ---------------------------------------------

def test_the_table_of_runs_orders_as_section_6_says(mnist, lab_runs):
    """'10 are too few, 100 do better than 30; 0.5 is ahead of 0.1 and 0.05 behind; batch
    10 ahead of 100, batch 1000 behind' (the asserts after the table), after 5 epochs."""
    rows = []
    for seed, (history, _) in zip(SEEDS, lab_runs):
        base = history.val_accuracy[4]          # section 4's network after 5 epochs

        def run(hidden=30, lr=0.1, batch_size=100, seed=seed):
            return relu_net(seed, hidden).fit(
                mnist["X_train"], mnist["Y_train"], lr=lr, epochs=5, batch_size=batch_size,
                validation_data=(mnist["X_val"], mnist["Y_val"])).val_accuracy[-1]

        rows.append((seed, run(hidden=10) < base < run(hidden=100),
                     run(lr=0.05) < base < run(lr=0.5),
                     run(batch_size=1000) < base < run(batch_size=10)))
    assert all(all(row[1:]) for row in rows), rows


# --- sections 7 and 9: schedule + L2 on all 60,000 images ----------------------------------

def test_schedule_and_l2_reach_about_97_and_what_section_9_sees(mnist):
    """Section 7: schedule + L2 (λ = 3e-4, the notebook's choice) on 60,000 images: 97 %
    or more on the test set in 8 of 10 runs, the other two just short (above 96.5 %).
    Section 9: a dead hidden unit in 9 of 10 runs, its weights always shorter than the
    median working unit's; the worst mistakes made with near certainty (> 99 %) every
    time; 0 and 1 the digits most often right every time; a 4 taken for a 9 among the
    3 most frequent mistakes in 9 of 10 runs (a 4 and a 9 confused, either way, in all)."""
    seen = []
    for seed in SEEDS:
        net = relu_net(seed)
        fit_l2(net, mnist["X_all"], mnist["Y_all"], lr=0.5, epochs=15, lam=3e-4)
        fit_l2(net, mnist["X_all"], mnist["Y_all"], lr=0.05, epochs=5, lam=3e-4)
        P = net.predict(mnist["X_test"])
        predicted, y = P.argmax(axis=1), mnist["y_test"]
        active = (mnist["X_all"] @ net.W[0] + net.b[0] > 0).mean(axis=0)
        dead = np.flatnonzero(active == 0)
        norms = np.linalg.norm(net.W[0], axis=0)
        alive = np.setdiff1d(np.arange(30), dead)
        wrong = np.flatnonzero(predicted != y)
        per_digit = np.array([np.mean(predicted[y == d] == d) for d in range(10)])
        confusion = np.zeros((10, 10), int)
        np.add.at(confusion, (y, predicted), 1)
        np.fill_diagonal(confusion, 0)
        top3 = np.dstack(np.unravel_index(np.argsort(-confusion, axis=None)[:3], (10, 10)))[0]
        seen.append({"accuracy": np.mean(predicted == y), "dead": len(dead),
                     "shorter": bool(all(norms[dead] < np.median(norms[alive]))),
                     "sure": P[wrong, predicted[wrong]].max(),
                     "best": set(np.argsort(-per_digit)[:2].tolist()),
                     "top3": top3.tolist()})
    assert sum(run["accuracy"] >= 0.97 for run in seen) == 8, seen
    assert all(run["accuracy"] > 0.965 for run in seen), seen
    assert sum(run["dead"] >= 1 for run in seen) == 9, seen
    assert all(run["shorter"] and run["dead"] < 30 for run in seen), seen
    assert all(run["sure"] > 0.99 and run["best"] == {0, 1} for run in seen), seen
    assert sum([4, 9] in run["top3"] for run in seen) == 9, seen
    assert all([4, 9] in run["top3"] or [9, 4] in run["top3"] for run in seen), seen


# --- section 10: learning rates on 5,000 images ---------------------------------------------

def test_learning_rates_on_a_subset_as_section_10_says(mnist):
    """Section 10, 'From other seeds the picture is the same, with exceptions': 0.01 behind
    0.1 every time, 0.316 ahead of 0.1 in 9 of 10; at 1, 12 to 24 units dead every time,
    below 0.1's accuracy in 9 of 10; at 3.16 all 30 dead in 9 of 10 (the tenth 29, at
    21 %); at 10, 4 of 10 diverge in epoch 2, the other 6 all dead; at 100 every run
    diverges, in epoch 1 or 2."""
    X, Y = mnist["X_train"][:5000], mnist["Y_train"][:5000]
    tables = []
    for seed in SEEDS:
        accuracy, dead, diverged = {}, {}, {}
        for lr in [0.01, 0.1, 0.316, 1.0, 3.16, 10.0, 100.0]:
            net = relu_net(seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TrainingDivergedWarning)
                history = net.fit(X, Y, lr=lr, epochs=5, batch_size=100,
                                  validation_data=(mnist["X_val"], mnist["Y_val"]))
            diverged[lr] = history.diverged_at if history.diverged else None
            if not history.diverged:
                accuracy[lr] = history.val_accuracy[-1]
                dead[lr] = int(np.sum(np.all(X @ net.W[0] + net.b[0] <= 0, axis=0)))
        tables.append((accuracy, dead, diverged))
    assert all(a[0.01] < a[0.1] for a, _, _ in tables), tables
    assert sum(a[0.316] > a[0.1] for a, _, _ in tables) == 9, tables
    assert all(12 <= d[1.0] <= 24 for _, d, _ in tables), tables
    assert sum(a[1.0] < a[0.1] for a, _, _ in tables) == 9, tables
    all_dead = [d[3.16] == 30 and a[3.16] < 0.12 for a, d, _ in tables]
    assert sum(all_dead) == 9, tables
    assert [v[10.0] for _, _, v in tables].count(2) == 4, tables
    assert all(d[10.0] == 30 for _, d, v in tables if v[10.0] is None), tables
    assert all(v[100.0] in (1, 2) for _, _, v in tables), tables
