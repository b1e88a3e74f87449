"""Plots, the learning-rate slider and the exercise self-checks, all without a display.

Every figure is drawn with the Agg backend and closed after each test; drawing must
not warn (any warning is turned into an error here).
"""

from __future__ import annotations

import ast
import os
import time
import warnings

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from backprop_lib import (  # noqa: E402
    History,
    Network,
    TrainingDivergedWarning,
    check,
    check_exercise,
    draw_network,
    load_exam,
    lr_slider,
    one_hot,
    param_slider,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_images,
)
from backprop_lib import widgets as widgets_module  # noqa: E402
from backprop_lib.selfcheck import passed  # noqa: E402
from backprop_lib.style import PAGE_WIDTH_PX  # noqa: E402
from backprop_lib.widgets import BUSY_CLASS, shown_value, slider_positions  # noqa: E402

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
LABELS4 = np.array([0, 1, 1, 1])


@pytest.fixture(autouse=True)
def no_warnings_and_close_figures():
    """Fail on any warning while a test draws, and close every figure it opened."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")


def drawn(fig) -> Figure:
    """Render the figure (as a notebook would) and return it."""
    assert isinstance(fig, Figure)
    fig.canvas.draw()
    return fig


# --- plot_history ---------------------------------------------------------------------------

def test_plot_history_of_a_real_fit():
    net = Network([2, 3, 2], output="softmax", loss="cross_entropy", seed=0)
    history = net.fit(X4, one_hot(LABELS4, 2), lr=0.5, epochs=10)
    fig = drawn(plot_history(history))
    ax = fig.axes[0]
    assert ax.get_title() == "learning rate 0.5"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["training loss", "training accuracy"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), history.loss)


def test_plot_history_with_validation_data():
    history = History(lr=0.1, loss=[1.0, 0.6, 0.4], accuracy=[0.5, 0.75, 1.0],
                      val_loss=[1.1, 0.7, 0.5], val_accuracy=[0.4, 0.6, 0.8])
    fig = drawn(plot_history(history, title="with validation"))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["training loss", "validation loss", "training accuracy",
                      "validation accuracy"]
    assert fig.axes[0].get_title() == "with validation"


def test_plot_history_of_a_regression_uses_a_log_scale_for_a_wide_range():
    fig = drawn(plot_history(History(lr=0.1, loss=[100.0, 1.0, 0.5])))
    assert len(fig.axes) == 1  # no accuracy axis
    assert fig.axes[0].get_yscale() == "log"


def test_plot_history_of_a_diverged_training():
    exam = load_exam()
    net = Network([2, 3, 1], output="identity", loss="mse", seed=0)
    with pytest.warns(TrainingDivergedWarning):
        history = net.fit(exam.X, exam.y, lr=10.0, epochs=20)
    fig = drawn(plot_history(history))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"diverged in epoch {history.diverged_at}\n(learning rate 10)" in texts


def test_plot_history_diverged_in_the_first_epoch():
    fig = drawn(plot_history(History(lr=100.0, diverged_at=1, diverged_step=1)))
    assert any("diverged in epoch 1" in t.get_text() for t in fig.axes[0].texts)


def test_plot_history_of_one_epoch_marks_the_point_on_whole_epoch_ticks():
    fig = drawn(plot_history(History(lr=0.1, loss=[0.7], accuracy=[0.5])))
    ax = fig.axes[0]
    assert ax.get_lines()[0].get_marker() == "o"  # a single point is visible
    assert fig.axes[1].get_lines()[0].get_marker() == "o"
    assert ax.get_xlim() == (0.5, 1.5)
    assert [t for t in ax.get_xticks() if 0.5 <= t <= 1.5] == [1.0]  # no 0.945 ... 1.05


def test_plot_history_diverged_before_the_first_epoch_ended_says_so():
    fig = drawn(plot_history(History(lr=100.0, diverged_at=1, diverged_step=3)))
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.5, 1.5) and list(ax.get_yticks()) == []
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "diverged in epoch 1" in texts and "no loss to plot" in texts


def test_plot_history_of_a_long_fit_draws_plain_lines():
    fig = drawn(plot_history(History(lr=0.1, loss=list(np.linspace(1.0, 0.1, 50)))))
    assert fig.axes[0].get_lines()[0].get_marker() == "None"


def test_plot_history_on_given_axes():
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert plot_history(History(lr=0.1, loss=[1.0, 0.5]), ax=ax2) is fig
    assert len(ax2.get_lines()) == 1 and len(ax1.get_lines()) == 0


# --- plot_decision_boundary -----------------------------------------------------------------

def test_plot_decision_boundary_with_a_network():
    net = Network([2, 4, 2], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    net.fit(X4, one_hot(LABELS4, 2), lr=1.0, epochs=200)
    fig = drawn(plot_decision_boundary(net, X4, LABELS4, resolution=50,
                                       class_names=["off", "on"], feature_names=("a", "b")))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["off", "on"]
    assert ax.get_xlabel() == "a" and ax.get_ylabel() == "b"


def test_plot_decision_boundary_with_a_callable_and_one_output_network():
    calls = []

    def classify(P):
        calls.append(P.shape)
        return (P[:, 0] + P[:, 1] > 0.5).astype(int)

    drawn(plot_decision_boundary(classify, X4, LABELS4, resolution=30))
    assert calls == [(900, 2)]
    net = Network([2, 3, 1], output="sigmoid", seed=0)
    drawn(plot_decision_boundary(net, X4, LABELS4.reshape(-1, 1), resolution=30))


def test_plot_decision_boundary_with_one_predicted_class():
    drawn(plot_decision_boundary(lambda P: np.zeros(len(P)), X4, LABELS4, resolution=20))


def test_plot_decision_boundary_errors():
    with pytest.raises(ValueError, match="2 were expected"):
        plot_decision_boundary(lambda P: P[:, 0], np.zeros((4, 3)), LABELS4)
    with pytest.raises(ValueError, match="4 samples but y has 3 labels"):
        plot_decision_boundary(lambda P: P[:, 0], X4, LABELS4[:3])


# --- draw_network ---------------------------------------------------------------------------

def test_draw_network_without_weights():
    fig = drawn(draw_network([2, 3, 1], unit_names=[["x1", "x2"], ["", "", ""], ["ŷ"]]))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"input", "hidden", "output", "x1", "x2", "ŷ"} <= set(texts)
    assert len(fig.axes[0].get_lines()) == 2 * 3 + 3 * 1  # one line per connection


def test_draw_network_with_weights_and_biases():
    net = Network([2, 3, 1], seed=0)
    net.set_weights([np.arange(6.0).reshape(2, 3) / 10, [[1.5], [-2.25], [0.0]]],
                    [np.array([0.1, 0.2, 0.3]), np.array([-0.5])])
    fig = drawn(draw_network(net.sizes, net.W, net.b, precision=2, title="by hand"))
    texts = [t.get_text() for t in fig.axes[0].texts]
    for label in ["0.00", "0.50", "1.50", "-2.25", "b=0.30", "b=-0.50"]:
        assert label in texts
    assert fig.axes[0].get_title() == "by hand"


def test_draw_network_accepts_column_biases():
    drawn(draw_network([1, 2], [[[1.0, 2.0]]], [np.array([[0.5], [0.25]])]))


def test_draw_network_errors():
    with pytest.raises(ValueError, match="small networks.*at most 12"):
        draw_network([784, 30, 10])
    with pytest.raises(ValueError, match=r"W\[1\] should have shape \(3, 1\), got \(1, 3\)"):
        draw_network([2, 3, 1], [np.ones((2, 3)), np.ones((1, 3))])
    with pytest.raises(ValueError, match="need 2 weight matrices.*got 1"):
        draw_network([2, 3, 1], [np.ones((2, 3))])
    with pytest.raises(ValueError, match="need 2 bias vectors"):
        draw_network([2, 3, 1], b=[np.ones(3)])
    with pytest.raises(ValueError, match=r"b\[0\] should have 3 entries, got 2"):
        draw_network([2, 3, 1], b=[np.ones(2), np.ones(1)])


# --- plot_images ----------------------------------------------------------------------------

def test_plot_images_grid():
    images = np.random.default_rng(0).random((13, 8, 8))
    fig = drawn(plot_images(images, titles=list(range(13)), ncols=5))
    assert len(fig.axes) == 15  # 3 rows of 5, two left empty
    assert [ax.get_title() for ax in fig.axes[:13]] == [str(k) for k in range(13)]
    assert sum(bool(ax.images) for ax in fig.axes) == 13


def test_plot_images_never_wider_than_a_notebook_page():
    """A row wider than the page as shown (about 1100 pixels) would be shrunk, titles and
    all: it wraps into more, even rows instead (20 digits in projector mode: 7, 7, 6)."""
    images, titles = np.zeros((20, 4, 4)), list(range(20))
    with matplotlib.rc_context({"figure.dpi": 80}):  # normal mode: 2 rows of 10, as before
        fig = drawn(plot_images(images, titles=titles))
        assert fig.axes[0].get_gridspec().get_geometry() == (2, 10)
    with matplotlib.rc_context({"figure.dpi": 120}):  # projector mode: 10 would be 1440 px
        fig = drawn(plot_images(images, titles=titles))
        assert fig.axes[0].get_gridspec().get_geometry() == (3, 7)
        assert fig.get_figwidth() * fig.dpi <= PAGE_WIDTH_PX
        assert [ax.get_title() for ax in fig.axes[:20]] == [str(k) for k in range(20)]
        fig = drawn(plot_images(images[:3], ncols=2, size=5.0))  # one a row is the least
        assert fig.axes[0].get_gridspec().get_geometry() == (3, 1)


def test_plot_images_symmetric_and_few():
    weights = np.random.default_rng(0).normal(size=(3, 4, 4))
    fig = drawn(plot_images(weights, symmetric=True))
    assert len(fig.axes) == 3
    vmin, vmax = fig.axes[0].images[0].get_clim()
    assert vmin == -vmax
    drawn(plot_images(np.zeros((2, 4, 4)), symmetric=True))  # all-zero weights: no 0/0


def test_plot_images_errors():
    with pytest.raises(ValueError, match=r"\(n, height, width\)"):
        plot_images(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="n >= 1"):
        plot_images(np.zeros((0, 28, 28)))


# --- plot_confusion_matrix ------------------------------------------------------------------

def test_plot_confusion_matrix_counts():
    y_true = [0, 0, 1, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 0, 2]
    fig, cm = plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])
    drawn(fig)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 2]])
    assert cm.sum() == 7 and np.trace(cm) == 5
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1", "1", "0", "0", "2", "0", "1", "0", "2"]


def test_plot_confusion_matrix_normalized_and_unseen_classes():
    fig, cm = plot_confusion_matrix(np.array([0, 0, 1]), np.array([0, 1, 1]), normalize=True,
                                    class_names=["x", "y", "z"])
    drawn(fig)
    assert cm.shape == (3, 3)  # class "z" never appears but has a row and a column
    assert "0.50" in [t.get_text() for t in fig.axes[0].texts]


def test_plot_confusion_matrix_errors():
    with pytest.raises(ValueError, match="y_true has 3 labels but y_pred has 2"):
        plot_confusion_matrix([0, 1, 1], [0, 1])


# --- lr_slider ------------------------------------------------------------------------------

def test_lr_slider_reruns_the_function_with_the_new_learning_rate():
    calls = []
    box = lr_slider(calls.append, lr=0.1, min_lr=1e-3, max_lr=10.0)
    assert isinstance(box, widgets.Box)
    slider, busy, out = box.children
    assert isinstance(slider, widgets.FloatLogSlider) and isinstance(out, widgets.Output)
    assert isinstance(busy, widgets.Label) and busy.value == ""  # nothing running
    assert slider.base == 10 and slider.min == pytest.approx(-3) and slider.max == \
        pytest.approx(1)
    assert slider.value == pytest.approx(0.1)
    assert slider.continuous_update is False  # retrain on release, not on every pixel
    assert calls == [pytest.approx(0.1)]  # drawn once at once
    slider.value = 1.0
    assert calls == [pytest.approx(0.1), pytest.approx(1.0)]
    slider.value = 0.003
    assert calls[-1] == pytest.approx(0.003) and len(calls) == 3
    # each run's prints land in the Output widget, replacing the previous run's
    assert out.outputs[0]["text"] == "learning rate: 0.003\n"


def test_lr_slider_shows_an_error_of_the_callback_instead_of_raising():
    def broken(lr):
        raise RuntimeError("oops")

    box = lr_slider(broken, lr=0.1)
    text = "".join(o.get("text", "") for o in box.children[-1].outputs)
    assert "learning rate: 0.1" in text and "RuntimeError: oops" in text


def test_lr_slider_with_a_real_training_function():
    exam = load_exam()
    losses = []

    def show_training(lr):
        net = Network([2, 3, 1], output="sigmoid", seed=0)
        history = net.fit(exam.X_scaled, exam.y_scaled, lr=lr, epochs=20)
        losses.append(history.loss[-1])
        plot_history(history)
        plt.show()

    box = lr_slider(show_training, lr=0.5, min_lr=0.01, max_lr=5.0)
    box.children[0].value = 2.0
    assert len(losses) == 2 and losses[0] != losses[1]


def test_lr_slider_errors():
    with pytest.raises(TypeError, match=r"lr_slider\(show_training\)"):
        lr_slider(0.1)
    with pytest.raises(ValueError, match="min_lr <= lr <= max_lr"):
        lr_slider(print, lr=20.0)
    with pytest.raises(ValueError, match="0 < min_lr"):
        lr_slider(print, lr=0.1, min_lr=0.0)


def test_param_slider_is_linear_and_prints_its_label_and_value():
    calls = []
    box = param_slider(calls.append, "spectral radius", 1.0, 0.3, 1.7, step=0.05)
    slider, _, out = box.children
    assert type(slider) is widgets.FloatSlider and isinstance(out, widgets.Output)
    assert slider.description == "spectral radius" and slider.continuous_update is False
    assert (slider.min, slider.max, slider.step) == (0.3, 1.7, 0.05)
    assert calls == [1.0] and out.outputs[0]["text"] == "spectral radius: 1\n"
    slider.value = 1.35
    assert calls == [1.0, 1.35] and out.outputs[0]["text"] == "spectral radius: 1.35\n"
    assert param_slider(print, "x", 0.0, -1.0, 1.0).children[0].step == pytest.approx(0.1)


def test_param_slider_on_a_log_scale_is_lr_sliders_mechanism():
    calls = []
    slider, _, out = param_slider(calls.append, "weight decay", 1e-2, 1e-4, 1.0,
                                  log=True).children
    assert isinstance(slider, widgets.FloatLogSlider) and slider.step == pytest.approx(0.1)
    assert slider.min == pytest.approx(-4) and slider.max == pytest.approx(0)
    slider.value = 0.1
    assert calls == [pytest.approx(0.01), pytest.approx(0.1)]
    assert out.outputs[0]["text"] == "weight decay: 0.1\n"


def test_param_slider_errors():
    with pytest.raises(TypeError, match=r"param_slider\(show_norms, \"spectral radius\""):
        param_slider(print, 1.0, 0.3, 1.7, 1.0)  # the label forgotten
    with pytest.raises(TypeError, match=r"param_slider\(show_norms"):
        param_slider(None, "radius", 1.0, 0.3, 1.7)
    with pytest.raises(ValueError, match=r"min_value <= value <= max_value: value=2"):
        param_slider(print, "radius", 2.0, 0.3, 1.7)
    with pytest.raises(ValueError, match="swap them"):
        param_slider(print, "radius", 1.0, 1.7, 0.3)
    with pytest.raises(ValueError, match="0 < min_value"):
        param_slider(print, "radius", 1.0, 0.0, 1.7, log=True)
    with pytest.raises(ValueError, match="step must be > 0, got step=0"):
        param_slider(print, "radius", 1.0, 0.3, 1.7, step=0)
    with pytest.raises(ValueError, match="larger than the whole range, 1.4 from"):
        param_slider(print, "radius", 1.0, 0.3, 1.7, step=2)
    with pytest.raises(TypeError, match="max_value must be a number"):
        param_slider(print, "radius", 1.0, 0.3, "1.7")
    with pytest.raises(TypeError, match="log must be True or False"):
        param_slider(print, "radius", 1.0, 0.3, 1.7, log="yes")


def test_the_callback_gets_the_value_the_readout_shows():
    # the callback gets the readout's value: a title with f"{lr:g}" shows 1.26
    titles, readouts = [], []
    box = lr_slider(lambda lr: titles.append(f"learning rate {lr:g}"), lr=1.0,
                    min_lr=1e-3, max_lr=1e3)
    slider, _, out = box.children
    for position in (0.1, 0.2, -0.3, 1.7):  # powers of 10, as the slider moves
        slider.value = 10 ** position
        readout = f"{slider.value:{slider.readout_format}}"  # what the page shows
        readouts.append(f"learning rate {readout}")
        assert out.outputs[0]["text"] == f"learning rate: {readout}\n"
    assert titles[1:] == readouts == ["learning rate 1.26", "learning rate 1.58",
                                      "learning rate 0.501", "learning rate 50.1"]
    calls = []
    slider = param_slider(calls.append, "radius", 1.0, 0.3, 1.7, step=0.05).children[0]
    slider.value = 0.3 + 17 * 0.05  # 1.1500000000000001 in floating point
    assert calls == [1.0, 1.15]


def test_shown_value_and_slider_positions():
    assert shown_value(10 ** 0.1) == 1.26 and shown_value(1234.5) == 1230.0
    assert shown_value(0.0125893) == 0.0126
    positions = slider_positions(1.0, 1e-3, 1e3, 0.1, log=True)
    assert len(positions) == 61 and positions[:3] in ([1.0, 1.26, 0.794], [1.0, 0.794, 1.26])
    assert min(positions) == 0.001 and max(positions) == 1000.0
    linear = slider_positions(1.0, 0.3, 1.7, 0.05, log=False)
    assert len(linear) == 29 and linear[0] == 1.0 and set(linear[1:3]) == {0.95, 1.05}
    # a start value off the grid is a position too (the slider starts there)
    assert slider_positions(3.0, 0.01, 1000, 0.1, log=True)[0] == 3.0


def test_the_busy_label_shows_while_the_callback_runs():
    seen = []
    box = None

    def fn(lr):
        if box is not None:
            seen.append(box.children[1].value)

    box = lr_slider(fn, lr=0.1)
    busy = box.children[1]
    assert busy.value == "" and BUSY_CLASS in busy._dom_classes
    box.children[0].value = 0.5
    assert seen == ["training…"] and busy.value == ""
    box = param_slider(fn, "radius", 1.0, 0.3, 1.7)
    box.children[0].value = 1.07
    assert seen[-1] == "computing…" and box.children[1].value == ""


class FakeKernel:
    """IPython's event manager and the kernel's event loop as _Ahead uses them: the test
    fires the events and runs what the loop has due."""

    def __init__(self):
        self.callbacks, self.due = {}, []

    def register(self, name, callback):
        self.callbacks[name] = callback

    def fire(self, name):
        self.callbacks[name](None)

    def call_later(self, delay, fn, *args):
        self.due.append((time.monotonic() + delay, fn, args))

    def add_callback(self, fn, *args):
        self.call_later(0, fn, *args)

    def run(self, seconds):
        """Run the loop for a while (what falls due meanwhile)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready = [job for job in self.due if job[0] <= time.monotonic()]
            for job in ready:
                self.due.remove(job)
                job[1](*job[2])
            time.sleep(0.005)


