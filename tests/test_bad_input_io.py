"""Bad input to the plots, the slider and the MNIST loader, each refused with a clear message.

Table-driven: each row is (id, call, error type, words the message must contain), the
words being the argument's name and the fix. A refused plot must not leave a figure
behind. Then extreme-but-legal inputs, each with its documented result, and the MNIST
loader's file-system troubles (folders where files should be, unreadable copies, a
read-only cache), simulated with monkeypatch so that they also work as root, where
chmod does not stop anyone. No test touches the network or the user's cache.
"""

from __future__ import annotations

import gzip
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_mnist import (
    corrupted,
    idx_bytes,
    sha256,
    start_mirror,  # noqa: F401  (a fixture, used through serve below)
    write_files,
)

import backprop_lib.mnist as mnist
from backprop_lib import (
    History,
    MNISTNotFoundError,
    draw_network,
    load_mnist,
    lr_slider,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_images,
)
from backprop_lib.mnist import MNIST_FILES, MNIST_SHA256, read_idx

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y4 = np.array([0, 1, 1, 1])
IMAGES = np.zeros((3, 4, 4))
H = History(lr=0.1, loss=[1.0, 0.5])
GOOD = dict(MNIST_SHA256)
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def line(P):
    """A classify function: label 1 right of x = 0.5."""
    return (P[:, 0] > 0.5).astype(int)


def sums_with(**change):
    """The real checksums with one entry changed (keys as in MNIST_FILES, e.g. test_labels)."""
    sums = dict(GOOD)
    for key, value in change.items():
        sums[MNIST_FILES[key]] = value
    return sums


def plain_file(tmp: Path) -> Path:
    """A file under an MNIST file's name that is not gzip-compressed."""
    path = tmp / MNIST_FILES["train_images"]
    path.write_bytes(b"plain bytes, not gzip")
    return path


