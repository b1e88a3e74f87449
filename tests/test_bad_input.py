"""Bad input to the core numerical API, table-driven; extreme but legal input; divergence.

Each row of BAD is (id, call, error type, words): the call must raise that error, and its
message must contain every word (case-insensitive): the argument's name and the fix.
Modules: checks, activations, losses, network, gradcheck, datasets (plots, mnist and
widgets have their own table). No call may give a RuntimeWarning (pytest makes it an
error) or a silent NaN.
"""

from __future__ import annotations

import datetime
import warnings

import numpy as np
import pytest

from backprop_lib import (
    Network,
    TrainingDivergedWarning,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    bipolar_sigmoid,
    bipolar_sigmoid_prime,
    cross_entropy,
    cross_entropy_grad,
    gradient_check,
    identity,
    identity_prime,
    load_exam,
    load_iris_data,
    mse,
    mse_grad,
    network_numerical_gradients,
    numerical_gradient,
    one_hot,
    relative_error,
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
from backprop_lib.checks import as_array, as_floats, as_matrix, flag, positive_int, same_rows
from backprop_lib.losses import check_targets, get_loss

EXAM = load_exam()
X5 = np.random.default_rng(0).normal(size=(5, 2))
Y5 = one_hot([0, 1, 2, 0, 1], 3)
P5 = np.full((5, 3), 1 / 3)
A5 = np.full((5, 1), 0.5)
Y01 = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])


def net(**kw) -> Network:
    """A 2-3-1 sigmoid network (mse), or what the keywords make of it."""
    options = {"sizes": [2, 3, 1]}
    options.update(kw)
    return Network(options.pop("sizes"), **options)