@pytest.fixture
def kernel(monkeypatch):
    """A kernel's _Ahead on a fake kernel, with a short idle wait, computing ahead on the
    kernel's loop (the way without fork; `forking` below is the way with it)."""
    monkeypatch.setattr(widgets_module._Ahead, "IDLE", 0.05)
    monkeypatch.setattr(widgets_module._Ahead, "FORK", False)
    fake = FakeKernel()
    monkeypatch.setattr(widgets_module._Ahead, "_instance", widgets_module._Ahead(fake, fake))
    return fake


def move_in_the_browser(slider, value):
    """Change the value as a front end's message does (ipywidgets' set_state)."""
    slider.set_state({"value": value})


def test_positions_next_to_the_slider_are_computed_ahead(kernel):
    calls = []
    box = lr_slider(calls.append, lr=1.0, min_lr=0.1, max_lr=10.0)
    slider, busy, out = box.children
    kernel.run(1.5)
    assert calls == [1.0]  # nothing ahead before a browser has moved the slider
    shown = []
    busy.observe(lambda change: shown.append(change.new), names="value")
    move_in_the_browser(slider, 10 ** 0.1)
    assert calls == [1.0, 1.26] and shown == ["training…", ""]  # computed on the move
    kernel.run(0.02)
    assert len(calls) == 2  # nothing ahead before the kernel has been idle a while
    kernel.run(1.0)
    assert len(calls) == 21  # then every position, the nearest first
    assert set(calls[2:4]) == {1.58, 0.794} and len(set(calls)) == 21  # 1 and 1.26 kept
    move_in_the_browser(slider, 10 ** 0.2)
    move_in_the_browser(slider, 10 ** 0.3)
    assert len(calls) == 21 and shown == ["training…", ""]  # at once: no rerun, no label
    assert out.outputs[0]["text"] == "learning rate: 2\n"
    # a cell runs: what was kept may be stale, and nothing is computed while it runs
    kernel.fire("pre_run_cell")
    kernel.run(0.3)
    assert len(calls) == 21
    move_in_the_browser(slider, 10 ** -0.1)
    assert calls[-1] == 0.794 and shown[-2:] == ["training…", ""]  # computed on the move
    kernel.fire("post_run_cell")
    kernel.run(1.0)  # ahead again once the kernel is idle, from the slider's place
    assert len(calls) == 42 and calls[22] in (0.631, 1.0)


