"""Network: shapes of forward/backward, steps, fit, History, dtypes, divergence, bad input.

Gradient checks of the network live in test_gradcheck.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_lib import History, Network, TrainingDivergedWarning, load_exam, one_hot

RNG = np.random.default_rng(0)
X5 = RNG.normal(size=(5, 2))  # (5 samples, 2 features)
LABELS5 = np.array([0, 1, 2, 0, 1])
Y5 = one_hot(LABELS5, 3)  # (5, 3)
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def blobs(n_per_class: int = 40, seed: int = 0):
    """Two well separated Gaussian clouds in the plane: X (2n, 2), labels (2n,)."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(-3.0, 1.0, (n_per_class, 2)),
                   rng.normal(3.0, 1.0, (n_per_class, 2))])
    return X, np.repeat([0, 1], n_per_class)


def classifier(seed: int = 0, **kwargs) -> Network:
    """A 2-4-3 softmax classifier for X5/Y5."""
    options = {"hidden": "tanh", "output": "softmax", "loss": "cross_entropy", "seed": seed}
    options.update(kwargs)
    return Network([2, 4, 3], **options)


# --- construction ---------------------------------------------------------------------------

def test_shapes_of_weights_and_biases():
    net = Network([2, 3, 4, 1], seed=0)
    assert [W.shape for W in net.W] == [(2, 3), (3, 4), (4, 1)]
    assert [b.shape for b in net.b] == [(3,), (4,), (1,)]
    assert all(np.all(b == 0) for b in net.b)
    assert net.parameters() == net.W + net.b
    assert "Network([2, 3, 4, 1]" in repr(net)


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = Network([2, 3, 1], seed=7), Network([2, 3, 1], seed=7), Network([2, 3, 1], seed=8)
    for Wa, Wb in zip(a.W, b.W):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(a.W[0], c.W[0])


@pytest.mark.parametrize("init", ["auto", "he", "xavier", "normal", "uniform"])
def test_inits(init):
    net = Network([50, 40, 1], hidden="relu", init=init, seed=0)
    assert np.all(np.isfinite(net.W[0])) and net.W[0].std() > 0


def test_init_scales():
    assert Network([400, 300], init="he", seed=0).W[0].std() == pytest.approx(np.sqrt(2 / 400),
                                                                               rel=0.02)
    assert Network([400, 300], init="uniform", init_scale=0.1, seed=0).W[0].max() <= 0.1
    assert Network([400, 300], init="normal", init_scale=0.01, seed=0).W[0].std() == \
        pytest.approx(0.01, rel=0.02)


def test_copy_is_independent():
    net = Network([2, 3, 1], seed=0)
    twin = net.copy()
    twin.W[0][0, 0] += 1.0
    assert net.W[0][0, 0] != twin.W[0][0, 0]


# --- forward, backward, step ----------------------------------------------------------------

