"""set_style: normal mode is what the notebooks always did; projector mode shows every text
of backprop_lib's figures at 14 pt or more, with thicker lines and sharper figures."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from backprop_lib import (
    History,
    Network,
    Value,
    draw_graph,
    draw_network,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_images,
    set_style,
)
from backprop_lib.style import MIN_SHOWN_PT, projector_from_env, shown_points


@pytest.fixture(autouse=True)
def restore_rc():
    """Each test starts from, and leaves behind, the rcParams it found."""
    with mpl.rc_context():
        yield
    plt.close("all")


def all_figures():
    """One figure of each backprop_lib plot, with every kind of text each one writes."""
    net = Network([2, 3, 2], output="softmax", loss="cross_entropy", seed=0)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    L = (w * x + 1.0).tanh()
    L.backward()
    y = np.array([0, 1, 1, 0])
    return {
        "plot_history": plot_history(History(lr=0.5, loss=[1.0, 0.5], accuracy=[0.5, 1.0])),
        "plot_history (diverged)": plot_history(History(lr=100.0, diverged_at=1,
                                                        diverged_step=1)),
        "plot_decision_boundary": plot_decision_boundary(net, X, y, resolution=20,
                                                         class_names=["no", "yes"]),
        "draw_network": draw_network(net.sizes, net.W, net.b, input_names=["x1", "x2"],
                                     unit_names=[["x1", "x2"], ["h1", "h2", "h3"],
                                                 ["y1", "y2"]],
                                     notes=["a", "b", "c", "d", "e"]),
        "plot_images": plot_images(np.zeros((4, 5, 5)), titles=["0", "1", "2", "3"]),
        "plot_confusion_matrix": plot_confusion_matrix(y, np.array([0, 1, 0, 0]))[0],
        "draw_graph": draw_graph(L, title="a graph"),
    }


def texts(fig) -> list[Text]:
    """Every visible, non-empty text of a figure (titles, labels, ticks, legends, notes)."""
    fig.canvas.draw()  # tick labels exist only once drawn
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_normal_mode_is_what_the_notebooks_did():
    """figure.dpi = 80 and matplotlib's defaults otherwise, even after projector mode."""
    set_style(projector=True)
    set_style(projector=False)
    assert mpl.rcParams["figure.dpi"] == 80
    for key in ("font.size", "lines.linewidth", "axes.linewidth", "lines.markersize"):
        assert mpl.rcParams[key] == mpl.rcParamsDefault[key], key


def test_normal_mode_keeps_backprop_lib_text_at_its_old_sizes():
    """Relative sizes: at matplotlib's default 10 pt the plots' text is as before (8 to 13 pt)."""
    set_style(projector=False)
    sizes = {t.get_fontsize() for fig in all_figures().values() for t in texts(fig)}
    assert min(sizes) == pytest.approx(8) and max(sizes) == pytest.approx(13)


def test_projector_mode_shows_every_text_at_14_pt_or_more():
    set_style(projector=True)
    too_small = []
    for name, fig in all_figures().items():
        for t in texts(fig):
            shown = shown_points(t.get_fontsize(), fig.dpi)
            if shown < MIN_SHOWN_PT - 1e-9:
                too_small.append(f"{name}: {t.get_text()!r} at {shown:.1f} pt")
    assert not too_small, "text smaller than 14 pt as shown:\n" + "\n".join(too_small)


def test_projector_mode_is_sharper_and_bolder():
    set_style(projector=True)
    assert mpl.rcParams["figure.dpi"] > 80
    assert mpl.rcParams["lines.linewidth"] > mpl.rcParamsDefault["lines.linewidth"]
    assert mpl.rcParams["axes.linewidth"] > mpl.rcParamsDefault["axes.linewidth"]


def test_normal_mode_text_is_smaller_than_14_pt_so_the_test_above_can_fail():
    set_style(projector=False)
    fig = all_figures()["plot_confusion_matrix"]
    assert min(shown_points(t.get_fontsize(), fig.dpi) for t in texts(fig)) < MIN_SHOWN_PT


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), ("True", True),
                                       ("0", False), ("", False), ("false", False)])
def test_the_environment_variable_switches_it(monkeypatch, value, on):
    monkeypatch.setenv("BACKPROP_PROJECTOR", value)
    assert projector_from_env() is on
    set_style()
    assert (mpl.rcParams["figure.dpi"] > 80) is on


def test_without_the_variable_it_is_normal_mode(monkeypatch):
    monkeypatch.delenv("BACKPROP_PROJECTOR", raising=False)
    set_style()
    assert mpl.rcParams["figure.dpi"] == 80


def test_a_wrong_argument_says_what_is_expected():
    with pytest.raises(TypeError, match="True, False or None"):
        set_style(projector="yes")


def test_fits_page_says_whether_a_figure_is_shown_whole():
    from backprop_lib import fits_page
    from backprop_lib.style import PAGE_WIDTH_PX

    assert fits_page(PAGE_WIDTH_PX / 80, dpi=80)
    assert not fits_page(PAGE_WIDTH_PX / 80 + 0.01, dpi=80)
    with mpl.rc_context({"figure.dpi": 120}):  # projector mode's dpi
        assert fits_page(9) and not fits_page(12)


# ---- projector mode fits every figure into what a projector shows -----------------------

@pytest.mark.parametrize("size, panels", [((6.4, 4.8), 1), ((12, 4), 2), ((8, 8), 1),
                                          ((14, 3), 3), ((3.5, 2), 1)])