# (id, call(tmp_path), error, words the message must contain)
BAD = [
    # --- plot_confusion_matrix ---
    ("cm-negative-label", lambda t: plot_confusion_matrix([-1, 0, 1], [0, 0, 1]), ValueError,
     ["y_true", "-1", "(y > 0).astype(int)"]),
    ("cm-negative-pred", lambda t: plot_confusion_matrix([0, 1], [0, -2]), ValueError,
     ["y_pred", "-2", "labels are 0, 1, 2"]),
    ("cm-float-label", lambda t: plot_confusion_matrix([0.5, 0, 1], [0, 0, 1]), ValueError,
     ["y_true", "0.5", "(p > 0.5).astype(int)"]),
    ("cm-nan-label", lambda t: plot_confusion_matrix([np.nan, 1], [0, 1]), ValueError,
     ["y_true", "nan", "whole-number"]),
    ("cm-inf-label", lambda t: plot_confusion_matrix([0, 1], [np.inf, 1]), ValueError,
     ["y_pred", "inf", "whole-number"]),
    ("cm-probabilities", lambda t: plot_confusion_matrix([0, 1], [[0.9, 0.1], [0.2, 0.8]]),
     ValueError, ["y_pred", "shape (2, 2)", ".argmax(axis=1)"]),
    ("cm-empty", lambda t: plot_confusion_matrix([], []), ValueError,
     ["y_true", "empty", "at least one label"]),
    ("cm-text-labels", lambda t: plot_confusion_matrix(["a", "b"], ["a", "b"]), TypeError,
     ["y_true", "np.unique(names, return_inverse=True)[1]"]),
    ("cm-none", lambda t: plot_confusion_matrix(None, [0]), TypeError,
     ["y_true", "array of class labels"]),
    ("cm-complex", lambda t: plot_confusion_matrix([0, 1], np.array([0, 1]) + 1j), TypeError,
     ["y_pred", "complex128"]),
    ("cm-masked", lambda t: plot_confusion_matrix(np.ma.masked_array([0, 1], [0, 1]), [0, 1]),
     TypeError, ["y_true", "masked array", "plain list or numpy array"]),
    ("cm-ragged", lambda t: plot_confusion_matrix([[0], [1, 2]], [0, 1]), TypeError,
     ["y_true", "flat list"]),
    ("cm-huge-label", lambda t: plot_confusion_matrix([10**6, 1], [0, 1]), ValueError,
     ["y_true", "1000000", "at most 50 classes", "not scores or sample numbers"]),
    ("cm-lengths", lambda t: plot_confusion_matrix([0, 1, 1], [0, 1]), ValueError,
     ["y_true has 3 labels but y_pred has 2", "one true and one predicted label per sample"]),
    ("cm-too-few-names", lambda t: plot_confusion_matrix([0, 1, 2], [0, 1, 2], class_names=["a"]),
     ValueError, ["class_names", "at least 3", "one text per class"]),
    ("cm-names-string", lambda t: plot_confusion_matrix([0, 1], [0, 1], class_names="ab"),
     TypeError, ["class_names", "a list with one text per class"]),
    ("cm-normalize-text", lambda t: plot_confusion_matrix([0, 1], [0, 1], normalize="yes"),
     TypeError, ["normalize", "True or False"]),
    ("cm-ax", lambda t: plot_confusion_matrix([0, 1], [0, 1], ax="left"), TypeError,
     ["ax", "plt.subplots()"]),
    # --- plot_decision_boundary ---
    ("db-float-y", lambda t: plot_decision_boundary(line, X4, [0, 0.5, 1, 1]), ValueError,
     ["y", "0.5", "(p > 0.5).astype(int)"]),
    ("db-negative-y", lambda t: plot_decision_boundary(line, X4, [0, -1, 1, 1]), ValueError,
     ["y", "-1", "(y > 0).astype(int)"]),
    ("db-one-hot-y", lambda t: plot_decision_boundary(line, X4, np.eye(2)[Y4]), ValueError,
     ["y", "shape (4, 2)", ".argmax(axis=1)"]),
    ("db-label-beyond-colours", lambda t: plot_decision_boundary(line, X4, [0, 15, 1, 1]),
     ValueError, ["y", "15", "at most 10 classes"]),
    ("db-y-count", lambda t: plot_decision_boundary(line, X4, Y4[:3]), ValueError,
     ["y has 3 labels", "one label per row of X"]),
    ("db-classify-probabilities", lambda t: plot_decision_boundary(
        lambda P: 1 / (1 + np.exp(-P[:, 0])), X4, Y4, resolution=10), ValueError,
     ["the result of classify", "whole-number", "(p > 0.5).astype(int)"]),
    ("db-classify-nan", lambda t: plot_decision_boundary(
        lambda P: np.full(len(P), np.nan), X4, Y4, resolution=10), ValueError,
     ["the result of classify", "nan", "turn scores into labels"]),
    ("db-classify-columns", lambda t: plot_decision_boundary(
        lambda P: np.ones((len(P), 3)), X4, Y4, resolution=10), ValueError,
     ["the result of classify", ".argmax(axis=1)"]),
    ("db-classify-count", lambda t: plot_decision_boundary(
        lambda P: line(P)[:5], X4, Y4, resolution=10), ValueError,
     ["classify returned 5 labels for 100 points", "one label per row"]),
    ("db-classify-not-callable", lambda t: plot_decision_boundary(3, X4, Y4), TypeError,
     ["classify", "a Network or a function", "lambda P"]),
    ("db-X-three-columns", lambda t: plot_decision_boundary(line, np.zeros((4, 3)), Y4),
     ValueError, ["X has shape (4, 3)", "2 were expected", "X[:, [2, 3]]"]),
    ("db-X-1d", lambda t: plot_decision_boundary(line, np.zeros(4), Y4), ValueError,
     ["X", "reshape"]),
    ("db-resolution-0", lambda t: plot_decision_boundary(line, X4, Y4, resolution=0), ValueError,
     ["resolution", "between 2 and 1000", "resolution=200"]),
    ("db-resolution-1", lambda t: plot_decision_boundary(line, X4, Y4, resolution=1), ValueError,
     ["resolution", "between 2 and 1000"]),
    ("db-resolution-huge", lambda t: plot_decision_boundary(line, X4, Y4, resolution=10**5),
     ValueError, ["resolution", "between 2 and 1000"]),
    ("db-resolution-float", lambda t: plot_decision_boundary(line, X4, Y4, resolution=20.5),
     TypeError, ["resolution", "whole number", "resolution=200"]),
    ("db-padding-negative", lambda t: plot_decision_boundary(line, X4, Y4, padding=-1),
     ValueError, ["padding", ">= 0", "padding=0.5"]),
    ("db-padding-nan", lambda t: plot_decision_boundary(line, X4, Y4, padding=np.nan),
     ValueError, ["padding", "finite"]),
    ("db-padding-text", lambda t: plot_decision_boundary(line, X4, Y4, padding="0.5"), TypeError,
     ["padding", "a number"]),
    ("db-no-width", lambda t: plot_decision_boundary(line, X4[:1], Y4[:1], padding=0),
     ValueError, ["padding is 0", "padding=0.5"]),
    ("db-X-overflowing-range", lambda t: plot_decision_boundary(
        line, [[1e308, 0.0], [-1e308, 1.0]], [0, 1]), ValueError, ["X spans", "scale X first"]),
    ("db-one-feature-name", lambda t: plot_decision_boundary(line, X4, Y4, feature_names=["a"]),
     ValueError, ["feature_names", "exactly 2", "one text per axis"]),
    ("db-too-few-class-names", lambda t: plot_decision_boundary(line, X4, Y4, class_names=["a"]),
     ValueError, ["class_names", "at least 2", "one text per class"]),
    ("db-ax", lambda t: plot_decision_boundary(line, X4, Y4, ax=1), TypeError,
     ["ax", "plt.subplots()"]),
    # --- draw_network ---
    ("dn-zero-layer", lambda t: draw_network([2, 0, 1]), ValueError,
     ["sizes[1] is 0", "at least 1 unit", "sizes=[2, 3, 1]"]),
    ("dn-negative-layer", lambda t: draw_network([2, -3, 1]), ValueError,
     ["sizes[1] is -3", "at least 1 unit"]),
    ("dn-float-layer", lambda t: draw_network([2, 1.5, 1]), TypeError,
     ["sizes[1]", "whole number"]),
    ("dn-bool-layer", lambda t: draw_network([2, True]), TypeError, ["sizes[1]", "whole number"]),
    ("dn-one-layer", lambda t: draw_network([2]), ValueError, ["sizes", "at least two layers"]),
    ("dn-int", lambda t: draw_network(3), TypeError, ["sizes", "e.g. [2, 3, 1]"]),
    ("dn-text", lambda t: draw_network("231"), TypeError, ["sizes", "e.g. [2, 3, 1]"]),
    ("dn-too-large", lambda t: draw_network([784, 30, 10]), ValueError,
     ["small networks", "at most 12"]),
    ("dn-W-one-array", lambda t: draw_network([2, 1], np.ones((2, 1))), TypeError,
     ["W must be a list", "[W1]"]),
    ("dn-W-text", lambda t: draw_network([2, 1], [[["a"], ["b"]]]), TypeError,
     ["W[0]", "real numbers", "np.asarray(x, dtype=float)"]),
    ("dn-W-shape", lambda t: draw_network([2, 3, 1], [np.ones((2, 3)), np.ones((1, 3))]),
     ValueError, ["W[1] should have shape (3, 1)"]),
    ("dn-b-count", lambda t: draw_network([2, 3, 1], b=[np.ones(3)]), ValueError,
     ["need 2 bias vectors"]),
    ("dn-b-one-array", lambda t: draw_network([2, 1], b=np.ones(1)), TypeError,
     ["b must be a list", "[b1]"]),
    ("dn-precision-negative", lambda t: draw_network([2, 1], precision=-1), ValueError,
     ["precision", "between 0 and 10", "precision=2"]),
    ("dn-precision-float", lambda t: draw_network([2, 1], precision=1.5), TypeError,
     ["precision", "whole number"]),
    ("dn-unit-names-layers", lambda t: draw_network([2, 1], unit_names=[["a", "b"]]), ValueError,
     ["unit_names", "exactly 2", "one text per layer"]),
    ("dn-unit-names-units", lambda t: draw_network([2, 1], unit_names=[["a"], ["y"]]),
     ValueError, ["unit_names[0]", "exactly 2", "one text per unit of layer 0"]),
    ("dn-input-names", lambda t: draw_network([2, 1], input_names=["a", "b", "c"]), ValueError,
     ["input_names", "exactly 2", "one text per input unit"]),
    ("dn-layer-names", lambda t: draw_network([2, 3, 1], layer_names=["in"]), ValueError,
     ["layer_names", "exactly 3", "one text per layer"]),
    ("dn-notes-count", lambda t: draw_network([2, 3, 1], notes=["one"]), ValueError,
     ["notes", "exactly 4", "one text per unit after the input layer"]),
    ("dn-notes-string", lambda t: draw_network([2, 1], notes="a"), TypeError,
     ["notes", "a list with one text per unit"]),
    ("dn-ax", lambda t: draw_network([2, 1], ax=[]), TypeError, ["ax", "plt.subplots()"]),
    # --- plot_images ---
    ("img-ncols-0", lambda t: plot_images(IMAGES, ncols=0), ValueError,
     ["ncols", "at least 1", "ncols=10"]),
    ("img-ncols-negative", lambda t: plot_images(IMAGES, ncols=-2), ValueError,
     ["ncols", "at least 1"]),
    ("img-ncols-float", lambda t: plot_images(IMAGES, ncols=2.5), TypeError,
     ["ncols", "whole number"]),
    ("img-too-few-titles", lambda t: plot_images(IMAGES, titles=["a"]), ValueError,
     ["titles", "exactly 3", "one text per image"]),
    ("img-too-many-titles", lambda t: plot_images(IMAGES, titles=list("abcde")), ValueError,
     ["titles", "exactly 3", "got 5"]),
    ("img-titles-string", lambda t: plot_images(IMAGES, titles="abc"), TypeError,
     ["titles", "a list with one text per image"]),
    ("img-flat-rows", lambda t: plot_images(np.zeros((3, 784))), ValueError,
     ["images", "(n, height, width)", "images.reshape(-1, 28, 28)"]),
    ("img-one-image", lambda t: plot_images(np.zeros((28, 30))), ValueError,
     ["images", "image[None]"]),
    ("img-colour", lambda t: plot_images(np.zeros((2, 4, 4, 3))), ValueError,
     ["images", "images[..., 0]"]),
    ("img-none", lambda t: plot_images(np.zeros((0, 4, 4))), ValueError, ["images", "n >= 1"]),
    ("img-no-pixels", lambda t: plot_images(np.zeros((2, 0, 4))), ValueError,
     ["images", "at least one pixel"]),
    ("img-too-many", lambda t: plot_images(np.zeros((60000, 2, 2))), ValueError,
     ["at most 200 images", "images[:20]"]),
    ("img-nan", lambda t: plot_images(np.full((2, 3, 3), np.nan)), ValueError,
     ["images", "NaN", "np.isfinite(images)"]),
    ("img-complex", lambda t: plot_images(IMAGES + 1j), TypeError, ["images", "real numbers"]),
    ("img-text", lambda t: plot_images("digits"), TypeError, ["images", "(n, height, width)"]),
    ("img-size-0", lambda t: plot_images(IMAGES, size=0), ValueError,
     ["size", "> 0", "size=1.2"]),
    ("img-size-inf", lambda t: plot_images(IMAGES, size=np.inf), ValueError, ["size", "finite"]),
    ("img-cmap", lambda t: plot_images(IMAGES, cmap="banana"), ValueError,
     ["cmap 'banana'", "'gray_r'"]),
    ("img-symmetric-text", lambda t: plot_images(IMAGES, symmetric="yes"), TypeError,
     ["symmetric", "True or False"]),
    # --- plot_history ---
    ("ph-none", lambda t: plot_history(None), TypeError,
     ["history", "history = net.fit("]),
    ("ph-list", lambda t: plot_history([1.0, 0.5]), TypeError, ["history", "History"]),
    ("ph-lr-none", lambda t: plot_history(History(lr=None, loss=[1.0])), TypeError,
     ["history.lr", "a number"]),
    ("ph-val-length", lambda t: plot_history(History(lr=0.1, loss=[1.0, 0.5], val_loss=[1.0])),
     ValueError, ["history.val_loss has 1", "one value per epoch"]),
    ("ph-accuracy-length", lambda t: plot_history(History(lr=0.1, loss=[1.0], accuracy=[1, 1])),
     ValueError, ["history.accuracy has 2", "one value per epoch"]),
    ("ph-loss-text", lambda t: plot_history(History(lr=0.1, loss=["1", "0.5"])), TypeError,
     ["history.loss", "list of numbers"]),
    ("ph-ax", lambda t: plot_history(H, ax=plt), TypeError, ["ax", "plt.subplots()"]),
    # --- lr_slider ---
    ("sl-not-callable", lambda t: lr_slider(0.1), TypeError, ["lr_slider(show_training)"]),
    ("sl-step-0", lambda t: lr_slider(print, step=0), ValueError,
     ["step must be > 0", "step=0.1"]),
    ("sl-step-negative", lambda t: lr_slider(print, step=-0.1), ValueError,
     ["step must be > 0", "step=0.1"]),
    ("sl-step-nan", lambda t: lr_slider(print, step=np.nan), ValueError, ["step", "finite"]),
    ("sl-step-wider-than-range", lambda t: lr_slider(print, step=5), ValueError,
     ["step=5", "larger than the whole range", "smaller step"]),
    ("sl-step-text", lambda t: lr_slider(print, step="0.1"), TypeError,
     ["step", "a number", "step=0.1"]),
    ("sl-max-inf", lambda t: lr_slider(print, max_lr=np.inf), ValueError,
     ["max_lr", "finite", "max_lr=10"]),
    ("sl-min-nan", lambda t: lr_slider(print, min_lr=np.nan), ValueError, ["min_lr", "finite"]),
    ("sl-max-text", lambda t: lr_slider(print, max_lr="10"), TypeError,
     ["max_lr", "a number", "max_lr=10"]),
    ("sl-lr-none", lambda t: lr_slider(print, lr=None), TypeError, ["lr", "a number", "lr=0.1"]),
    ("sl-lr-bool", lambda t: lr_slider(print, lr=True), TypeError, ["lr", "a number"]),
    ("sl-lr-complex", lambda t: lr_slider(print, lr=0.1 + 0j), TypeError, ["lr", "a number"]),
    ("sl-lr-above", lambda t: lr_slider(print, lr=20.0), ValueError,
     ["lr=20.0 is outside [0.001, 10.0]", "widen it"]),
    ("sl-lr-below", lambda t: lr_slider(print, lr=1e-5), ValueError,
     ["lr=1e-05 is outside", "min_lr="]),
    ("sl-min-zero", lambda t: lr_slider(print, min_lr=0.0), ValueError,
     ["0 < min_lr", "log scale", "min_lr=1e-3"]),
    ("sl-min-equals-max", lambda t: lr_slider(print, lr=1, min_lr=1, max_lr=1), ValueError,
     ["min_lr < max_lr", "widen the range"]),
    ("sl-min-above-max", lambda t: lr_slider(print, lr=1, min_lr=10, max_lr=0.1), ValueError,
     ["min_lr < max_lr", "swap them"]),
    # --- read_idx ---
    ("idx-not-a-path", lambda t: read_idx(5), TypeError, ["path", "pathlib.Path"]),
    ("idx-empty-path", lambda t: read_idx(""), ValueError, ["path", "empty string", ".gz file"]),
    ("idx-folder", lambda t: read_idx(t), IsADirectoryError,
     ["is a folder, not a file", MNIST_FILES["train_images"]]),
    ("idx-missing", lambda t: read_idx(t / "nothing.gz"), FileNotFoundError,
     ["nothing.gz: no such file", "load_mnist()"]),
    ("idx-not-gzip", lambda t: read_idx(plain_file(t)), ValueError,
     ["not a gzip file"]),
    # --- load_mnist: arguments ---
    ("mnist-data-dir-int", lambda t: load_mnist(5, cache_dir=t), TypeError,
     ["data_dir", "pathlib.Path"]),
    ("mnist-data-dir-empty", lambda t: load_mnist("", cache_dir=t), ValueError,
     ["data_dir", "empty string", "None to skip it"]),
    ("mnist-cache-dir-bytes", lambda t: load_mnist(cache_dir=b"/tmp"), TypeError,
     ["cache_dir", "pathlib.Path"]),
    ("mnist-cache-dir-empty", lambda t: load_mnist(cache_dir=" "), ValueError,
     ["cache_dir", "empty string"]),
    ("mnist-mirrors-string", lambda t: load_mnist(cache_dir=t, mirrors="http://127.0.0.1/"),
     TypeError, ["mirrors", "list or tuple", "['https://example.org/mnist/']"]),
    ("mnist-mirror-none", lambda t: load_mnist(cache_dir=t, mirrors=[None]), TypeError,
     ["every mirror", "URL string"]),
    ("mnist-mirror-no-scheme", lambda t: load_mnist(cache_dir=t, mirrors=["example.org/mnist"]),
     ValueError, ["every mirror", "https://", "example.org/mnist"]),
    ("mnist-mirror-empty", lambda t: load_mnist(cache_dir=t, mirrors=[""]), ValueError,
     ["every mirror", "https://"]),
    ("mnist-checksums-list", lambda t: load_mnist(cache_dir=t, checksums=["abc"]), TypeError,
     ["checksums", "dict mapping each MNIST file name"]),
    ("mnist-checksums-missing", lambda t: load_mnist(cache_dir=t, checksums={}), ValueError,
     ["checksums has no SHA-256 for", MNIST_FILES["test_labels"]]),
    ("mnist-checksums-unknown-name", lambda t: load_mnist(
        cache_dir=t, checksums={**GOOD, "train-images.gz": "0" * 64}), ValueError,
     ["checksums", "'train-images.gz'", "the keys must be the four file names"]),
    ("mnist-checksum-int", lambda t: load_mnist(cache_dir=t, checksums=sums_with(
        train_images=123)), TypeError,
     [f"checksums['{MNIST_FILES['train_images']}']", "64 hex digits", "int"]),
    ("mnist-checksum-bytes", lambda t: load_mnist(cache_dir=t, checksums=sums_with(
        test_images=bytes(32))), TypeError, ["checksums[", "a string of 64 hex digits"]),
    ("mnist-checksum-short", lambda t: load_mnist(cache_dir=t, checksums=sums_with(
        test_labels="ff7bcfd4")), ValueError, ["checksums[", "64 hex digits", "8 characters"]),
    ("mnist-checksum-not-hex", lambda t: load_mnist(cache_dir=t, checksums=sums_with(
        train_labels="z" * 64)), ValueError, ["checksums[", "64 hex digits (0-9, a-f)"]),
    ("mnist-download-text", lambda t: load_mnist(cache_dir=t, download="no"), TypeError,
     ["download", "True or False"]),
    ("mnist-progress-none", lambda t: load_mnist(cache_dir=t, progress=None), TypeError,
     ["progress", "True or False"]),
]


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    """No BACKPROP_* variables, any warning is an error, every figure closed afterwards."""
    monkeypatch.delenv("BACKPROP_DATA_DIR", raising=False)
    monkeypatch.delenv("BACKPROP_CACHE_DIR", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")


def test_the_table_is_large_and_its_ids_distinct():
    ids = [row[0] for row in BAD]
    assert len(ids) == len(set(ids)) >= 50


@pytest.mark.parametrize(("call", "error", "words"), [row[1:] for row in BAD],
                         ids=[row[0] for row in BAD])
def test_bad_input_is_refused_with_a_message_that_teaches(call, error, words, tmp_path):
    figures = plt.get_fignums()
    with pytest.raises(error) as excinfo:
        call(tmp_path)
    assert type(excinfo.value) is error  # e.g. not a raw numpy or matplotlib error subclass
    message = str(excinfo.value)
    for word in words:
        assert word in message, f"{word!r} is not in the message {message!r}"
    assert plt.get_fignums() == figures  # refused before any figure was made


# --- extreme but legal: the documented result -----------------------------------------------


def test_confusion_matrix_takes_whole_float_bool_and_column_labels():
    _, cm = plot_confusion_matrix([0.0, 1.0, 1.0], np.array([[0], [1], [0]]))
    np.testing.assert_array_equal(cm, [[1, 0], [1, 1]])
    _, cm = plot_confusion_matrix(np.array([True, False]), np.array([1, 0], dtype=np.uint8))
    np.testing.assert_array_equal(cm, [[1, 0], [0, 1]])
    _, cm = plot_confusion_matrix([0, 0], [0, 0])  # a single class: a 1 x 1 matrix
    np.testing.assert_array_equal(cm, [[2]])
    fig, cm = plot_confusion_matrix([0], [49])  # the largest label allowed
    assert cm.shape == (50, 50) and cm[0, 49] == 1


def test_decision_boundary_at_the_smallest_resolution_and_the_last_colour():
    calls = []

    def nine(P):
        calls.append(len(P))
        return np.full(len(P), 9.0)  # whole numbers as floats are labels too

    fig = plot_decision_boundary(nine, X4, [9, 9, 9, 9], resolution=2, padding=0)
    fig.canvas.draw()
    assert calls == [4]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["class 9"]
    fig = plot_decision_boundary(line, X4[:1], [0], resolution=3)  # one sample, padding 0.5
    assert fig.axes[0].get_xlim()[1] - fig.axes[0].get_xlim()[0] >= 1.0


def test_images_one_image_and_more_columns_than_images():
    fig = plot_images(np.ones((1, 2, 2)), titles=np.array([7]), ncols=50)
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "7"
    fig = plot_images(np.zeros((3, 4, 4), dtype=bool), ncols=1)
    assert len(fig.axes) == 3


def test_draw_network_smallest_and_nan_weights_and_precision_zero():
    fig = draw_network([1, 1], [np.array([[np.nan]])], [np.array([2.0])], precision=0)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "nan" in texts and "b=2" in texts  # a diverged weight is drawn as it is
    fig = draw_network([12, 1])
    assert len(fig.axes[0].get_lines()) == 12


def test_history_with_infinite_losses_draws_without_a_runtime_warning():
    fig = plot_history(History(lr=1e6, loss=[np.float64(1.0), np.float64(np.inf)]))
    assert fig.axes[0].get_yscale() == "log"
    fig = plot_history(History(lr=1e6, loss=[np.float64(np.inf)] * 2))  # inf / inf: no scale
    assert fig.axes[0].get_yscale() == "linear"
    fig = plot_history(History(lr=0.1))  # no epochs at all: an empty plot, titled
    assert fig.axes[0].get_title() == "learning rate 0.1"


@pytest.mark.parametrize(("lr", "min_lr", "max_lr", "step"), [
    (1e-3, 1e-3, 10.0, 0.1),                      # at the lower end
    (10.0, 1e-3, 10.0, 0.1),                      # at the upper end
    (1.0, 0.1, 10.0, 2.0),                        # one step spans the whole range
    (np.float32(0.5), np.float64(0.01), 5, 0.05),  # numpy numbers and an int
    (1.0, 1e-300, 1e300, 1.0),                    # max_lr / min_lr overflows; logs do not
])
def test_lr_slider_at_the_edges(lr, min_lr, max_lr, step):
    calls = []
    slider = lr_slider(calls.append, lr=lr, min_lr=min_lr, max_lr=max_lr, step=step).children[0]
    assert calls == [pytest.approx(float(lr), rel=1e-6)]
    assert slider.min == pytest.approx(np.log10(min_lr))
    assert slider.max == pytest.approx(np.log10(max_lr))


def test_read_idx_of_zero_images_and_uppercase_checksums(tmp_path):
    empty = tmp_path / "empty.gz"
    empty.write_bytes(gzip.compress(idx_bytes(np.zeros((0, 28, 28), dtype=np.uint8))))
    assert read_idx(empty).shape == (0, 28, 28)
    payloads, sums = tiny_mnist()
    folder = write_files(tmp_path / "data", payloads)
    upper = {name: s.upper() for name, s in sums.items()}
    result = load_mnist(folder, cache_dir=tmp_path / "cache", checksums=upper, download=False)
    assert result[0].shape == (5, 28, 28)


def test_an_empty_list_of_mirrors_means_no_download(tmp_path):
    _, sums = tiny_mnist()
    with pytest.raises(MNISTNotFoundError, match="the list of mirrors is empty"):
        load_mnist(cache_dir=tmp_path, mirrors=[], checksums=sums)


# --- the MNIST loader and the file system ----------------------------------------------------


def tiny_mnist():
    """IDX payloads of a tiny fake MNIST (5 train, 3 test images) and their checksums."""
    rng = np.random.default_rng(1)
    shapes = {"train_images": (5, 28, 28), "train_labels": (5,), "test_images": (3, 28, 28),
              "test_labels": (3,)}
    payloads = {MNIST_FILES[k]: idx_bytes(rng.integers(0, 10, size=s, dtype=np.uint8))
                for k, s in shapes.items()}
    return payloads, {name: sha256(data) for name, data in payloads.items()}


def refuse(monkeypatch, target, in_folder: Path, error=PermissionError):
    """Make `target` (a function of a path, e.g. "gzip.open") fail for paths in `in_folder`.

    This is how unreadable files and read-only folders are simulated: chmod does not
    stop root, and CI runs as root.
    """
    module, name = target.rsplit(".", 1)
    owner = {"gzip": mnist.gzip, "Path": Path, "tempfile": mnist.tempfile}[module]
    real = getattr(owner, name)

    def fake(*args, **kwargs):
        where = Path(kwargs.get("dir") or args[0])  # TemporaryFile(dir=...), or the path
        if where.resolve().is_relative_to(in_folder.resolve()):
            raise error(13, "Permission denied", str(where))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, fake)