def test_forward_keeps_z_and_a_of_every_layer():
    net = Network([2, 3, 4, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    out = net.forward(X5)
    assert out.shape == (5, 3)
    assert [z.shape for z in net.z] == [(5, 3), (5, 4), (5, 3)]
    assert [a.shape for a in net.a] == [(5, 2), (5, 3), (5, 4), (5, 3)]
    np.testing.assert_array_equal(net.a[0], X5)
    np.testing.assert_allclose(net.z[0], X5 @ net.W[0] + net.b[0])
    np.testing.assert_allclose(net.a[1], np.tanh(net.z[0]))
    np.testing.assert_array_equal(net.a[-1], out)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_array_equal(net.predict(X5), out)


def test_forward_accepts_lists_and_ints():
    net = Network([2, 3, 1], seed=0)
    out = net.forward([[1, 2], [3, 4]])
    assert out.shape == (2, 1) and out.dtype == np.float64


def test_backward_returns_gradients_shaped_like_parameters():
    net = Network([2, 3, 4, 3], hidden="relu", output="softmax", loss="cross_entropy", seed=0)
    dW, db = net.backward(X5, Y5)
    assert [g.shape for g in dW] == [W.shape for W in net.W]
    assert [g.shape for g in db] == [b.shape for b in net.b]
    assert [d.shape for d in net.delta] == [(5, 3), (5, 4), (5, 3)]
    # the output delta of softmax + cross-entropy is (P - Y) / n
    np.testing.assert_allclose(net.delta[-1], (net.a[-1] - Y5) / 5)


def test_step_moves_against_the_gradient():
    net = classifier()
    W_before, b_before = [W.copy() for W in net.W], [b.copy() for b in net.b]
    loss_before = net.loss(X5, Y5)
    dW, db = net.backward(X5, Y5)
    net.step(dW, db, lr=0.01)
    for l in range(2):
        np.testing.assert_allclose(net.W[l], W_before[l] - 0.01 * dW[l])
        np.testing.assert_allclose(net.b[l], b_before[l] - 0.01 * db[l])
    assert net.loss(X5, Y5) < loss_before


def test_train_step_returns_loss_before_the_step():
    net = classifier()
    before = net.loss(X5, Y5)
    assert net.train_step(X5, Y5, lr=0.1) == pytest.approx(before)
    assert net.loss(X5, Y5) < before


def test_bias_false_keeps_biases_at_zero():
    net = classifier(bias=False)
    net.fit(X5, Y5, lr=0.5, epochs=20)
    assert all(np.all(b == 0) for b in net.b)
    dW, db = net.backward(X5, Y5)
    net.step(dW, db, lr=0.5)
    assert all(np.all(b == 0) for b in net.b)


def test_set_weights_round_trip_and_hand_computation():
    net = Network([2, 2, 1], hidden="sigmoid", output="identity", loss="mse")
    W = [np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[3.0], [-2.0]])]
    b = [np.array([0.1, -0.2]), np.array([0.5])]
    net.set_weights(W, b)
    for got, want in zip(net.W + net.b, W + b):
        np.testing.assert_array_equal(got, want)
    W[0][0, 0] = 99.0  # the network keeps its own copy
    assert net.W[0][0, 0] == 1.0
    x = np.array([[1.0, 2.0]])
    hidden = 1 / (1 + np.exp(-(x @ net.W[0] + b[0])))
    np.testing.assert_allclose(net.forward(x), hidden @ net.W[1] + b[1])
    # lists of lists and a column bias are fine; W alone keeps the biases
    net.set_weights([[[1, 0], [0, 1]], [[1], [1]]], [[0, 0], [[0.25]]])
    assert net.b[1].shape == (1,) and net.b[1][0] == 0.25
    net.set_weights(net.W)
    assert net.b[1][0] == 0.25


def test_classify():
    net = classifier()
    np.testing.assert_array_equal(net.classify(X5), net.forward(X5).argmax(axis=1))
    binary = Network([2, 3, 1], output="sigmoid", seed=0)
    np.testing.assert_array_equal(binary.classify(X5), (binary.forward(X5)[:, 0] > 0.5))


# --- fit ------------------------------------------------------------------------------------

@pytest.mark.parametrize("batch_size", [None, 2, 1])
def test_fit_full_batch_mini_batch_and_online(batch_size):
    net = classifier()
    before = net.loss(X5, Y5)
    history = net.fit(X5, Y5, lr=0.3, epochs=30, batch_size=batch_size)
    assert isinstance(history, History) and history.lr == 0.3
    assert len(history.loss) == len(history.accuracy) == 30
    assert history.val_loss == [] and history.val_accuracy == []
    assert not history.diverged and history.diverged_at is None
    assert history.loss[-1] < history.loss[0]
    assert net.loss(X5, Y5) < before


def test_fit_full_batch_loss_is_the_loss_before_each_step():
    net = classifier()
    twin = net.copy()
    history = net.fit(X5, Y5, lr=0.3, epochs=3, shuffle=False)
    for recorded in history.loss:
        assert recorded == pytest.approx(twin.train_step(X5, Y5, lr=0.3))


