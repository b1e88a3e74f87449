"""The small data sets of the series, and one-hot encoding. MNIST lives in mnist.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import as_array, as_matrix, positive_int


@dataclass(frozen=True)
class ExamData:
    """Hours studied and hours slept -> test score, raw and scaled.

    Scaling: each input column is divided by its maximum over the TRAINING data
    (x_max), scores by 100 (the maximum possible score). A new student must be
    scaled with the same x_max, never with its own maximum.
    """

    X: np.ndarray  # (3, 2) hours studied, hours slept
    y: np.ndarray  # (3, 1) test scores out of 100
    x_max: np.ndarray  # (2,) training maximum of each input column
    y_max: float  # 100.0

    @property
    def X_scaled(self) -> np.ndarray:
        """Inputs divided by the training maxima: values in (0, 1]."""
        return self.X / self.x_max

    @property
    def y_scaled(self) -> np.ndarray:
        """Scores divided by 100."""
        return self.y / self.y_max

    def scale_inputs(self, X_new) -> np.ndarray:
        """Scale new inputs with the training maxima, e.g. [[4, 8]] -> [[4/3, 8/9]]."""
        return as_matrix(X_new, "X_new", n_cols=2) / self.x_max


def load_exam() -> ExamData:
    """The exam-score data: X = [[2, 9], [1, 5], [3, 6]], y = [92, 86, 89]."""
    X = np.array([[2.0, 9.0], [1.0, 5.0], [3.0, 6.0]])
    y = np.array([[92.0], [86.0], [89.0]])
    return ExamData(X=X, y=y, x_max=X.max(axis=0), y_max=100.0)


def load_iris_data() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Iris via scikit-learn: X (150, 4) in cm, y (150,) labels 0-2, feature and class names."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    return iris.data.astype(np.float64), iris.target.astype(int), list(iris.feature_names), \
        list(iris.target_names)


def one_hot(y, n_classes: int | None = None) -> np.ndarray:
    """Integer labels (n,) -> one-hot rows (n, n_classes).

    one_hot([2, 0], 3) -> [[0, 0, 1], [1, 0, 0]]; without n_classes, max label + 1 columns.
    Labels are checked before any cast to int, so none can wrap round.
    """
    try:
        y = as_array(y, "y")
    except TypeError as err:
        if "text" not in str(err):
            raise
        raise TypeError("one_hot expects whole-number class labels 0, 1, 2, ..., got text in "
                        "y; map names to numbers first, e.g. with np.unique(y, "
                        "return_inverse=True)") from None
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"one_hot expects labels of shape (n_samples,), got {y.shape}; "
                         f"are they one-hot encoded already?")
    if y.dtype.kind == "f" and not (np.all(np.isfinite(y)) and np.all(np.mod(y, 1) == 0)):
        raise ValueError("one_hot expects whole-number class labels 0, 1, 2, ...: round or "
                         "map the labels y first")
    if y.size == 0 and n_classes is None:
        raise ValueError("one_hot got no labels: pass n_classes so it knows how many columns "
                         "to make, e.g. one_hot(y, 10)")
    if y.size and y.min() < 0:
        raise ValueError(f"class labels must be 0 or more, found {y.min()} in y")
    if n_classes is None:
        k = int(min(y.max(), 2**62)) + 1  # min: a huge label is refused below, not wrapped
    else:
        k = positive_int(n_classes, "n_classes")
    if y.size * k > 10**8:
        raise ValueError(f"one_hot would make a ({y.size}, {k}) array of {8 * y.size * k:.2g} "
                         f"bytes: are these class labels? n_classes (or the largest label + 1) "
                         f"should be the number of classes, e.g. 10")
    if y.size and y.max() >= k:
        raise ValueError(f"label {y.max()} does not fit in {k} classes (labels 0..{k - 1}): "
                         f"pass a larger n_classes, or check the labels y")
    out = np.zeros((y.size, k))
    out[np.arange(y.size), y.astype(np.int64)] = 1.0
    return out