def test_a_folder_where_a_file_should_be_is_named_and_the_next_place_used(tmp_path,
                                                                           monkeypatch):
    payloads, sums = tiny_mnist()
    data = tmp_path / "data"
    (data / MNIST_FILES["train_images"]).mkdir(parents=True)
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(write_files(tmp_path / "env", payloads)))
    with pytest.warns(UserWarning, match="is a folder, not a file"):
        result = load_mnist(data, cache_dir=tmp_path / "cache", checksums=sums, download=False)
    assert result[0].shape == (5, 28, 28)
    monkeypatch.delenv("BACKPROP_DATA_DIR")
    with pytest.warns(UserWarning), pytest.raises(MNISTNotFoundError) as excinfo:
        load_mnist(data, cache_dir=tmp_path / "cache", checksums=sums, download=False)
    message = str(excinfo.value)
    assert f"data_dir {data / MNIST_FILES['train_images']}: it is a folder, not a file" in message
    assert "no such file" in message.split("BACKPROP_DATA_DIR: not set")[1]  # the cache


def test_a_folder_in_the_cache_is_kept_and_no_download_is_tried(tmp_path):
    _, sums = tiny_mnist()
    cache = tmp_path / "cache"
    (cache / MNIST_FILES["train_images"] / "mine.txt").parent.mkdir(parents=True)
    (cache / MNIST_FILES["train_images"] / "mine.txt").write_text("keep me")
    with pytest.raises(MNISTNotFoundError) as excinfo:  # the mirror would refuse to connect
        load_mnist(cache_dir=cache, checksums=sums, mirrors=["http://127.0.0.1:9/"])
    message = str(excinfo.value)
    assert "it is a folder, not a file; move or delete that folder" in message
    assert "no download tried" in message and "127.0.0.1" not in message
    assert (cache / MNIST_FILES["train_images"] / "mine.txt").read_text() == "keep me"