def test_batch_size_larger_than_data_is_full_batch():
    a, b = classifier(), classifier()
    a.fit(X5, Y5, lr=0.3, epochs=3, batch_size=100, shuffle=False)
    b.fit(X5, Y5, lr=0.3, epochs=3, shuffle=False)
    np.testing.assert_allclose(a.W[0], b.W[0])


def test_shuffle_with_a_seed_is_reproducible():
    runs = []
    for seed in [3, 3, 4]:
        net = classifier(seed=seed)
        net.fit(X5, Y5, lr=0.3, epochs=5, batch_size=2, shuffle=True)
        runs.append(net)
    for Wa, Wb in zip(runs[0].W + runs[0].b, runs[1].W + runs[1].b):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(runs[0].W[0], runs[2].W[0])


def test_shuffle_changes_the_order_of_online_updates():
    a, b = classifier(), classifier()
    a.fit(X5, Y5, lr=0.3, epochs=2, batch_size=1, shuffle=True)
    b.fit(X5, Y5, lr=0.3, epochs=2, batch_size=1, shuffle=False)
    assert not np.allclose(a.W[0], b.W[0])


def test_validation_data_fills_val_loss_and_val_accuracy():
    net = classifier()
    X_val, y_val = RNG.normal(size=(4, 2)), one_hot([0, 1, 2, 2], 3)
    history = net.fit(X5, Y5, lr=0.3, epochs=7, validation_data=(X_val, y_val))
    assert len(history.val_loss) == len(history.val_accuracy) == 7
    assert history.val_loss[-1] == pytest.approx(net.loss(X_val, y_val))
    assert history.val_accuracy[-1] == pytest.approx(net.accuracy(X_val, y_val))
    assert all(v in (0.0, 0.25, 0.5, 0.75, 1.0) for v in history.val_accuracy)


def test_accuracy_recorded_for_one_hot_binary_and_bipolar_targets():
    X, labels = blobs(10)
    y01 = labels.reshape(-1, 1).astype(float)
    cases = [
        (Network([2, 3, 2], output="softmax", loss="cross_entropy", seed=0), one_hot(labels, 2)),
        (Network([2, 3, 1], output="sigmoid", loss="binary_cross_entropy", seed=0), y01),
        (Network([2, 3, 1], output="sigmoid", loss="mse", seed=0), y01),
        (Network([2, 3, 1], output="tanh", loss="mse", seed=0), 2 * y01 - 1),
        (Network([2, 3, 1], output="bipolar_sigmoid", loss="mse", seed=0), 2 * y01 - 1),
    ]
    for net, Y in cases:
        history = net.fit(X, Y, lr=0.5, epochs=20)
        assert len(history.accuracy) == 20, net
        assert all(0.0 <= a <= 1.0 for a in history.accuracy)
        assert history.accuracy[-1] == 1.0, net  # well separated blobs


def test_no_accuracy_for_regression_targets():
    exam = load_exam()
    net = Network([2, 3, 1], output="identity", loss="mse", seed=0)
    history = net.fit(exam.X_scaled, exam.y_scaled, lr=0.1, epochs=5,
                      validation_data=(exam.X_scaled, exam.y_scaled))
    assert history.accuracy == [] and history.val_accuracy == []
    assert len(history.loss) == len(history.val_loss) == 5


def test_accuracy_method_takes_labels_or_one_hot():
    X, labels = blobs(10)
    net = Network([2, 3, 2], output="softmax", loss="cross_entropy", seed=0)
    net.fit(X, one_hot(labels, 2), lr=0.5, epochs=20)
    assert net.accuracy(X, labels) == net.accuracy(X, one_hot(labels, 2)) == 1.0
    assert net.accuracy(X, 1 - labels) == 0.0


def test_accuracy_with_bipolar_column_targets():
    net = Network([1, 1], output="tanh", loss="mse")
    net.set_weights([[[1.0]]])  # output tanh(x): positive exactly when x > 0
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    assert net.accuracy(X, np.array([[-1], [-1], [1], [1]])) == 1.0