def test_sliders_shown_together_all_get_their_neighbours_first(kernel):
    calls = []
    first = lr_slider(lambda lr: calls.append(("first", lr)), lr=1.0, min_lr=0.1, max_lr=10.0)
    second = lr_slider(lambda lr: calls.append(("second", lr)), lr=1.0, min_lr=0.1,
                       max_lr=10.0)
    first.children[0].set_state({"_view_count": 1})  # both shown: the second is queued first
    second.children[0].set_state({"_view_count": 1})
    kernel.run(0.3)
    ahead = calls[2:8]  # after the two first runs: one step away from each, then two
    assert sorted(ahead[:4]) == [("first", 0.794), ("first", 1.26), ("second", 0.794),
                                 ("second", 1.26)], ahead
    assert sorted(ahead[4:6]) == [("first", 1.58), ("second", 1.58)], ahead


def test_computing_ahead_stops_after_its_budget(kernel, monkeypatch):
    monkeypatch.setattr(widgets_module._Ahead, "BUDGET", 0.1)
    calls = []

    def slow(lr):
        calls.append(lr)
        time.sleep(0.04)

    move_in_the_browser(lr_slider(slow, lr=1.0, min_lr=0.1, max_lr=10.0).children[0], 1.26)
    kernel.run(1.0)
    assert 2 + 1 <= len(calls) <= 2 + 4  # about 0.1 s of work ahead (not more), then it rests