def test_a_data_dir_that_is_a_file_is_named(tmp_path):
    _, sums = tiny_mnist()
    not_a_folder = tmp_path / "mnist.zip"
    not_a_folder.write_bytes(b"zip")
    with pytest.raises(MNISTNotFoundError, match="as .*mnist.zip is a file, not a folder"):
        load_mnist(not_a_folder, cache_dir=tmp_path / "cache", checksums=sums, download=False)


def test_an_unreadable_copy_is_skipped_for_the_good_copy_in_the_next_place(tmp_path,
                                                                           monkeypatch):
    payloads, sums = tiny_mnist()
    unreadable = write_files(tmp_path / "data", payloads)
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(write_files(tmp_path / "env", payloads)))
    refuse(monkeypatch, "gzip.open", unreadable)
    with pytest.warns(UserWarning, match=r"could not be read \(PermissionError: Permission"):
        result = load_mnist(unreadable, cache_dir=tmp_path / "cache", checksums=sums,
                            download=False)
    assert result[1].shape == (5,)


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode; the test above "
                                    "simulates an unreadable file instead")
def test_an_unreadable_copy_by_chmod(tmp_path, monkeypatch):
    payloads, sums = tiny_mnist()
    unreadable = write_files(tmp_path / "data", payloads)
    for path in unreadable.iterdir():
        path.chmod(0)
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(write_files(tmp_path / "env", payloads)))
    with pytest.warns(UserWarning, match="could not be read"):
        load_mnist(unreadable, cache_dir=tmp_path / "cache", checksums=sums, download=False)