def test_accuracy_with_bipolar_1d_labels():
    net = Network([1, 1], output="tanh", loss="mse")
    net.set_weights([[[1.0]]])
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    assert net.accuracy(X, np.array([-1, -1, 1, 1])) == 1.0


def test_accuracy_of_identity_output_with_bipolar_targets():
    net = Network([1, 1], output="identity", loss="mse")
    net.set_weights([[[1.0]]])
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    Y = np.array([[-1.0], [-1.0], [1.0], [1.0]])
    assert net.accuracy(X, Y) == 1.0


def test_identity_output_history_accuracy_agrees_with_accuracy():
    net = Network([1, 1], output="identity", loss="mse")
    net.set_weights([[[0.15]]], [[0.4]])  # outputs 0.1, 0.25, 0.55, 0.7 for the X below
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    Y = np.array([[0.0], [0.0], [1.0], [1.0]])
    history = net.fit(X, Y, lr=1e-12, epochs=1, shuffle=False)  # weights barely move
    assert history.accuracy[0] == pytest.approx(net.accuracy(X, Y))


def test_history_values_are_plain_numbers():
    history = classifier().fit(X5, Y5, lr=0.3, epochs=2)
    assert all(isinstance(v, float) for v in history.loss + history.accuracy)


# --- float32 --------------------------------------------------------------------------------

@pytest.mark.parametrize("hidden, output, loss", [
    ("sigmoid", "sigmoid", "mse"),
    ("relu", "softmax", "cross_entropy"),
    ("tanh", "sigmoid", "binary_cross_entropy"),
    ("bipolar_sigmoid", "identity", "mse"),
])
def test_float32_network_stays_float32(hidden, output, loss):
    n_out = 3 if output == "softmax" else 1
    Y = Y5 if n_out == 3 else (LABELS5 == 1).astype(float).reshape(-1, 1)
    net = Network([2, 4, n_out], hidden=hidden, output=output, loss=loss, seed=0,
                  dtype=np.float32)
    history = net.fit(X5, Y, lr=0.1, epochs=3, batch_size=2,
                      validation_data=(X5, Y))  # float64 data in
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.predict(X5).dtype == np.float32
    assert all(z.dtype == np.float32 for z in net.z)
    dW, db = net.backward(X5, Y)
    assert all(g.dtype == np.float32 for g in dW + db)
    assert np.isfinite(history.loss[-1])
    net.set_weights([W.astype(np.float64) for W in net.W])
    assert all(W.dtype == np.float32 for W in net.W)


# --- divergence -----------------------------------------------------------------------------