def test_nothing_is_computed_ahead_with_precompute_false(kernel):
    calls = []
    slider = lr_slider(calls.append, lr=1.0, min_lr=0.1, max_lr=10.0, precompute=False)
    move_in_the_browser(slider.children[0], 1.26)
    kernel.run(0.3)
    assert calls == [1.0, 1.26]
    with pytest.raises(TypeError, match="precompute must be True or False"):
        lr_slider(print, precompute="no")


@pytest.fixture
def forking(monkeypatch):
    """A fake kernel whose _Ahead computes ahead in forked copies (as on Linux)."""
    if not hasattr(os, "fork"):
        pytest.skip("no os.fork here")
    monkeypatch.setattr(widgets_module._Ahead, "IDLE", 0.05)
    monkeypatch.setattr(widgets_module._Ahead, "FORK", True)
    fake = FakeKernel()
    monkeypatch.setattr(widgets_module._Ahead, "_instance", widgets_module._Ahead(fake, fake))
    return fake


def counted(lr):
    # a callback whose runs can be told apart: its process and the value
    print(f"ran {lr} in", "the kernel" if os.getpid() == KERNEL_PID else "a copy")


KERNEL_PID = os.getpid()


def test_a_slider_shown_in_a_browser_is_computed_ahead_in_forked_copies(forking):
    box = lr_slider(counted, lr=1.0, min_lr=0.1, max_lr=10.0)
    slider, busy, out = box.children
    forking.run(0.5)
    assert widgets_module._Ahead._instance.child is None  # not shown: nothing ahead
    shown = []
    busy.observe(lambda change: shown.append(change.new), names="value")
    slider.set_state({"_view_count": 1})  # the browser's view reports itself
    forking.run(3.0)
    move_in_the_browser(slider, 10 ** 0.1)  # the first move is ready too
    assert shown == [] and out.outputs[0]["text"] == "learning rate: 1.26\nran 1.26 in a copy\n"
    move_in_the_browser(slider, 10 ** -0.2)
    assert shown == [] and out.outputs[0]["text"] == "learning rate: 0.631\nran 0.631 in a copy\n"