def test_an_unreadable_cached_copy_is_replaced(tmp_path, monkeypatch, request):
    payloads, sums = tiny_mnist()
    url, requests = serve(request, payloads)
    cache = write_files(tmp_path / "cache", payloads)
    refuse(monkeypatch, "gzip.open", cache / MNIST_FILES["test_labels"])
    with pytest.warns(UserWarning, match=r"Deleted the cached copy .*could not be read"):
        result = load_mnist(cache_dir=cache, mirrors=[url], checksums=sums, progress=False)
    assert result[3].shape == (3,)
    assert requests == ["/" + MNIST_FILES["test_labels"]]  # only that file was downloaded


def serve(request, payloads):
    """Serve payloads from a local HTTP mirror (test_mnist's start_mirror); return its URL."""
    return request.getfixturevalue("start_mirror")(payloads)


def read_only(monkeypatch, cache: Path) -> None:
    """Simulate a read-only cache folder: nothing in it can be deleted or created."""
    refuse(monkeypatch, "Path.unlink", cache)
    refuse(monkeypatch, "tempfile.TemporaryFile", cache)


def test_a_damaged_file_in_a_read_only_cache_says_what_to_do(tmp_path, monkeypatch, request):
    payloads, sums = tiny_mnist()
    url, requests = serve(request, payloads)
    cache = write_files(tmp_path / "cache", corrupted(payloads))
    read_only(monkeypatch, cache)
    with pytest.warns(UserWarning, match="Could not delete the bad cached copy"):
        with pytest.raises(MNISTNotFoundError) as excinfo:
            load_mnist(cache_dir=cache, mirrors=[url], checksums=sums, progress=False)
    message = str(excinfo.value)
    assert "failed verification" in message
    assert "and it could not be deleted (PermissionError: Permission denied)" in message
    assert "delete it yourself" in message and "cache_dir=" in message
    assert "BACKPROP_CACHE_DIR" in message and "no download tried" in message
    assert requests == []  # nowhere to save a download, so none was made
    assert len(list(cache.iterdir())) == 4