def test_fit_for_projector_keeps_figures_within_the_zoomed_area(size, panels):
    """Shown at projector mode's dpi, every figure's box fits (fits_projector: at most
    PROJECTOR_FIT_PX wide, and as tall as its width allows), its text keeps its size, and
    a figure that already fits is left alone."""
    from backprop_lib.style import PROJECTOR_FIT_PX, fit_for_projector, projector_max_height

    set_style(projector=True)
    fig, axes = plt.subplots(1, panels, figsize=size, squeeze=False)
    for ax in axes[0]:
        ax.plot([0, 1], [0, 1], label="a line")
        ax.set(title="a title", xlabel="epoch", ylabel="loss")
        ax.legend()
    sizes_before = {round(t.get_fontsize(), 6) for t in texts(fig)}  # (fewer ticks, maybe)
    factor = fit_for_projector(fig)
    fig.draw_without_rendering()
    box = fig.get_tightbbox()
    width, height = ((box.width + 0.2) * fig.dpi, (box.height + 0.2) * fig.dpi)
    assert width <= PROJECTOR_FIT_PX[0] + 1 and height <= projector_max_height(width) + 1, (
        size, width, height)
    assert {round(t.get_fontsize(), 6) for t in texts(fig)} == sizes_before
    if size == (3.5, 2):
        assert factor == 1.0 and tuple(fig.get_size_inches()) == size


def test_projector_fit_width_keeps_text_at_14pt_when_zoomed():
    """A figure as wide as PROJECTOR_FIT_PX is shrunk to the zoomed column, its smallest
    text (14 pt as shown) still 14 pt or more on the screen."""
    from backprop_lib.style import PROJECTOR_FIT_PX, ZOOM, ZOOMED_AREA_PX

    shrink = ZOOMED_AREA_PX[0] / PROJECTOR_FIT_PX[0]
    assert MIN_SHOWN_PT * shrink * ZOOM >= MIN_SHOWN_PT - 1e-9
    assert PROJECTOR_FIT_PX[1] < ZOOMED_AREA_PX[1]


def test_fit_for_projector_never_resizes_a_fixed_layout():
    """A figure laid out in fixed units (draw_graph's boxes, sized in pixels) would
    overlap if resized: projector mode keeps it as drawn and says how much smaller to show
    it, the largest scale at which it fits."""
    from backprop_lib.style import FIXED_LAYOUT, fit_for_projector, fits_projector

    set_style(projector=True)
    for size in ((12, 6), (6, 6), (4, 2)):  # too wide; too tall; fits
        fig = plt.figure(figsize=size)
        fig.text(0.5, 0.5, "a box sized to its text", ha="center")
        fig.add_axes((0, 0, 1, 1)).plot([0, 1], [0, 1])
        setattr(fig, FIXED_LAYOUT, True)
        scale = fit_for_projector(fig)
        assert tuple(fig.get_size_inches()) == size
        fig.draw_without_rendering()
        box = fig.get_tightbbox()
        width, height = (box.width + 0.2) * fig.dpi, (box.height + 0.2) * fig.dpi
        assert fits_projector(width * scale, height * scale), size
        assert (scale == 1.0) == fits_projector(width, height), size
        if scale < 1.0:  # and not a lot smaller than it must be
            assert not fits_projector(width * scale * 1.02, height * scale * 1.02), size


@pytest.mark.parametrize("width", [300, 623, 673, 800, 934])
def test_a_figure_that_fits_projector_is_seen_whole_with_14_pt_text_at_150(width):
    """fits_projector is the browser's geometry: a figure as tall as it allows, shown at
    150 % in each column JupyterLab has (a cell's, 673 pixels; Presentation Mode's; a
    slider's, 623), is no taller than the area less a margin, and its 14 pt text is
    shown at 14 pt or more (the browser shrinks a wider figure to the column)."""
    from backprop_lib.style import (
        PROJECTOR_FIT_PX,
        ZOOM,
        ZOOMED_AREA_PX,
        fits_projector,
        projector_max_height,
    )

    height = projector_max_height(width)
    assert fits_projector(width, height) and not fits_projector(width, height + 2)
    for column in (673, 627, 623):
        shrink = min(1.0, column / width)
        assert height * shrink <= PROJECTOR_FIT_PX[1] + 1e-9 < ZOOMED_AREA_PX[1]
        assert MIN_SHOWN_PT * shrink * ZOOM >= MIN_SHOWN_PT - 1e-9
    assert not fits_projector(PROJECTOR_FIT_PX[0] + 2, 100)


def test_fit_for_projector_makes_a_figure_shorter_not_narrower():
    """A figure that is narrow enough but too tall (07's, a long title and a legend of
    three lines) is made shorter only, and fits as drawn: shrinking its width as well
    would squeeze its axes below its legend (shown smaller then, text and all)."""
    from backprop_lib.style import fit_for_projector, fits_projector, saved_size_px

    set_style(projector=True)
    fig, ax = plt.subplots(figsize=(7, 4))
    for label in ("the table's radii", "spectral radius 1.50", "radius ** s"):
        ax.semilogy(np.arange(60), 1.1 ** np.arange(60), label=label)
    ax.set(xlabel="distance s from the last step (steps back in time)",
           ylabel="norm of dL/dh", title="error from the last step, carried back through time")
    ax.legend(loc="lower left")
    width_before = saved_size_px(fig)[0]
    assert not fits_projector(*saved_size_px(fig))
    assert fit_for_projector(fig) == 1.0
    assert fits_projector(*saved_size_px(fig))
    assert fig.get_figwidth() == 7 and abs(saved_size_px(fig)[0] - width_before) < 30
    legend = ax.get_legend().get_window_extent()
    assert ax.get_window_extent().contains(legend.x0 + 1, legend.y0 + 1)
    assert ax.get_window_extent().contains(legend.x1 - 1, legend.y1 - 1)