def test_a_cell_stops_the_copy_and_what_it_computed_is_not_shown(forking):
    def slow(lr):
        time.sleep(0.5)
        counted(lr)

    slider, busy, out = lr_slider(slow, lr=1.0, min_lr=0.1, max_lr=10.0).children
    slider.set_state({"_view_count": 1})
    forking.run(0.2)
    ahead = widgets_module._Ahead._instance
    child = ahead.child
    assert child is not None and child.pid is not None  # a copy computes a position
    forking.fire("pre_run_cell")  # a cell: the copy is stopped, its file removed
    assert child.pid is None and not os.path.exists(child.path)
    forking.run(0.3)
    assert ahead.child is None  # and none starts while the cell runs
    move_in_the_browser(slider, child.v)  # so that position is computed on the move
    assert out.outputs[0]["text"].endswith(f"ran {child.v:g} in the kernel\n")


def test_a_copy_that_fails_keeps_nothing_and_the_move_shows_the_error(forking):
    def broken(lr):
        raise ValueError(f"no figure for {lr}")

    slider, busy, out = lr_slider(broken, lr=1.0, min_lr=0.1, max_lr=10.0).children
    slider.set_state({"_view_count": 1})
    forking.run(1.5)
    move_in_the_browser(slider, 10 ** 0.1)
    assert "ValueError: no figure for 1.26" in out.outputs[-1]["text"]


def test_the_budget_of_work_ahead_is_a_hubs_setting():
    from backprop_lib.widgets import ahead_budget

    assert ahead_budget(None) == 20.0 and ahead_budget(" ") == 20.0
    assert ahead_budget("5") == 5.0 and ahead_budget("0") == 0.0
    for bad in ("five", "-1", "nan", "inf"):
        with pytest.raises(ValueError, match="BACKPROP_SLIDER_AHEAD must be a number of "
                                             "seconds >= 0"):
            ahead_budget(bad)


def test_no_work_ahead_with_a_budget_of_0(forking, monkeypatch):
    monkeypatch.setattr(widgets_module._Ahead, "BUDGET", 0.0)
    slider = lr_slider(counted, lr=1.0, min_lr=0.1, max_lr=10.0).children[0]
    slider.set_state({"_view_count": 1})
    forking.run(0.5)
    assert widgets_module._Ahead._instance.child is None


def test_nothing_is_kept_outside_a_kernel():
    calls = []
    slider = lr_slider(calls.append, lr=1.0, min_lr=0.1, max_lr=10.0).children[0]
    slider.value = 10.0
    slider.value = 1.0  # back: rerun, since nothing says whether fn's world changed
    assert calls == [1.0, 10.0, 1.0]


KERNEL_SETUP = """\
import matplotlib.pyplot as plt
from backprop_lib import lr_slider

def show(lr):
    fig, ax = plt.subplots()
    ax.plot([0, lr])
    plt.show()
    print("trained", lr)
"""


def run_in_kernel(client, code: str) -> str:
    """Execute code in a kernel (jupyter_client's); return what it printed."""
    msg_id = client.execute(code)
    text = ""
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            text += msg["content"]["text"]
        if msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return text


FRAMED = """\
import base64, struct
import matplotlib.pyplot as plt
from IPython import get_ipython
from backprop_lib import lr_slider

def show(lr):  # tick labels from "0.0" to "1000": the tight box changes width
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    left.plot([0, 1], [0, lr])
    right.plot([0, 1], [lr, 0])
    left.set_title(f"learning rate {lr:g}")
    plt.show()

def png_size(outputs):
    png = base64.b64decode(outputs[-1]["data"]["image/png"])
    return struct.unpack(">II", png[16:24])

def tight_size(lr):  # what the shell's own formatter (bbox_inches="tight") makes
    plt.show = lambda: None
    show(lr)
    data, _ = get_ipython().display_formatter.format(plt.gcf())
    plt.close("all")
    del plt.show
    return struct.unpack(">II", base64.b64decode(data["image/png"])[16:24])

box = lr_slider(show, lr=1.0, min_lr=0.1, max_lr=1e6, step=1.0)
slider, out = box.children[0], box.children[-1]
sizes = [png_size(out.outputs)]
for lr in (1e3, 0.1, 100):
    slider.value = lr
    sizes.append(png_size(out.outputs))
print(sizes)
print([tight_size(1.0), tight_size(1e3)])
"""