def test_a_read_only_empty_cache_tries_no_download(tmp_path, monkeypatch, request):
    payloads, sums = tiny_mnist()
    url, requests = serve(request, payloads)
    cache = tmp_path / "cache"
    cache.mkdir()
    read_only(monkeypatch, cache)
    with pytest.raises(MNISTNotFoundError, match="cannot write into the cache folder .*"
                                                 "PermissionError.*BACKPROP_CACHE_DIR"):
        load_mnist(cache_dir=cache, mirrors=[url], checksums=sums, progress=False)
    assert requests == []


def test_a_cache_dir_that_is_a_file_tries_no_download(tmp_path, request):
    payloads, sums = tiny_mnist()
    url, requests = serve(request, payloads)
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    with pytest.raises(MNISTNotFoundError, match="cannot write into the cache folder"):
        load_mnist(cache_dir=cache, mirrors=[url], checksums=sums, progress=False)
    assert requests == []


@pytest.mark.skipif(AS_ROOT, reason="root may delete and write anywhere; the tests above "
                                    "simulate a read-only cache instead")
def test_a_damaged_file_in_a_read_only_cache_by_chmod(tmp_path):
    payloads, sums = tiny_mnist()
    cache = write_files(tmp_path / "cache", corrupted(payloads))
    cache.chmod(0o555)
    try:
        with pytest.warns(UserWarning), pytest.raises(MNISTNotFoundError,
                                                      match="could not be deleted"):
            load_mnist(cache_dir=cache, checksums=sums, mirrors=["http://127.0.0.1:9/"])
    finally:
        cache.chmod(0o755)
