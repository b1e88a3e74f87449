"""The small data sets of the series and one-hot encoding (MNIST: test_mnist.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from backprop_lib import ExamData, load_exam, load_iris_data, one_hot

# --- exam scores ----------------------------------------------------------------------------


def test_load_exam_values():
    exam = load_exam()
    assert isinstance(exam, ExamData)
    np.testing.assert_array_equal(exam.X, [[2, 9], [1, 5], [3, 6]])
    np.testing.assert_array_equal(exam.y, [[92], [86], [89]])
    assert exam.X.shape == (3, 2) and exam.y.shape == (3, 1)
    assert exam.X.dtype == exam.y.dtype == np.float64
    np.testing.assert_array_equal(exam.x_max, [3, 9])
    assert exam.y_max == 100.0


def test_exam_scaling_uses_the_training_maxima():
    exam = load_exam()
    np.testing.assert_allclose(exam.X_scaled, [[2 / 3, 1.0], [1 / 3, 5 / 9], [1.0, 6 / 9]])
    np.testing.assert_allclose(exam.y_scaled, [[0.92], [0.86], [0.89]])
    assert exam.X_scaled.max() == 1.0 and exam.X_scaled.min() > 0


def test_scale_inputs_of_a_new_student():
    exam = load_exam()
    np.testing.assert_allclose(exam.scale_inputs([[4, 8]]), [[4 / 3, 8 / 9]])
    # never with the new sample's own maximum: 4 hours of study is more than anyone trained on
    assert exam.scale_inputs([[4, 8]])[0, 0] > 1
    np.testing.assert_allclose(exam.scale_inputs(exam.X), exam.X_scaled)


def test_scale_inputs_errors():
    exam = load_exam()
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        exam.scale_inputs(np.array([4, 8]))
    with pytest.raises(ValueError, match="2 were expected"):
        exam.scale_inputs([[4, 8, 1]])
    with pytest.raises(ValueError, match="NaN or infinite"):
        exam.scale_inputs([[4, np.nan]])


def test_exam_data_is_fresh_and_frozen():
    exam = load_exam()
    exam.X[0, 0] = 100.0  # a learner's mistake must not leak into the next load
    assert load_exam().X[0, 0] == 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        exam.y_max = 1.0


# --- iris -----------------------------------------------------------------------------------

def test_load_iris_data_shapes():
    X, y, feature_names, class_names = load_iris_data()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and np.issubdtype(y.dtype, np.integer)
    np.testing.assert_array_equal(np.bincount(y), [50, 50, 50])
    assert len(feature_names) == 4 and all(isinstance(n, str) for n in feature_names)
    assert class_names == ["setosa", "versicolor", "virginica"]
    assert np.all(np.isfinite(X)) and 0 < X.min() and X.max() < 10  # centimetres
    assert one_hot(y).shape == (150, 3)


# --- one-hot --------------------------------------------------------------------------------

def test_one_hot_values():
    np.testing.assert_array_equal(one_hot([2, 0, 1]), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(one_hot([1], 4), [[0, 1, 0, 0]])
    assert one_hot([0, 1]).dtype == np.float64


@pytest.mark.parametrize("labels", [
    np.array([3, 1, 4, 1, 5, 9, 2, 6]),
    np.array([0, 0, 0]),
    np.array([1.0, 2.0, 0.0]),  # whole numbers stored as floats
    np.array([[2], [0], [1]]),  # a column of labels
    np.array([7, 3, 0], dtype=np.uint8),  # as MNIST stores them
    np.array([True, False, True]),
])
def test_one_hot_round_trip(labels):
    Y = one_hot(labels)
    flat = np.asarray(labels).reshape(-1)
    assert Y.shape == (flat.size, int(flat.max()) + 1)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=1), flat.astype(int))


def test_one_hot_with_more_classes_than_seen():
    Y = one_hot([0, 1], 10)
    assert Y.shape == (2, 10) and Y[:, 2:].sum() == 0


def test_one_hot_of_no_labels_needs_n_classes():
    assert one_hot([], 3).shape == (0, 3)
    with pytest.raises(ValueError, match=r"pass n_classes.*one_hot\(y, 10\)"):
        one_hot([])


@pytest.mark.parametrize("labels, n_classes, error, message", [
    ([0, 3], 3, ValueError, r"label 3 does not fit in 3 classes \(labels 0..2\)"),
    ([0, -1], None, ValueError, "must be 0 or more, found -1"),
    ([0.5, 1], None, ValueError, "whole-number class labels"),
    ([np.nan, 1], None, ValueError, "whole-number class labels"),
    ([np.inf, 1], None, ValueError, "whole-number class labels"),
    ([[0, 1, 0], [1, 0, 0]], None, ValueError, "one-hot encoded already"),
    (["cat", "dog"], None, TypeError, r"np\.unique\(y, return_inverse=True\)"),
    ([0, 1], 0, ValueError, "n_classes must be at least 1"),
    ([0, 1], 2.0, TypeError, "n_classes must be a whole number"),
    ([0, 1], True, TypeError, "n_classes must be a whole number"),
])
def test_one_hot_errors(labels, n_classes, error, message):
    with pytest.raises(error, match=message):
        one_hot(labels, n_classes)