def test_every_move_of_a_slider_draws_a_figure_of_the_same_size():
    # A panel must not jump sideways between moves: each run's figure is cut to the
    # slider's frame (its first figure's tight box, with room at the sides), not to its own
    # tight box, which grows with wider tick labels (the shell's own format, printed last:
    # without the frame the figure would jump).
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        run_in_kernel(client, "%matplotlib inline")
        sizes, tight = run_in_kernel(client, FRAMED).strip().splitlines()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    sizes = ast.literal_eval(sizes)  # (width, height) of each move's PNG, as printed
    first, wide = ast.literal_eval(tight)
    assert len(sizes) == 4 and len(set(sizes)) == 1, sizes
    assert sizes[0][1] == first[1] and sizes[0][0] >= wide[0] > first[0], (sizes, first, wide)


def test_a_kernel_computing_ahead_still_answers_every_cell():
    # After a move from a front end (a comm message, as a browser sends it), the idle
    # kernel computes slider positions ahead between cells; a cell sent meanwhile must
    # still run and get its own output (once, such a request was dropped: a hang).
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        def execute(code: str) -> str:
            return run_in_kernel(client, code)

        execute(KERNEL_SETUP)
        model = execute("box = lr_slider(show, lr=1.0, min_lr=0.1, max_lr=10.0)\n"
                        "print(box.children[0].model_id)").strip()
        client.shell_channel.send(client.session.msg("comm_msg", {
            "comm_id": model, "data": {"method": "update", "state": {"value": 1.2589},
                                       "buffer_paths": []}}))
        for k in range(5):
            time.sleep(0.6 * k)  # idle gaps: some short, some long enough to compute ahead
            assert execute(f"print('cell', {k})") == f"cell {k}\n"
        assert execute("print(box.children[-1].outputs[0]['text'])") == \
            "learning rate: 1.26\n\n"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_notebook_with_sliders_executes_with_nbclient(tmp_path):
    # nbclient (dev.py execute, nbval, the student copies) runs every cell without a
    # browser: no move, so nothing is computed ahead, and nothing hangs.
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        KERNEL_SETUP + "from backprop_lib import param_slider",
        "lr_slider(show, lr=1.0, min_lr=0.1, max_lr=10.0)",
        "print('after the lr slider')",
        'param_slider(show, "radius", 1.0, 0.3, 1.7, step=0.05)',
        *(f"print('quick cell {k}')" for k in range(5)))]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert nb.cells[-1].outputs[0]["text"] == "quick cell 4\n"
    assert nb.cells[2].outputs[0]["text"] == "after the lr slider\n"


# --- selfcheck ------------------------------------------------------------------------------

def test_check_correct(capsys):
    check("sigmoid(0)", 0.5000000001, 0.5)
    assert capsys.readouterr().out == "✅ sigmoid(0): correct\n"
    assert passed() is True
    check("arrays", [[1.0, 2.0]], np.array([[1.0, 2.0]]))
    assert capsys.readouterr().out.startswith("✅ arrays")
    assert passed() is True


def test_check_wrong_value_and_wrong_shape(capsys):
    check("z", 0.6, 0.5)
    out = capsys.readouterr().out
    assert out.startswith("❌ z: expected 0.5, got 0.6")
    assert passed() is False
    check("shape", np.zeros((3, 1)), np.zeros(3))
    assert "❌ shape: expected shape (3,), got shape (3, 1)" in capsys.readouterr().out
    assert passed() is False


def test_check_of_a_yes_no_answer_says_it_in_words(capsys):
    check("first step", False, True)
    out = capsys.readouterr().out
    assert "❌ first step: not yet (got False, expected True)" in out
    assert not passed()
    check("first step", np.True_, True)
    assert "✅ first step: correct" in capsys.readouterr().out and passed()
    check("first step", np.array([True, False]), True)
    assert "expected a single True or False, got shape (2,)" in capsys.readouterr().out
    assert not passed()


def test_check_tolerances(capsys):
    check("loose", 1.01, 1.0, rtol=0.1)
    assert passed() is True
    check("tight", 1.0 + 1e-5, 1.0)
    assert passed() is False
    capsys.readouterr()


def test_check_of_something_that_is_not_a_number(capsys):
    check("text", "0.5", 0.5)  # a numeric string is accepted as the number
    assert passed() is True
    check("text", "half", 0.5)
    assert capsys.readouterr().out.splitlines()[-1].startswith(
        "❌ text: expected a number or an array of numbers, got str")
    assert passed() is False
    check("none", None, 0.5)
    assert "❌ none: got None; does your function end with `return ...`?" in \
        capsys.readouterr().out
    assert passed() is False


def test_check_exercise_three_states(capsys):
    def not_done(x):
        raise NotImplementedError

    def wrong(x):
        return x + 1

    def right(x):
        return 2 * x

    results = []
    for fn in [not_done, wrong, right]:
        assert check_exercise("double", fn, (np.array([1.0, 2.0]),), [2.0, 4.0]) is None
        results.append(passed())
    lines = capsys.readouterr().out.replace("\n   ", " ").splitlines()  # undo the wrapping
    assert lines[0].startswith("⏳ double: not attempted yet")
    assert "raise NotImplementedError" in lines[0]
    assert lines[1].startswith("❌ double: expected [2. 4.], got [2. 3.]")
    assert lines[2] == "✅ double: correct"
    assert results == [False, False, True]


def test_check_exercise_passes_tolerances_and_reports_the_learners_own_error(capsys):
    check_exercise("approx", lambda: 3.14, (), np.pi, rtol=1e-2)
    assert passed() is True
    check_exercise("bug", lambda: 1 / 0, (), 1.0)  # issue 17: a verdict, not a traceback
    assert capsys.readouterr().out.splitlines()[1].startswith(
        "❌ bug: your function raised ZeroDivisionError: division by zero")
    assert passed() is False


