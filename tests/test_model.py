"""Model: the stacked layers' gradients against central differences, training, and
divergence and bad input reported in words."""

import warnings

import numpy as np
import pytest

from backprop_lib import History, TrainingDivergedWarning
from backprop_lib.gradcheck import numerical_gradient, relative_error
from backprop_lib.layers import BatchNorm, Dropout, Linear, ReLU, Tanh
from backprop_lib.model import Model, mlp
from backprop_lib.optim import SGD, Adam, Momentum


def blobs(n=200, seed=0):
    """Three Gaussian blobs in 4-D, labels 0..2."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 4)) + 3 * np.eye(4)[y]
    return X, y


def test_whole_model_gradient_matches_central_differences():
    # CS231n's FC-net check, with batchnorm and tanh; dropout off (p = 0 is the identity)
    rng = np.random.default_rng(0)
    model = Model([Linear(5, 15, seed=1), BatchNorm(15), Tanh(), Linear(15, 20, seed=2),
                   BatchNorm(20), ReLU(), Linear(20, 10, seed=3)])
    for layer in model.layers:
        if isinstance(layer, BatchNorm):
            layer.params["gamma"][:] = rng.normal(size=layer.D)
            layer.params["beta"][:] = rng.normal(size=layer.D)
    X, y = rng.normal(size=(6, 5)), rng.integers(0, 10, 6)
    model.loss_and_gradients(X, y)
    analytic = [g.copy() for g in model.gradients()]

    def loss():
        from backprop_lib.layers import softmax_cross_entropy
        return softmax_cross_entropy(model.forward(X, train=True), y)[0]
    errors = []
    for a, p in zip(analytic, model.parameters()):
        n = numerical_gradient(loss, p)
        if np.max(np.abs(n)) < 1e-8:  # a bias just before batchnorm: its gradient is 0
            assert np.max(np.abs(a)) < 1e-12
        else:
            errors.append(relative_error(a, n))
    assert len(errors) == 8 and max(errors) < 1e-8


def test_fit_learns_blobs_and_returns_a_history():
    X, y = blobs()
    model = mlp([4, 16, 3], batchnorm=True, dropout=0.1, seed=0)
    history = model.fit(X, y, Adam(0.01), epochs=20, batch_size=32,
                        validation_data=blobs(100, 1))
    assert isinstance(history, History) and not history.diverged
    assert len(history.loss) == 20 and history.loss[-1] < history.loss[0]
    assert model.accuracy(*blobs(100, 1)) > 0.9 and history.val_accuracy[-1] > 0.9


def test_fit_is_reproducible_and_float32_stays_float32():
    X, y = blobs()
    runs = []
    for _ in range(2):
        m = mlp([4, 8, 3], batchnorm=True, dropout=0.2, seed=3, dtype=np.float32)
        m.fit(X, y, Momentum(0.1), epochs=3, batch_size=20, seed=5)
        runs.append(m.parameters())
        assert all(p.dtype == np.float32 for p in m.parameters())
    assert all(np.array_equal(a, b) for a, b in zip(*runs))


def test_a_lone_last_sample_joins_the_batch_before():
    X, y = blobs(101)
    model = mlp([4, 8, 3], batchnorm=True, seed=0)
    history = model.fit(X, y, SGD(0.1), epochs=1, batch_size=50)  # 50 + 51, not 50+50+1
    assert len(history.loss) == 1


def test_a_diverging_learning_rate_is_reported():
    X, y = blobs()
    X = X * 100
    model = mlp([4, 16, 3], seed=0)
    with pytest.warns(TrainingDivergedWarning, match="diverged.*learning rate 1e\\+06"):
        history = model.fit(X, y, SGD(1e6), epochs=20, batch_size=20)
    assert history.diverged and history.diverged_reason


def test_healthy_training_never_warns():
    X, y = blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mlp([4, 16, 3], batchnorm=True, seed=0).fit(X, y, Adam(1e-3), epochs=3)


def test_input_dropout_and_inference_are_deterministic():
    X, _ = blobs(10)
    model = Model([Dropout(0.5, seed=0), Linear(4, 3)])
    assert np.array_equal(model.forward(X), model.forward(X))


def test_bad_input_is_explained():
    X, y = blobs(20)
    with pytest.raises(TypeError, match="add \\(\\) to make a layer"):
        Model([Linear(4, 3), ReLU])
    with pytest.raises(TypeError, match="mix"):
        Model([Linear(4, 3, dtype=np.float32), Linear(3, 2)])
    model = mlp([4, 8, 3], batchnorm=True)
    with pytest.raises(ValueError, match="batch of one sample"):
        model.fit(X, y, SGD(0.1), epochs=1, batch_size=1)
    with pytest.raises(TypeError, match="Adam\\(1e-3\\) or SGD\\(0.1\\)"):
        model.fit(X, y, 0.1, epochs=1)
    with pytest.raises(ValueError, match="Linear\\(4, 8\\) takes x of shape \\(N, 4\\)"):
        model.forward(np.ones((3, 5)))
    with pytest.raises(ValueError, match="from 0 to 2"):
        model.fit(X, y + 1, SGD(0.1), epochs=1)
    with pytest.raises(ValueError, match="NaN"):
        model.forward(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match="relu, tanh or sigmoid"):
        mlp([4, 3], hidden="softmax")