@pytest.mark.parametrize("batch_size", [None, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_divergence_stops_records_and_warns_once(batch_size, dtype):
    exam = load_exam()  # raw, unscaled scores of about 90: a large lr blows up at once
    net = Network([2, 3, 1], hidden="sigmoid", output="identity", loss="mse", seed=0,
                  dtype=dtype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = net.fit(exam.X, exam.y, lr=10.0, epochs=50, batch_size=batch_size)
    diverged = [w for w in caught if issubclass(w.category, TrainingDivergedWarning)]
    assert len(diverged) == 1
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
    assert len(caught) == 1
    message = str(diverged[0].message)
    assert f"epoch {history.diverged_at}" in message and "learning rate 10" in message
    assert "smaller" in message
    assert diverged[0].filename == __file__  # points at the caller's fit(...) line
    assert history.diverged
    assert 1 <= history.diverged_at < 50 and history.diverged_step >= 1
    assert len(history.loss) == history.diverged_at - 1  # only the finished epochs
    steps_per_epoch = 1 if batch_size is None else 3
    assert (history.diverged_at - 1) * steps_per_epoch < history.diverged_step <= \
        history.diverged_at * steps_per_epoch
    assert all(np.all(np.isfinite(p)) for p in net.parameters())  # the bad step was not taken


def test_divergence_with_pytest_warns():
    exam = load_exam()
    net = Network([2, 3, 1], hidden="sigmoid", output="identity", loss="mse", seed=0)
    with pytest.warns(TrainingDivergedWarning, match="Training diverged") as record:
        history = net.fit(exam.X, exam.y, lr=10.0, epochs=50)
    assert len(record) == 1
    assert history.diverged_at is not None and history.diverged_step is not None


def test_divergence_to_inf_is_reported_in_plain_words():
    exam = load_exam()
    net = Network([2, 3, 1], hidden="identity", output="identity", loss="mse", seed=0)
    with pytest.warns(TrainingDivergedWarning, match="NaN or infinite|grew to") as record:
        history = net.fit(exam.X, exam.y, lr=1e150, epochs=10, divergence_factor=1e300)
    assert len(record) == 1
    assert history.diverged


def test_no_divergence_warning_for_a_sane_learning_rate():
    exam = load_exam()
    net = Network([2, 3, 1], hidden="sigmoid", output="sigmoid", loss="mse", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.fit(exam.X_scaled, exam.y_scaled, lr=0.5, epochs=50)
    assert not history.diverged and len(history.loss) == 50


# --- end to end -----------------------------------------------------------------------------

def test_learns_xor():
    net = Network([2, 4, 1], hidden="tanh", output="sigmoid", loss="binary_cross_entropy",
                  seed=0)
    history = net.fit(XOR_X, XOR_Y, lr=0.5, epochs=1000)
    assert history.accuracy[-1] == 1.0
    assert net.accuracy(XOR_X, XOR_Y) == 1.0
    np.testing.assert_array_equal(net.classify(XOR_X), [0, 1, 1, 0])
    assert history.loss[-1] < 0.05


def test_learns_separable_blobs_with_mini_batches():
    X, labels = blobs(50)
    X_test, labels_test = blobs(50, seed=1)
    net = Network([2, 5, 2], hidden="relu", output="softmax", loss="cross_entropy", seed=0)
    history = net.fit(X, one_hot(labels, 2), lr=0.1, epochs=30, batch_size=10,
                      validation_data=(X_test, one_hot(labels_test, 2)))
    assert history.accuracy[-1] > 0.95 and history.val_accuracy[-1] > 0.95
    assert net.accuracy(X_test, labels_test) > 0.95


def test_exam_data_trains_and_predicts_for_a_new_student():
    exam = load_exam()
    net = Network([2, 3, 1], hidden="sigmoid", output="sigmoid", loss="mse", seed=0)
    history = net.fit(exam.X_scaled, exam.y_scaled, lr=1.0, epochs=2000)
    assert history.loss[-1] < history.loss[0] / 10
    np.testing.assert_allclose(net.predict(exam.X_scaled), exam.y_scaled, atol=0.05)
    x_new = exam.scale_inputs([[4, 8]])
    np.testing.assert_allclose(x_new, [[4 / 3, 8 / 9]])
    score = net.predict(x_new) * exam.y_max
    assert score.shape == (1, 1) and np.isfinite(score[0, 0]) and 0 < score[0, 0] < 100


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", [[2], [], "23", 3, None])
def test_sizes_must_list_at_least_two_layers(sizes):
    with pytest.raises(ValueError, match=r"e\.g\. \[2, 3, 1\]"):
        Network(sizes)


def test_layer_sizes_must_be_positive_whole_numbers():
    with pytest.raises(ValueError, match="at least 1"):
        Network([2, 0, 1])
    with pytest.raises(TypeError, match="whole number"):
        Network([2, 2.5, 1])


def test_unknown_activation_and_loss_names():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*choose one of.*sigmoid"):
        Network([2, 3, 1], hidden="sigmod")
    with pytest.raises(ValueError, match="unknown activation 'relu6'"):
        Network([2, 3, 1], output="relu6")
    with pytest.raises(ValueError, match="unknown loss 'cross-entropy'.*cross_entropy"):
        Network([2, 3, 1], loss="cross-entropy")
    with pytest.raises(ValueError, match="unknown init"):
        Network([2, 3, 1], init="glorot")
    with pytest.raises(TypeError, match="dtype"):
        Network([2, 3, 1], dtype=np.int32)


def test_softmax_is_refused_as_hidden_activation():
    with pytest.raises(ValueError, match="softmax belongs to the output layer"):
        Network([2, 3, 2], hidden="softmax", output="softmax", loss="cross_entropy")


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "identity", "relu"])
def test_cross_entropy_needs_softmax(output):
    with pytest.raises(ValueError, match="output='softmax'"):
        Network([2, 3, 2], output=output, loss="cross_entropy")


@pytest.mark.parametrize("output", ["tanh", "bipolar_sigmoid", "identity", "relu"])
def test_binary_cross_entropy_needs_outputs_in_0_1(output):
    with pytest.raises(ValueError, match="binary_cross_entropy"):
        Network([2, 3, 1], output=output, loss="binary_cross_entropy")


def test_softmax_needs_at_least_two_outputs():
    with pytest.raises(ValueError, match="softmax"):
        Network([2, 3, 1], output="softmax", loss="mse")


def test_1d_X_is_refused_with_a_reshape_hint():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"2-D.*reshape\(1, -1\)"):
        net.forward(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="2-D"):
        net.fit(np.array([1.0, 2.0]), np.array([[1.0]]), lr=0.1, epochs=1)


def test_X_with_the_wrong_number_of_features():
    net = Network([3, 4, 1], seed=0)
    with pytest.raises(ValueError, match=r"X has 2 features.*input layer has 3 units"):
        net.forward(X5)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 3\)"):
        net.fit(X5, np.zeros((5, 1)), lr=0.1, epochs=1)