def test_check_exercise_with_several_results_says_which_is_wrong(capsys):
    expected = (np.array([1.0, 2.0]), 3.0)           # e.g. (dL/dw, dL/db)
    cases = [
        (lambda: (np.array([1.0, 2.0]), 3.0), "✅ pair: correct"),
        (lambda: [np.array([1.0, 2.0]), 3.0], "✅ pair: correct"),   # a list will do
        (lambda: (1.0, 2.0, 3.0), "❌ pair: expected 2 results, returned together, e.g. "
                                  "`return a, b` or a list of 2; got 3 results"),
        (lambda: np.array([1.0, 2.0, 3.0]), "❌ pair: expected 2 results, returned together, "
                                            "e.g. `return a, b` or a list of 2; got a single "
                                            "ndarray"),
        (lambda: (np.array([1.0, 2.0, 0.0]), 3.0), "❌ pair, result 1: expected shape (2,), "
                                                   "got shape (3,)"),
        (lambda: (np.array([1.0, 2.0]), [3.0]), "❌ pair, result 2: expected a single number, "
                                                "got shape (1,)"),
        (lambda: (np.array([1.0, 2.0]), "three"), "❌ pair, result 2: expected a number or an "
                                                  "array of numbers, got str 'three'"),
        (lambda: (np.array([1.0, 2.0]), None), "❌ pair: result 2 is None; is it computed "
                                               "before `return`?"),
        (lambda: (np.array([1.0, 2.5]), 3.0), "❌ pair, result 1: expected [1. 2.], got "
                                              "[1.  2.5]; largest difference 5.0e-01, relative "
                                              "2.5e-01, allowed 1e-06"),
        (lambda: None, "❌ pair: got None; does your function end with `return ...`?"),
    ]
    for fn, line in cases:
        check_exercise("pair", fn, (), expected, parts=2)
        assert capsys.readouterr().out.replace("\n   ", " ").strip() == line
        assert passed() is line.startswith("✅")
    check_exercise("pair", lambda: (1.0,), (), expected, parts=["dL/dw", "dL/db"])
    assert "expected 2 results (dL/dw, dL/db)" in capsys.readouterr().out
    check_exercise("pair", lambda: (np.array([1.0, 2.0]), 4.0), (), expected,
                   parts=["dL/dw", "dL/db"])
    assert capsys.readouterr().out.startswith("❌ pair, dL/db: expected 3, got 4; largest")
    check_exercise("pair", lambda: ([np.ones(2)], 3.0), (), expected, parts=["dL/dw", "dL/db"])
    assert "dL/dw is a list, not an array: did you return" in capsys.readouterr().out


def test_a_near_miss_says_how_near_and_suggests_float32(capsys):
    check("x", np.float32(1 / 3), 1 / 3)                  # float32 is within the default rtol
    assert capsys.readouterr().out.strip() == "✅ x: correct"
    check("x", 1 / 3 + 1e-5, 1 / 3)  # float64 work: no float32 hint (issue 16)
    assert capsys.readouterr().out.replace("\n   ", " ").strip().endswith(
        "largest difference 1.0e-05, relative 3.0e-05, allowed 1e-06")
    assert not passed()
    check("x", np.float32(1 / 3 + 1e-5), 1 / 3)
    assert capsys.readouterr().out.replace("\n   ", " ").strip().endswith(
        "allowed 1e-06 (close: float32 rounding? compute in float64)")
    assert not passed()
    check("x", 0.5, 1 / 3)
    assert "float32" not in capsys.readouterr().out


def test_check_exercise_passes_copies_and_says_when_inputs_were_changed(capsys):
    def in_place(W, dW):
        W -= 0.1 * dW                                     # the mistake
        return W

    W, dW = np.ones(3), np.ones(3)
    check_exercise("update", in_place, (W, dW), np.full(3, 0.9))
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✅ update: correct"
    assert out[1].startswith("⚠️ update: your function changed argument 1 (an array it was given)")
    np.testing.assert_array_equal(W, np.ones(3))          # the caller's arrays are untouched
    check_exercise("update", lambda W, dW: W - 0.1 * dW, (W, dW), np.full(3, 0.9))
    assert capsys.readouterr().out.strip() == "✅ update: correct"


def test_check_exercise_with_a_judge_checks_what_the_answer_must_satisfy(capsys):
    def judge(n):
        return None if n is not None and n * n == 49 else f"{n!r} squared is not 49"

    for fn, line in [(lambda: 7, "✅ root: correct"), (lambda: 6, "❌ root: 6 squared is not 49"),
                     (lambda: None, "❌ root: None squared is not 49")]:
        check_exercise("root", fn, (), judge=judge)
        assert capsys.readouterr().out.strip() == line
        assert passed() is line.startswith("✅")

    def not_done():
        raise NotImplementedError

    check_exercise("root", not_done, (), judge=judge)
    assert capsys.readouterr().out.startswith("⏳ root: not attempted yet")

def test_draw_network_notes_and_input_names():
    fig = drawn(draw_network([2, 3, 1], input_names=["hours studied", "hours slept"],
                             notes=["n1", "n2", "n3", "out"]))
    texts = [t.get_text() for t in fig.axes[0].texts]
    for label in ["hours studied", "hours slept", "n1", "n3", "out"]:
        assert label in texts
    with pytest.raises(ValueError, match="one text per unit"):
        draw_network([2, 3, 1], notes=["only one"])


# --- draw_graph -----------------------------------------------------------------------------

def neuron_graph():
    """Notebook 06's neuron as Values (8 levels deep, 4 inputs side by side), after backward."""
    from backprop_lib import Value

    w1, x1 = Value(0.8, label="w1"), Value(1.5, label="x1")
    w2, x2 = Value(-0.4, label="w2"), Value(0.5, label="x2")
    b, y = Value(0.1, label="b"), Value(1.0, label="y")
    L = 0.5 * ((w1 * x1 + w2 * x2 + b).sigmoid() - y) ** 2
    L.label = "L"
    L.backward()
    return L