def clf() -> Network:
    """A 2-4-3 softmax classifier for X5, Y5."""
    return Network([2, 4, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)


def masked(values):
    return np.ma.masked_array(values, mask=np.eye(*np.shape(values), dtype=bool))


# values numpy accepts but the math cannot use: (id, value, words of the message)
ODD = [
    ("none", None, ["number", "None"]),
    ("text", "1, 2", ["number", "text", "dtype=float"]),
    ("bytes", b"12", ["number", "text"]),
    ("complex", np.array([[1 + 2j, 3 + 0j]]), ["complex", "np.real"]),
    ("masked", masked([[1.0, 2.0], [3.0, 4.0]]), ["masked", "filled"]),
    ("datetime", np.array([["2024-01-01", "2024-01-02"]], dtype="datetime64[D]"),
     ["dates", "timedelta64"]),
    ("timedelta", np.array([[1, 2]], dtype="timedelta64[s]"), ["durations", "timedelta64"]),
    ("ragged", [[1.0, 2.0], [3.0]], ["ragged", "same number"]),
    ("strings_in_list", [[1.0, "2"]], ["text", "dtype=float"]),
    ("none_in_list", [[1.0, None]], ["NoneType", "missing"]),
    ("date_objects", [[datetime.date(2024, 1, 1), 2.0]], ["date", "numbers"]),
]
ODD_ERRORS = {"ragged": ValueError}

# (function name, function taking the odd value, the argument's name in the message)
TAKERS = [
    ("sigmoid", sigmoid, "z"),
    ("tanh_prime", tanh_prime, "z"),
    ("relu", relu, "z"),
    ("softmax", softmax, "z"),
    ("sigmoid_prime_from_a", sigmoid_prime_from_a, "a"),
    ("mse_A", lambda v: mse(v, [[0.0, 0.0]]), "A"),
    ("mse_y", lambda v: mse([[0.0, 0.0]], v), "y"),
    ("forward_X", lambda v: net().forward(v), "X"),
    ("fit_y", lambda v: net(sizes=[2, 2]).fit([[1.0, 2.0]], v, lr=0.1, epochs=1), "y"),
    ("accuracy_y", lambda v: clf().accuracy([[1.0, 2.0]], v), "y"),
    ("relative_error", lambda v: relative_error(v, np.zeros((1, 2))), "analytic"),
    ("scale_inputs", EXAM.scale_inputs, "X_new"),
    ("one_hot", one_hot, "y"),
    ("set_weights", lambda v: net(sizes=[2, 2]).set_weights([v]), "W[0]"),
]

BAD = []
for taker, call, arg in TAKERS:
    for odd, value, words in ODD:
        if taker == "one_hot" and odd in ("strings_in_list", "text"):
            words = ["text", "np.unique"]  # labels that are names
        if taker == "relative_error" and odd == "ragged":
            words = ["different sizes", "numeric"]  # a list of two gradients, 3 values
        BAD.append((f"{taker}-{odd}", lambda c=call, v=value: c(v),
                    ODD_ERRORS.get(odd, TypeError), [arg] + words))

BAD += [
    # --- finiteness, float32 overflow ------------------------------------------------------
    ("forward-nan", lambda: net().forward([[1.0, np.nan]]), ValueError, ["X", "NaN", "drop"]),
    ("forward-inf", lambda: net().forward([[np.inf, 1.0]]), ValueError, ["X", "infinite"]),
    ("float32-overflow-X", lambda: net(dtype=np.float32).forward([[1e39, 0.0]]), ValueError,
     ["X", "float32", "dtype=np.float64"]),
    ("float32-overflow-y", lambda: net(dtype=np.float32, output="identity").fit(
        [[1.0, 2.0]], [[1e39]], lr=0.1, epochs=1), ValueError, ["y", "float32", "scale"]),
    ("float32-overflow-W", lambda: net(sizes=[2, 1], dtype=np.float32).set_weights(
        [np.full((2, 1), 1e40)]), ValueError, ["W[0]", "float32"]),
    ("softmax-inf", lambda: softmax([[np.inf, 0.0]]), ValueError, ["z", "infinite", "overflow"]),
    ("softmax-nan", lambda: softmax([[np.nan, 0.0]]), ValueError, ["z", "NaN"]),
    ("sigmoid-nan", lambda: sigmoid(np.nan), ValueError, ["z", "NaN", "learning rate"]),
    ("mse-overflow", lambda: mse([[1e200]], [[0.0]]), ValueError, ["squared error", "scale"]),
    ("mse_grad-overflow", lambda: mse_grad([[1.7e308]], [[-1.7e308]]), ValueError,
     ["overflows", "scale"]),
    ("relative_error-nan", lambda: relative_error([np.nan], [1.0]), ValueError,
     ["analytic", "NaN"]),
    ("relative_error-inf-numeric", lambda: relative_error([1.0], [np.inf]), ValueError,
     ["numeric", "infinite"]),
    ("step-nan-grad", lambda: _step(lambda dW, db: ([np.full_like(dW[0], np.nan), dW[1]], db)),
     ValueError, ["dW[0]", "smaller learning rate"]),
    # --- activations -----------------------------------------------------------------------
    ("sigmoid_prime_from_a-z", lambda: sigmoid_prime_from_a(np.array([3.0])), ValueError,
     ["a", "did you pass z", "sigmoid_prime takes z"]),
    ("sigmoid_prime_from_a-negative", lambda: sigmoid_prime_from_a([[-0.5, 0.5]]), ValueError,
     ["a", "between 0 and 1"]),
    ("softmax-1d", lambda: softmax([1.0, 2.0]), ValueError, ["z", "reshape(1, -1)"]),
    ("softmax-3d", lambda: softmax(np.zeros((2, 2, 2))), ValueError, ["z", "n_samples"]),
    ("softmax_jacobian-2d", lambda: softmax_jacobian(np.zeros((2, 3))), ValueError,
     ["z", "one sample", "z[0]"]),
    ("softmax_jacobian-none", lambda: softmax_jacobian(None), TypeError, ["z", "number"]),
    ("softmax_backward-shapes", lambda: softmax_backward(P5, np.zeros((5, 2))), ValueError,
     ["grad_a", "shape"]),
    ("softmax_backward-z", lambda: softmax_backward([[2.0, -1.0]], [[1.0, 0.0]]), ValueError,
     ["a", "did you pass z"]),
    ("softmax_backward-1d", lambda: softmax_backward([0.5, 0.5], [1.0, 0.0]), ValueError,
     ["a", "reshape(1, -1)"]),
    ("bipolar_sigmoid-text", lambda: bipolar_sigmoid("0.5"), TypeError, ["z", "number"]),
    ("bipolar_sigmoid_prime-inf", lambda: bipolar_sigmoid_prime([np.inf]), ValueError,
     ["z", "infinite"]),
    ("identity-complex", lambda: identity(1j), TypeError, ["z", "complex"]),
    ("identity_prime-none", lambda: identity_prime(None), TypeError, ["z", "number"]),
    ("relu_prime-ragged", lambda: relu_prime([[1], [1, 2]]), ValueError, ["z", "ragged"]),
    ("tanh-masked", lambda: tanh(masked([[1.0, 2.0]])), TypeError, ["z", "masked"]),
    ("sigmoid_prime-dates", lambda: sigmoid_prime(np.array(["2024-01-01"], dtype="M8[D]")),
     TypeError, ["z", "dates"]),
    ("get_activation-typo", lambda: get_activation("sigmod"), ValueError,
     ["sigmod", "choose one of", "sigmoid"]),
    ("get_activation-function", lambda: get_activation(np.tanh), TypeError, ["by its name"]),
    # --- losses ----------------------------------------------------------------------------
    ("cross_entropy-logits", lambda: cross_entropy([[2.0, -1.0]], [[1, 0]]), ValueError,
     ["A", "did you pass the weighted inputs z", "softmax(z)"]),
    ("cross_entropy-rows", lambda: cross_entropy([[0.5, 0.1]], [[1, 0]]), ValueError,
     ["A", "sum to 1"]),
    ("cross_entropy-labels", lambda: cross_entropy(P5, [0, 1, 2, 0, 1]), ValueError,
     ["y", "one_hot(y, 3)"]),
    ("cross_entropy_grad-targets", lambda: cross_entropy_grad(P5, 2 * Y5), ValueError,
     ["y", "probability distribution", "one_hot(y, 3)"]),
    ("binary_cross_entropy-pm1", lambda: binary_cross_entropy(A5, 2 * Y01 - 1), ValueError,
     ["targets between 0 and 1", "(y + 1) / 2"]),
    ("binary_cross_entropy_grad-logits", lambda: binary_cross_entropy_grad([[3.0]], [[1.0]]),
     ValueError, ["A", "sigmoid(z)"]),
    ("mse-1d-y", lambda: mse(A5, np.zeros(5)), ValueError, ["y", "reshape(-1, 1)"]),
    ("mse-rows", lambda: mse(A5, np.zeros((4, 1))), ValueError, ["y", "one target row"]),
    ("mse-columns", lambda: mse(A5, np.zeros((5, 2))), ValueError, ["y", "one target column"]),
    ("mse_grad-1d-A", lambda: mse_grad(np.zeros(3), np.zeros((3, 1))), ValueError,
     ["A", "2-D", "reshape"]),
    ("mse-empty", lambda: mse(np.zeros((0, 1)), np.zeros((0, 1))), ValueError,
     ["A", "no rows", "at least one sample"]),
    ("get_loss-typo", lambda: get_loss("cross-entropy"), ValueError,
     ["cross-entropy", "choose one of", "cross_entropy"]),
    ("get_loss-function", lambda: get_loss(mse), TypeError, ["by its name", "mse"]),
    ("check_targets-sigmoid-range", lambda: check_targets([[86.0], [92.0]], 1, "mse",
                                                          output="sigmoid"), ValueError,
     ["y", "86", "sigmoid", "y / 100"]),
    # --- targets the output activation cannot produce --------------------------------------
    ("fit-unscaled-exam", lambda: net().fit(EXAM.X_scaled, EXAM.y, lr=0.5, epochs=200),
     ValueError, ["y", "between 0 and 1", "y / 100"]),
    ("backward-unscaled-exam", lambda: net().backward(EXAM.X_scaled, EXAM.y), ValueError,
     ["y", "y / 100"]),
    ("loss-unscaled-exam", lambda: net().loss(EXAM.X_scaled, EXAM.y), ValueError,
     ["y", "y / 100"]),
    ("train_step-unscaled", lambda: net().train_step(EXAM.X_scaled, EXAM.y, lr=0.1),
     ValueError, ["y", "y / 100"]),
    ("fit-sigmoid-pm1", lambda: net().fit(X5, 2 * Y01 - 1, lr=0.1, epochs=1), ValueError,
     ["y", "sigmoid", "(y + 1) / 2"]),
    ("fit-tanh-scores", lambda: net(output="tanh").fit(EXAM.X_scaled, EXAM.y, lr=0.1, epochs=1),
     ValueError, ["y", "tanh", "-1 and 1", "y / 100"]),
    ("fit-bipolar-2", lambda: net(output="bipolar_sigmoid").fit(X5, 2 * Y01, lr=0.1, epochs=1),
     ValueError, ["y", "bipolar_sigmoid", "y / 10"]),
    ("fit-relu-negative", lambda: net(output="relu").fit(X5, Y01 - 0.5, lr=0.1, epochs=1),
     ValueError, ["y", "relu", "y.min()"]),
    ("fit-softmax-mse-rows", lambda: Network([2, 3, 3], output="softmax").fit(
        X5, 2 * Y5, lr=0.1, epochs=1), ValueError, ["y", "softmax", "one_hot(y, 3)"]),
    ("fit-validation-unscaled", lambda: net().fit(
        EXAM.X_scaled, EXAM.y_scaled, lr=0.1, epochs=1, validation_data=(EXAM.X_scaled, EXAM.y)),
     ValueError, ["y_val", "y_val / 100"]),
    # --- the network's constructor ---------------------------------------------------------
    ("init_scale-nan", lambda: net(init="normal", init_scale=float("nan")), ValueError,
     ["init_scale", "finite number greater than 0"]),
    ("init_scale-negative", lambda: net(init="uniform", init_scale=-0.5), ValueError,
     ["init_scale", "greater than 0"]),
    ("init_scale-text", lambda: net(init="normal", init_scale="0.1"), TypeError,
     ["init_scale", "number"]),
    ("init_scale-unused", lambda: net(init="he", init_scale=0.1), ValueError,
     ["init_scale", "init='normal'", "drop init_scale"]),
    ("init-unknown", lambda: net(init="glorot"), ValueError, ["init", "xavier"]),
    ("dtype-banana", lambda: net(dtype="banana"), TypeError,
     ["dtype", "np.float32 or np.float64"]),
    ("dtype-int", lambda: net(dtype=np.int32), TypeError, ["dtype", "np.float64"]),
    ("seed-text", lambda: net(seed="abc"), TypeError, ["seed", "whole number", "None"]),
    ("seed-float", lambda: net(seed=1.5), TypeError, ["seed", "whole number"]),
    ("seed-negative", lambda: net(seed=-1), ValueError, ["seed", "0 or more"]),
    ("bias-text", lambda: net(bias="no"), TypeError, ["bias", "True or False"]),
    ("sizes-short", lambda: Network([2]), ValueError, ["sizes", "[2, 3, 1]"]),
    ("sizes-zero", lambda: Network([2, 0, 1]), ValueError, ["layer size", "at least 1"]),
    ("sizes-float", lambda: Network([2, 2.5, 1]), TypeError, ["layer size", "whole number"]),
    ("hidden-softmax", lambda: Network([2, 3, 2], hidden="softmax", output="softmax"),
     ValueError, ["softmax", "output layer", "relu"]),
    ("cross_entropy-needs-softmax", lambda: net(loss="cross_entropy"), ValueError,
     ["cross_entropy", "output='softmax'"]),
    ("bce-needs-sigmoid", lambda: net(output="tanh", loss="binary_cross_entropy"), ValueError,
     ["binary_cross_entropy", "output='sigmoid'"]),
    ("softmax-one-unit", lambda: net(output="softmax"), ValueError,
     ["softmax", "output='sigmoid'"]),
    # --- fit's options ---------------------------------------------------------------------
    ("blas_threads-text", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, blas_threads="x"),
     TypeError, ["blas_threads", "whole number", "None"]),
    ("blas_threads-zero", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, blas_threads=0),
     ValueError, ["blas_threads", "at least 1"]),
    ("shuffle-text", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, shuffle="no"), TypeError,
     ["shuffle", "True or False"]),
    ("progress-int", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, progress=2), TypeError,
     ["progress", "True or False"]),
    ("lr-zero", lambda: clf().fit(X5, Y5, lr=0, epochs=1), ValueError,
     ["learning rate lr", "greater than 0"]),
    ("lr-nan", lambda: clf().fit(X5, Y5, lr=float("nan"), epochs=1), ValueError,
     ["learning rate lr", "finite"]),
    ("lr-text", lambda: clf().fit(X5, Y5, lr="0.1", epochs=1), TypeError,
     ["learning rate lr", "number"]),
    ("epochs-float", lambda: clf().fit(X5, Y5, lr=0.1, epochs=2.5), TypeError,
     ["epochs", "whole number"]),
    ("epochs-zero", lambda: clf().fit(X5, Y5, lr=0.1, epochs=0), ValueError,
     ["epochs", "at least 1"]),
    ("batch_size-zero", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, batch_size=0), ValueError,
     ["batch_size", "at least 1"]),
    ("batch_size-float", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, batch_size=2.0), TypeError,
     ["batch_size", "whole number"]),
    ("divergence_factor-one", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1, divergence_factor=1),
     ValueError, ["divergence_factor", "greater than 1"]),
    ("validation_data-triple", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1,
                                                 validation_data=(X5, Y5, Y5)),
     ValueError, ["validation_data", "(X_val, y_val)"]),
    ("validation_data-rows", lambda: clf().fit(X5, Y5, lr=0.1, epochs=1,
                                               validation_data=(X5[:4], Y5)),
     ValueError, ["X_val", "y_val", "same samples"]),
    ("fit-labels", lambda: clf().fit(X5, [0, 1, 2, 0, 1], lr=0.1, epochs=1), ValueError,
     ["y", "one_hot(y, 3)"]),
    ("fit-features", lambda: clf().fit(np.zeros((5, 3)), Y5, lr=0.1, epochs=1), ValueError,
     ["X", "(n_samples, 2)"]),
    ("fit-rows", lambda: clf().fit(X5, Y5[:4], lr=0.1, epochs=1), ValueError,
     ["X", "y", "same samples"]),
    ("fit-1d-X", lambda: net().fit(np.array([1.0, 2.0]), [[1.0]], lr=0.1, epochs=1),
     ValueError, ["X", "reshape(1, -1)"]),
    # --- the network's other methods -------------------------------------------------------
    ("classify-features", lambda: clf().classify(np.zeros((2, 5))), ValueError,
     ["X", "input layer has 2 units"]),
    ("predict-empty", lambda: clf().predict(np.zeros((0, 2))), ValueError, ["X", "no rows"]),
    ("accuracy-scalar", lambda: clf().accuracy(X5, 1), ValueError, ["y", "one label"]),
    ("accuracy-negative-label", lambda: clf().accuracy(X5, [0, 1, 2, 0, -1]), ValueError,
     ["labels", "0 or more"]),
    ("accuracy-label-too-big", lambda: clf().accuracy(X5, [0, 1, 2, 0, 3]), ValueError,
     ["label 3", "3 classes"]),
    ("accuracy-regression", lambda: net(output="identity").accuracy(X5, Y01 * 0.3), ValueError,
     ["accuracy", "class targets", "0/1"]),
    ("accuracy-columns", lambda: clf().accuracy(X5, one_hot([0, 1, 1, 0, 1], 2)), ValueError,
     ["y", "2 columns", "3 outputs"]),
    ("step-transposed", lambda: _step(lambda dW, db: ([dW[0].T, dW[1]], db)), ValueError,
     ["dW[0]", "transposed"]),
    ("step-pair-as-dW", lambda: _step(lambda dW, db: ((dW, db), db)), ValueError,
     ["dW[0]", "pass dW and db separately"]),
    ("step-scalar-db", lambda: _step(lambda dW, db: (dW, [db[0], 0.5])), ValueError,
     ["db[1]", "shape ()"]),
    ("step-lr", lambda: _step(lambda dW, db: (dW, db), lr=-1.0), ValueError,
     ["learning rate lr", "greater than 0"]),
    ("set_weights-array", lambda: net(sizes=[2, 1]).set_weights(np.zeros((2, 1))), TypeError,
     ["W", "list", "[W1, W2]"]),
    ("set_weights-count", lambda: net().set_weights([np.zeros((2, 3))]), ValueError,
     ["2 weight matrices", "got 1"]),
    ("set_weights-shape", lambda: net().set_weights([np.zeros((3, 2)), np.zeros((3, 1))]),
     ValueError, ["W[0]", "shape (2, 3)", "rows = from"]),
    ("set_weights-nan", lambda: net(sizes=[2, 1]).set_weights([[[np.nan], [1.0]]]), ValueError,
     ["W[0]", "finite weights"]),
    ("set_weights-bias-shape", lambda: net().set_weights(net().W, [np.zeros(3), np.zeros(2)]),
     ValueError, ["b[1]", "shape (1,)"]),
    ("set_weights-bias-free", lambda: net(bias=False).set_weights(net().W, net().b), ValueError,
     ["bias=False", "without b"]),
    # --- numerical gradients ---------------------------------------------------------------
    ("gradient_check-too-large", lambda: gradient_check(
        Network([784, 30, 10], hidden="relu", output="softmax", loss="cross_entropy"),
        np.zeros((1000, 784)), one_hot(np.arange(1000) % 10, 10)), ValueError,
     ["forward passes", "47,720", "X[:5]", "smaller network"]),
    ("network_numerical_gradients-too-large", lambda: network_numerical_gradients(
        Network([200, 100, 10]), np.zeros((500, 200)), np.zeros((500, 10))), ValueError,
     ["forward passes", "500 samples of X", "X[:5]"]),
    ("network_numerical_gradients-float32", lambda: network_numerical_gradients(
        net(dtype=np.float32), X5, Y01), ValueError, ["float64", "dtype=np.float64"]),
    ("gradient_check-float32", lambda: gradient_check(net(dtype=np.float32), X5, Y01),
     ValueError, ["float64", "dtype=np.float64"]),
    ("gradient_check-not-a-network", lambda: gradient_check("net", X5, Y01), TypeError,
     ["net", "Network"]),
    ("gradient_check-h-too-small", lambda: gradient_check(net(), X5, Y01, h=1e-20), ValueError,
     ["step h", "too small", "larger h"]),
    ("gradient_check-h-zero", lambda: gradient_check(net(), X5, Y01, h=0), ValueError,
     ["step h", "greater than 0"]),
    ("gradient_check-targets", lambda: gradient_check(net(), X5, Y01 * 50), ValueError,
     ["y", "y / 100"]),
    ("numerical_gradient-h-too-small", lambda: numerical_gradient(
        lambda: 0.0, np.array([1.0, 1e8]), h=1e-9), ValueError,
     ["h = 1e-09", "x[1]", "larger h"]),
    ("numerical_gradient-ints", lambda: numerical_gradient(lambda: 0.0, np.array([1, 2])),
     TypeError, ["x", "floating numpy array"]),
    ("numerical_gradient-not-callable", lambda: numerical_gradient(0.0, np.ones(2)), TypeError,
     ["f", "lambda"]),
    ("numerical_gradient-returns-array", lambda: numerical_gradient(
        lambda: np.ones(2), np.ones(2)), TypeError, ["f", "one number"]),
    ("numerical_gradient-returns-nan", lambda: numerical_gradient(
        lambda: float("nan"), np.ones(2)), ValueError, ["f", "finite"]),
    ("relative_error-sizes", lambda: relative_error(np.ones(3), np.ones(4)), ValueError,
     ["different sizes"]),
    ("relative_error-transposed", lambda: relative_error(np.ones((2, 3)), np.ones((3, 2))),
     ValueError, ["transposed"]),
    # --- datasets --------------------------------------------------------------------------
    ("one_hot-wraps-uint64", lambda: one_hot(np.array([2**64 - 1, 0], dtype=np.uint64), 3),
     ValueError, ["label 18446744073709551615", "3 classes", "n_classes"]),
    ("one_hot-huge-float", lambda: one_hot(np.array([1e20, 0.0])), ValueError,
     ["one_hot", "are these class labels", "n_classes"]),
    ("one_hot-huge-float-k", lambda: one_hot([1e20, 0.0], 10), ValueError,
     ["label 1e+20", "10 classes"]),
    ("one_hot-fraction", lambda: one_hot([0.5, 1.0]), ValueError, ["whole-number", "labels y"]),
    ("one_hot-negative", lambda: one_hot([0, -1]), ValueError, ["labels", "0 or more"]),
    ("one_hot-2d", lambda: one_hot([[0, 1], [1, 0]]), ValueError,
     ["one_hot", "one-hot encoded already"]),
    ("one_hot-names", lambda: one_hot(["cat", "dog"]), TypeError,
     ["y", "np.unique(y, return_inverse=True)"]),
    ("one_hot-empty", lambda: one_hot([]), ValueError, ["n_classes", "one_hot(y, 10)"]),
    ("one_hot-n_classes-float", lambda: one_hot([0, 1], 2.0), TypeError,
     ["n_classes", "whole number"]),
    ("one_hot-n_classes-too-many", lambda: one_hot(np.zeros(1000), 10**6), ValueError,
     ["one_hot", "n_classes", "number of classes"]),
    ("scale_inputs-1d", lambda: EXAM.scale_inputs(np.array([4, 8])), ValueError,
     ["X_new", "reshape(1, -1)"]),
    ("scale_inputs-columns", lambda: EXAM.scale_inputs([[4, 8, 1]]), ValueError,
     ["X_new", "2 were expected"]),
    # --- checks ----------------------------------------------------------------------------
    ("as_matrix-1d", lambda: as_matrix([1.0, 2.0], "X"), ValueError,
     ["X", "reshape(-1, 1)", "reshape(1, -1)"]),
    ("as_floats-object", lambda: as_floats(np.array([object()]), "x"), TypeError,
     ["x", "object", "numbers"]),
    ("as_array-void", lambda: as_array(np.zeros(2, dtype="V4"), "x"), TypeError,
     ["x", "numbers"]),
    ("positive_int-bool", lambda: positive_int(True, "epochs"), TypeError,
     ["epochs", "whole number"]),
    ("flag-text", lambda: flag("yes", "shuffle"), TypeError, ["shuffle", "True or False"]),
    ("same_rows", lambda: same_rows(np.zeros((2, 1)), np.zeros((3, 1)), "X", "y"), ValueError,
     ["X", "y", "one per row"]),
]