def test_y_with_the_wrong_number_of_outputs():
    net = Network([2, 4, 2], output="sigmoid", seed=0)
    with pytest.raises(ValueError, match="output layer has 2 units"):
        net.fit(X5, Y5, lr=0.1, epochs=1)


def test_X_and_y_row_mismatch():
    net = classifier()
    with pytest.raises(ValueError, match=r"X has 5 samples \(rows\) but y has 4"):
        net.fit(X5, Y5[:4], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="samples"):
        net.backward(X5, Y5[:4])
    with pytest.raises(ValueError, match="samples"):
        net.loss(X5, Y5[:4])
    with pytest.raises(ValueError, match="samples"):
        net.accuracy(X5, LABELS5[:4])


def test_labels_that_need_one_hot_encoding():
    net = classifier()
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        net.fit(X5, LABELS5, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        net.fit(X5, LABELS5.reshape(-1, 1), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        net.fit(X5, Y5 * 3, lr=0.1, epochs=1)  # rows do not sum to 1
    with pytest.raises(ValueError, match=r"one_hot\(y, 3\)"):
        net.backward(X5, LABELS5)


def test_one_output_with_1d_targets_asks_for_a_column():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        net.fit(X5, np.zeros(5), lr=0.1, epochs=1)


def test_binary_cross_entropy_targets_must_be_0_or_1_range():
    net = Network([2, 3, 1], output="sigmoid", loss="binary_cross_entropy", seed=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        net.fit(X5, np.array([[-1.0], [1], [1], [-1], [1]]), lr=0.1, epochs=1)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_in_the_data(bad):
    net = classifier()
    X_bad = X5.copy()
    X_bad[2, 1] = bad
    with pytest.raises(ValueError, match=r"X contains 1 NaN or infinite value"):
        net.fit(X_bad, Y5, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward(X_bad)
    Y_bad = Y5.copy()
    Y_bad[0, 0] = bad
    with pytest.raises(ValueError, match=r"y contains 1 NaN or infinite value"):
        net.fit(X5, Y_bad, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.fit(X5, Y5, lr=0.1, epochs=1, validation_data=(X_bad, Y5))


def test_huge_but_finite_data_is_not_mistaken_for_nan():
    # The finiteness check sums the array first; a sum that overflows must not count.
    X_huge = np.full((4, 2), 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = Network([2, 2], hidden="identity", output="identity", loss="mse").forward(X_huge)
    assert A.shape == (4, 2)
    X_mixed = np.array([[1e308, 1e308], [-1e308, np.nan]])  # inf - inf, and a NaN
    with pytest.raises(ValueError, match=r"X contains 1 NaN or infinite value"):
        Network([2, 2]).forward(X_mixed)


def test_non_numeric_data():
    net = classifier()
    with pytest.raises(TypeError, match="numbers"):
        net.forward("1, 2")
    with pytest.raises(TypeError, match="numbers"):
        net.forward([["a", "b"]])
    with pytest.raises(TypeError, match="numbers"):
        net.forward(None)


def test_empty_data():
    with pytest.raises(ValueError, match="no rows"):
        classifier().forward(np.zeros((0, 2)))


@pytest.mark.parametrize("lr", [0, 0.0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_positive_and_finite(lr):
    net = classifier()
    with pytest.raises(ValueError, match="learning rate lr must be a finite number greater than 0"):
        net.fit(X5, Y5, lr=lr, epochs=1)
    dW, db = net.backward(X5, Y5)
    with pytest.raises(ValueError, match="greater than 0"):
        net.step(dW, db, lr=lr)
    with pytest.raises(ValueError, match="greater than 0"):
        net.train_step(X5, Y5, lr=lr)


@pytest.mark.parametrize("lr", ["0.1", None, True, [0.1]])
def test_learning_rate_must_be_a_number(lr):
    with pytest.raises(TypeError, match="learning rate lr must be a number"):
        classifier().fit(X5, Y5, lr=lr, epochs=1)


def test_learning_rate_may_be_a_numpy_number():
    history = classifier().fit(X5, Y5, lr=np.float64(0.1), epochs=1)
    assert history.lr == 0.1


def test_bad_epochs_batch_size_and_validation_data():
    net = classifier()
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        net.fit(X5, Y5, lr=0.1, epochs=0)
    with pytest.raises(TypeError, match="epochs must be a whole number"):
        net.fit(X5, Y5, lr=0.1, epochs=2.5)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        net.fit(X5, Y5, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"pair \(X_val, y_val\)"):
        net.fit(X5, Y5, lr=0.1, epochs=1, validation_data=(X5, Y5, Y5))
    with pytest.raises(ValueError, match="X_val has 4 samples .* but y_val has 5"):
        net.fit(X5, Y5, lr=0.1, epochs=1, validation_data=(X5[:4], Y5))


def test_set_weights_with_wrong_shapes():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="2 weight matrices, got 1"):
        net.set_weights([np.zeros((2, 3))])
    with pytest.raises(ValueError,
                       match=r"W\[0\] connects 2 units to 3.*shape \(2, 3\).*got \(3, 2\)"):
        net.set_weights([np.zeros((3, 2)), np.zeros((3, 1))])
    with pytest.raises(ValueError, match=r"2 bias vectors, got 1"):
        net.set_weights(net.W, [np.zeros(3)])
    with pytest.raises(ValueError, match=r"b\[1\] must have shape \(1,\)"):
        net.set_weights(net.W, [np.zeros(3), np.zeros(2)])
    W_before = [W.copy() for W in net.W]
    with pytest.raises(ValueError):
        net.set_weights([np.ones((2, 3)), np.ones((2, 1))])  # second one wrong
    for W, W0 in zip(net.W, W_before):  # nothing half-loaded
        np.testing.assert_array_equal(W, W0)


def test_divergence_reference_is_the_loss_before_training_on_many_samples():
    # 5000 samples: the reference loss is measured on 1000 evenly spaced ones. Training that
    # grows the loss a thousandfold still stops; a sane learning rate never does.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 3))
    Y = X @ np.array([[1.0], [-2.0], [0.5]])
    net = Network([3, 1], hidden="identity", output="identity", loss="mse", seed=0)
    with pytest.warns(TrainingDivergedWarning):
        history = net.fit(X, Y, lr=3.0, epochs=20, batch_size=None)
    assert history.diverged
    sane = Network([3, 1], hidden="identity", output="identity", loss="mse", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = sane.fit(X, Y, lr=0.1, epochs=20, batch_size=None)
    assert not history.diverged and history.loss[-1] < history.loss[0]


def test_divergence_reference_samples_the_whole_data_not_its_first_rows():
    # The first 1000 targets are what the untrained net already outputs (loss 0 there): a
    # reference taken from the first rows only would be 0 and flag sane training as diverged.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 3))
    Y = np.r_[np.zeros((1000, 1)), np.ones((4000, 1))]
    net = Network([3, 1], hidden="identity", output="identity", loss="mse")
    net.set_weights([np.zeros((3, 1))])          # outputs 0 for every sample before training
    assert net.loss(X[:1000], Y[:1000]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.fit(X, Y, lr=0.1, epochs=5, batch_size=100, shuffle=False)
    assert not history.diverged and len(history.loss) == 5


def test_online_training_is_not_mistaken_for_divergence():
    # One sample's loss can be tiny; divergence is judged against the loss on all data.
    net = Network([1, 1], hidden="identity", output="identity", loss="mse")
    net.set_weights([[[1.0]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.fit([[1.0], [2.0]], [[1.0], [0.0]], lr=1e-6, epochs=3, batch_size=1,
                          shuffle=False)
    assert not history.diverged and len(history.loss) == 3


def test_accuracy_refuses_labels_that_are_no_classes():
    net = classifier()
    for y, message in [([0, 1, 2, 0, -1], "0 or more"), ([0, 1, 2, 0, 3], "does not fit in 3"),
                       ([0, 1, 2, 0, 1.7], "whole-number"), (1, "one label or target per sample"),
                       (one_hot(LABELS5 % 2, 2), "2 columns but the network has 3 outputs")]:
        with pytest.raises(ValueError, match=message):
            net.accuracy(X5, y)
    assert net.accuracy(X5, LABELS5) == net.accuracy(X5, Y5)


def test_step_refuses_gradients_that_do_not_fit():
    net = classifier()
    dW, db = net.backward(X5, Y5)
    with pytest.raises(ValueError, match=r"dW\[0\] is a list, not an array: pass dW and db"):
        net.step((dW, db), db, 0.1)                      # backward's pair passed as dW
    with pytest.raises(ValueError, match=r"dW must be a list of 2 arrays.*net.backward"):
        net.step(dW[0], db, 0.1)
    with pytest.raises(ValueError, match=r"dW\[0\] has shape \(4, 2\) .*: is it transposed"):
        net.step([dW[0].T, dW[1]], db, 0.1)
    with pytest.raises(ValueError, match=r"db\[1\] has shape \(\) "):
        net.step(dW, [db[0], 0.5], 0.1)                  # a scalar would broadcast silently
    with pytest.raises(ValueError, match=r"dW\[1\] contains 12 NaN"):
        net.step([dW[0], np.full_like(dW[1], np.nan)], db, 0.1)
    W_before = [W.copy() for W in net.W]
    net.step(dW, db, 0.1)
    assert not np.array_equal(net.W[0], W_before[0])


def test_set_weights_refuses_nan_and_biases_of_a_bias_free_network():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"W\[1\] contains 3 NaN"):
        net.set_weights([np.zeros((2, 3)), np.full((3, 1), np.nan)])
    with pytest.raises(ValueError, match=r"b\[0\] contains 3 NaN"):
        net.set_weights(net.W, [np.full(3, np.inf), np.zeros(1)])
    no_bias = Network([2, 3, 1], seed=0, bias=False)
    with pytest.raises(ValueError, match="bias=False"):
        no_bias.set_weights(no_bias.W, [np.ones(3), np.ones(1)])
    no_bias.set_weights(no_bias.W)                       # weights alone are fine


@pytest.mark.parametrize("factor", [1, 0.5, 0, -1])
def test_divergence_factor_must_exceed_one(factor):
    with pytest.raises(ValueError, match="divergence_factor must be"):
        classifier().fit(X5, Y5, lr=0.1, epochs=1, divergence_factor=factor)