def test_draw_graph_fits_a_notebook_column_with_14_pt_text_in_projector_mode():
    """Projector mode: the neuron is drawn left to right in short form (a key says what the
    lines are), no wider than the column JupyterLab shows unscaled, text 14 pt or more."""
    from backprop_lib import draw_graph, set_style
    from backprop_lib.style import MIN_SHOWN_PT, shown_points

    try:
        set_style(projector=True)
        fig = drawn(draw_graph(neuron_graph(), title="a neuron"))
        shown_width = fig.get_tightbbox().width * fig.dpi + 0.2 * fig.dpi  # as a notebook saves it
        texts = [t for t in fig.axes[0].texts if t.get_text()]
        assert shown_width <= PAGE_WIDTH_PX
        assert min(shown_points(t.get_fontsize(), fig.dpi) for t in texts) >= MIN_SHOWN_PT - 1e-9
        assert "each box: its name, data and grad" in [t.get_text() for t in texts]
        assert "w1\n0.8000\n-0.0702" in [t.get_text() for t in texts]
        width, height = fig.get_size_inches()
        assert width > height  # left to right: the whole graph on one screen
    finally:
        set_style(projector=False)


def test_draw_graph_in_normal_mode_writes_data_and_grad_out_and_shows_powers_as_such():
    from backprop_lib import draw_graph

    fig = drawn(draw_graph(neuron_graph()))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "w1\ndata 0.8000\ngrad -0.0702" in texts
    assert "x²" in texts and "σ" in texts and "0.5" in texts
    assert not any(t.startswith("each box") for t in texts)
    assert fig.get_size_inches()[0] * fig.dpi <= PAGE_WIDTH_PX


# --- projector mode: the figures laid out in fixed units fit a projector's screen ---------

def projector_figures():
    """The fixed-layout figures the notebooks draw (06's graph, 05's digit grids and
    confusion matrix, 04's), with the longest texts they write."""
    from backprop_lib import draw_graph

    rng = np.random.default_rng(0)
    digits = rng.random((30, 28, 28))
    true = rng.integers(0, 10, 10_000)
    said = np.where(rng.random(10_000) < 0.95, true, rng.integers(0, 10, 10_000))
    sure = [f"true {k % 10}, said {(k + 5) % 10}\n({0.9999:.2%} sure)" for k in range(12)]
    return {
        "draw_graph": lambda: draw_graph(neuron_graph(), title="notebook 01's neuron as a "
                                         "computational graph"),
        "20 digits": lambda: plot_images(digits[:20], titles=list(true[:20])),
        "30 weights": lambda: plot_images(digits - 0.5, symmetric=True, size=1.4,
                                          titles=[f"unit {j}" for j in range(30)]),
        "12 mistakes": lambda: plot_images(digits[:12], ncols=6, size=1.8, titles=sure),
        "10 classes": lambda: plot_confusion_matrix(true, said)[0],
        "10 classes, shares": lambda: plot_confusion_matrix(true, said, normalize=True)[0],
        "3 names": lambda: plot_confusion_matrix(
            true[:150] % 3, said[:150] % 3, class_names=["setosa", "versicolor", "virginica"])[0],
    }


@pytest.fixture
def projector_mode():
    """set_style(projector=True) for one test; the rcParams it found afterwards."""
    from backprop_lib import set_style

    with matplotlib.rc_context():
        set_style(projector=True)
        yield


@pytest.mark.parametrize("name", list(projector_figures()))
def test_projector_mode_draws_fixed_layouts_to_fit_the_screen(name, projector_mode):
    """In projector mode a graph, an image grid or a confusion matrix is drawn to fit a
    projector's screen (fits_projector: seen whole at 100 % and 150 % zoom, its text at
    14 pt or more there), so it is shown as drawn (scale 1), its text at 14 pt or more,
    and what it writes still in its place (below)."""
    from matplotlib.text import Text

    from backprop_lib.style import MIN_SHOWN_PT, fit_for_projector, fits_projector, saved_size_px

    fig = projector_figures()[name]()
    assert fit_for_projector(fig) == 1.0  # (it draws the figure)
    assert fits_projector(*saved_size_px(fig)), saved_size_px(fig)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert min(t.get_fontsize() for t in texts) * fig.dpi / 96 >= MIN_SHOWN_PT - 1e-9
    if "classes" in name or "names" in name:
        counts_fit_their_cells(fig.axes[0])
    elif name != "draw_graph":
        grid_keeps_titles_apart(fig, n=int(name.split()[0]), ncols=6 if "mistakes" in name else 10)


def grid_keeps_titles_apart(fig, n: int, ncols: int) -> None:
    """Projector mode's image grid: every image drawn, at least 0.4 inches wide, no more
    columns than asked for, and no two titles touching."""
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == n
    assert all(ax.get_window_extent().width >= 0.4 * fig.dpi - 1 for ax in shown)
    assert len({round(ax.get_window_extent().x0) for ax in shown}) <= ncols
    boxes = [ax.title.get_window_extent() for ax in shown]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def counts_fit_their_cells(ax) -> None:
    """Projector mode's confusion matrix: each count inside its cell, the class names
    upright and apart."""
    k = len(ax.get_xticks())
    frame = ax.get_window_extent()
    cell_w, cell_h = frame.width / k, frame.height / k
    for t in ax.texts:
        box = t.get_window_extent()
        assert box.width < cell_w and box.height < cell_h, (t.get_text(), box, cell_w, cell_h)
    names = [t.get_window_extent() for t in ax.get_xticklabels()]
    assert all(t.get_rotation() == 0 for t in ax.get_xticklabels())
    assert not any(a.overlaps(b) for a, b in zip(names, names[1:]))


def test_confusion_matrix_in_normal_mode_is_as_before():
    """Normal mode (saved notebooks) keeps its layout: 0.5 inch a class, names at 45
    degrees for up to 4 classes."""
    fig, _ = plot_confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1], class_names=["a", "b", "c"])
    assert tuple(fig.get_size_inches()) == (4.0, 3.5)
    assert {t.get_rotation() for t in drawn(fig).axes[0].get_xticklabels()} == {45}