def _step(change, lr: float = 0.1):
    """net.step on a classifier's own gradients, changed by change(dW, db) -> (dW, db)."""
    network = clf()
    dW, db = network.backward(X5, Y5)
    network.step(*change(dW, db), lr)


def test_the_table_is_large_and_its_ids_distinct():
    ids = [row[0] for row in BAD]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert len(ids) >= 250


@pytest.mark.parametrize("call, error, words", [row[1:] for row in BAD],
                         ids=[row[0] for row in BAD])
def test_bad_input_gets_an_error_that_names_the_argument_and_the_fix(call, error, words):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning, RuntimeWarning, ... on the way
        with pytest.raises(error) as caught:
            call()
    message = str(caught.value).lower()
    missing = [w for w in words if w.lower() not in message]
    assert not missing, f"{missing} not in: {caught.value}"


# --- extreme but legal input: the documented result, without any warning ------------------

def _quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


def test_activations_of_huge_finite_z():
    z = np.array([-1.7e308, -1e4, 0.0, 1e4, 1.7e308])
    np.testing.assert_array_equal(_quietly(lambda: sigmoid(z)), [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(_quietly(lambda: sigmoid_prime(z)), [0.0, 0.0, 0.25, 0.0, 0.0])
    np.testing.assert_array_equal(_quietly(lambda: tanh(z)), [-1.0, -1.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(_quietly(lambda: bipolar_sigmoid(z)), [-1, -1, 0, 1, 1])
    np.testing.assert_array_equal(_quietly(lambda: relu(z)), [0.0, 0.0, 0.0, 1e4, 1.7e308])
    assert _quietly(lambda: sigmoid(3)) == sigmoid(3.0)  # Python numbers and 0-d results


def test_softmax_of_huge_finite_logits():
    p = _quietly(lambda: softmax([[1.7e308, -1.7e308], [1e308, 1e308], [0.0, -1e4]]))
    np.testing.assert_array_equal(p, [[1.0, 0.0], [0.5, 0.5], [1.0, 0.0]])


def test_sigmoid_prime_from_a_at_its_ends():
    np.testing.assert_array_equal(sigmoid_prime_from_a([0.0, 0.5, 1.0]), [0.0, 0.25, 0.0])


def test_mse_of_large_but_squarable_errors():
    assert _quietly(lambda: mse([[1e150]], [[0.0]])) == pytest.approx(0.5e300)
    np.testing.assert_array_equal(mse_grad([[1e200]], [[0.0]]), [[1e200]])


def test_clipped_cross_entropies_cost_at_most_27_6_and_their_gradient_is_the_clipped_one():
    ln_eps = -np.log(1e-12)  # 27.63
    assert _quietly(lambda: cross_entropy([[0.0, 1.0]], [[1, 0]])) == pytest.approx(ln_eps)
    np.testing.assert_array_equal(cross_entropy_grad([[0.0, 1.0]], [[1, 0]]), [[0.0, 0.0]])
    assert _quietly(lambda: binary_cross_entropy([[0.0]], [[1.0]])) == pytest.approx(ln_eps)
    np.testing.assert_array_equal(binary_cross_entropy_grad([[0.0], [1.0]], [[1.0], [0.0]]),
                                  [[0.0], [0.0]])
    # where nothing is clipped the gradient is the formula's, and agrees with differences
    P = np.array([[1e-6, 1 - 1e-6]])
    np.testing.assert_allclose(cross_entropy_grad(P, [[1, 0]]), [[-1e6, 0.0]])
    A = np.array([[1e-9, 0.3]])
    numeric = numerical_gradient(lambda: binary_cross_entropy(A, [[1.0, 0.0]]), A, h=1e-14)
    assert relative_error(binary_cross_entropy_grad(A, [[1.0, 0.0]]), numeric) < 1e-6


def test_gradient_check_of_a_saturated_softmax_network_says_right():
    # Logits of hundreds: P underflows to 0 for some true classes. The network's loss is
    # computed from z (no clip), so backprop and central differences agree.
    network = Network([2, 4, 3], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    network.set_weights([W * 60 for W in network.W])
    X = np.random.default_rng(1).normal(size=(6, 2)) * 3
    Y = one_hot([0, 1, 2, 2, 1, 0], 3)
    P = network.forward(X)
    assert P[Y == 1].min() < 1e-12  # really saturated: the old clip would have bitten
    errors = _quietly(lambda: gradient_check(network, X, Y))
    assert errors["all"] < 1e-7, errors


def test_gradient_check_of_a_saturated_sigmoid_bce_network_says_right():
    network = Network([2, 3, 1], output="sigmoid", loss="binary_cross_entropy", seed=0)
    network.set_weights([W * 80 for W in network.W])
    X = np.random.default_rng(2).normal(size=(5, 2))
    errors = _quietly(lambda: gradient_check(network, X, 1 - (network.forward(X) > 0.5)))
    assert network.loss(X, 1 - (network.forward(X) > 0.5)) > 27.7  # beyond the old clip
    assert errors["all"] < 1e-7, errors


def test_relative_error_of_huge_and_tiny_gradients():
    assert _quietly(lambda: relative_error([1e300, 1e300], [1e300, 1e300])) == 0.0
    assert relative_error([1e300, 0.0], [0.0, 1e300]) == pytest.approx(np.sqrt(2) / 2)
    assert relative_error([1e-320], [1e-320]) == 0.0


def test_one_hot_of_unusual_but_valid_labels():
    np.testing.assert_array_equal(one_hot(np.array([2, 0], dtype=np.uint64)), np.eye(3)[[2, 0]])
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0], dtype=np.float32), 2),
                                  [[0, 1], [1, 0]])
    np.testing.assert_array_equal(one_hot([True, False]), [[0, 1], [1, 0]])


def test_data_at_the_edge_of_float32_is_accepted():
    network = net(sizes=[2, 1], output="identity", dtype=np.float32)
    network.set_weights([np.zeros((2, 1))])
    out = _quietly(lambda: network.forward([[3.4e38, -3.4e38]]))
    assert out.dtype == np.float32 and out[0, 0] == 0.0


def test_accuracy_and_classify_agree_for_tanh_outputs_and_0_1_labels():
    # Decided: accuracy(X, y) is the fraction where classify(X) equals the class of y, with
    # -1 and 0 both class 0. classify's threshold is halfway between the targets fit was
    # given (here 0/1, so 0.5); before any fit, 0 for a tanh output.
    X = np.array([[-2.0], [-0.2], [0.2], [0.8], [2.0]])
    labels = np.array([0, 0, 1, 1, 1])
    network = Network([1, 1], output="tanh", loss="mse")
    network.set_weights([[[1.0]]])
    assert network.threshold == 0.0
    np.testing.assert_array_equal(network.classify(X), [0, 0, 1, 1, 1])
    assert network.accuracy(X, labels) == network.accuracy(X, 2 * labels - 1) == 1.0
    history = network.fit(X, labels.reshape(-1, 1), lr=1e-12, epochs=1)  # 0/1 targets
    assert network.threshold == 0.5
    classes = network.classify(X)
    np.testing.assert_array_equal(classes, [0, 0, 0, 1, 1])  # tanh(0.2) < 0.5
    assert network.accuracy(X, labels) == np.mean(classes == labels) == 0.8
    assert history.accuracy[0] == pytest.approx(network.accuracy(X, labels))


# --- divergence: fired for the bounded-loss cases, never for the notebooks' healthy runs ---

IRIS_X, IRIS_LABELS, _, _ = load_iris_data()
IRIS_STD = (IRIS_X - IRIS_X.mean(axis=0)) / IRIS_X.std(axis=0)
IRIS_Y = one_hot(IRIS_LABELS, 3)


def _fit(network, X, Y, **kw):
    """fit, returning (history, messages of the warnings it gave, all divergence warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = network.fit(X, Y, **kw)
    assert all(w.category is TrainingDivergedWarning for w in caught), caught
    return history, [str(w.message) for w in caught]


@pytest.mark.parametrize("hidden, output, loss", [
    ("sigmoid", "sigmoid", "binary_cross_entropy"),
    ("sigmoid", "sigmoid", "mse"),
    ("tanh", "softmax", "cross_entropy"),
    ("sigmoid", "softmax", "mse"),
    ("relu", "softmax", "binary_cross_entropy"),
])
@pytest.mark.parametrize("batch_size", [None, 10])
@pytest.mark.parametrize("standardise", [True, False])
def test_iris_with_lr_1e6_diverges_whatever_the_loss(hidden, output, loss, batch_size,
                                                     standardise):
    network = Network([4, 8, 3], hidden=hidden, output=output, loss=loss, seed=0)
    X = IRIS_STD if standardise else IRIS_X
    history, messages = _fit(network, X, IRIS_Y, lr=1e6, epochs=100, batch_size=batch_size)
    assert history.diverged and history.diverged_at <= 3, messages
    assert len(messages) == 1 and "Training diverged" in messages[0]
    assert "learning rate 1e+06 is probably too large" in messages[0]
    assert history.diverged_reason in messages[0]
    assert all(np.all(np.isfinite(p)) for p in network.parameters())


def test_a_bounded_loss_names_the_weights_and_saturation():
    network = Network([4, 8, 3], hidden="sigmoid", output="sigmoid", loss="mse", seed=0)
    history, messages = _fit(network, IRIS_STD, IRIS_Y, lr=1e6, epochs=100)
    assert history.diverged_at == 2
    assert "weights grew to" in messages[0] and "saturate" in messages[0]


def test_inputs_that_overflow_before_any_step_are_not_blamed_on_the_learning_rate():
    network = Network([2, 3, 1], hidden="identity", output="identity", loss="mse", seed=0)
    history, messages = _fit(network, np.full((3, 2), 1e200), EXAM.y, lr=1e-3, epochs=5)
    assert history.diverged_at == 1 and history.diverged_step == 1
    assert len(messages) == 1
    assert "before the first step" in messages[0] and "not to blame" in messages[0]
    assert "standardise X" in messages[0] and "too large, try a smaller" not in messages[0]


def _exam_net(**kw):
    return Network([2, 3, 1], hidden="sigmoid", output="sigmoid", loss="mse", seed=0, **kw)


def _mnist_like(n: int = 2000, seed: int = 0):
    """Synthetic 'digits': 10 random stroke templates in [0, 1], with noise, float32."""
    rng = np.random.default_rng(seed)
    templates = (rng.random((10, 784)) < 0.15).astype(np.float32)
    labels = rng.integers(0, 10, n)
    X = np.clip(templates[labels] * rng.uniform(0.6, 1.0, (n, 1))
                + 0.2 * rng.random((n, 784)), 0, 1).astype(np.float32)
    return X, one_hot(labels, 10).astype(np.float32)


HEALTHY = {
    # notebook 02 and 03: the exam network at the rates they use and the slider's sane range
    **{f"exam-lr{lr:g}": (_exam_net, EXAM.X_scaled, EXAM.y_scaled,
                          {"lr": lr, "epochs": 1000, "shuffle": False})
       for lr in [0.01, 0.1, 0.5, 1.0, 3.0, 10.0]},
    "exam-online": (_exam_net, EXAM.X_scaled, EXAM.y_scaled,
                    {"lr": 1.0, "epochs": 300, "batch_size": 1}),
    # notebook 03: the bipolar 3-2-1 network on 8 patterns, in its three regimes
    **{f"bipolar-batch{bs}": (
        lambda: Network([3, 2, 1], hidden="bipolar_sigmoid", output="bipolar_sigmoid",
                        loss="mse", seed=0),
        np.array([[a, b, c] for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)], float),
        np.array([[1.0], [-1], [-1], [1], [-1], [1], [1], [-1]]),
        {"lr": 0.01, "epochs": 1250, "batch_size": bs}) for bs in [1, 4, None]},
    # notebook 04: the tutorial's recipe and its variants, the petal nets, the recipes
    "iris-tutorial": (lambda: Network([4, 2, 3], output="sigmoid", bias=False, seed=0),
                      IRIS_X, IRIS_Y, {"lr": 0.1, "epochs": 5000, "shuffle": False}),
    "iris-tutorial-fast": (lambda: Network([4, 2, 3], output="sigmoid", bias=False, seed=0),
                           IRIS_X, IRIS_Y, {"lr": 1.0, "epochs": 500, "shuffle": False}),
    **{f"iris-recipe-{out}-{n}": (
        lambda out=out, n=n: Network([4, n, 3], output=out, seed=0,
                                     loss="cross_entropy" if out == "softmax" else "mse"),
        IRIS_STD, IRIS_Y, {"lr": 1.0, "epochs": 500, "shuffle": False})
       for out in ["sigmoid", "softmax"] for n in [2, 8]},
    **{f"iris-petal-relu-lr{lr:g}": (
        lambda: Network([2, 8, 3], hidden="relu", output="softmax", loss="cross_entropy",
                        seed=0),
        IRIS_STD[:, 2:], IRIS_Y, {"lr": lr, "epochs": 300, "shuffle": False})
       for lr in [0.001, 0.01, 0.1, 1.0]},
    # notebook 05: 784-30-10 recipes on synthetic digits, mini-batches of 100, float32
    **{f"mnist-like-{hidden}-{out}-lr{lr:g}": (
        lambda hidden=hidden, out=out: Network(
            [784, 30, 10], hidden=hidden, output=out, seed=0, dtype=np.float32,
            loss="cross_entropy" if out == "softmax" else "mse"),
        *_mnist_like(), {"lr": lr, "epochs": 3, "batch_size": 100})
       for hidden, out, lr in [("relu", "softmax", 0.1), ("relu", "softmax", 0.5),
                               ("sigmoid", "softmax", 0.1), ("sigmoid", "sigmoid", 3.0),
                               ("sigmoid", "sigmoid", 0.1)]},
}


@pytest.mark.parametrize("name", list(HEALTHY))
def test_healthy_training_of_the_notebooks_never_warns(name):
    make, X, Y, options = HEALTHY[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a TrainingDivergedWarning would fail the test
        history = make().fit(X, Y, **options)
    assert not history.diverged and len(history.loss) == options["epochs"]
    assert history.loss[-1] < history.loss[0]
