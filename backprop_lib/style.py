"""The series' matplotlib look: the normal one, and a projector mode for a classroom.

A notebook's setup cell calls set_style(). Normal mode is what the notebooks always did
(figure.dpi = 80, otherwise matplotlib's defaults), so saved figures do not change.
Projector mode (set_style(projector=True), or the environment variable
BACKPROP_PROJECTOR=1 before JupyterLab starts) makes every figure readable from the back
of a room: figures shown 1.5 times as large, text of at least 14 pt at that size, lines
thicker, and PNGs at twice the pixel density (sharp on a zoomed page).

Projector mode also fits every figure into what a projector shows (fits_projector,
fit_for_projector): just before a figure is shown, one that would not be seen whole in
JupyterLab's notebook area of a 1280 x 720 window at 150 % zoom, or so wide that the
browser would shrink its text below 14 pt there, is made smaller in inches, its text
keeping its size. The plots of backprop_lib whose boxes are sized to their text (graphs,
image grids, confusion matrices) are laid out in projector mode to fit from the start.

Sizes "as shown": JupyterLab shows a figure at figure.dpi pixels per inch of the figure,
and the browser counts 96 pixels per inch, so text of s points is shown at
s * figure.dpi / 96 points. backprop_lib's plots size their text relative to
rcParams["font.size"] (see text_size), never in fixed points, so both modes reach them.
"""

from __future__ import annotations

import os

import matplotlib as mpl

NORMAL_DPI = 80
PROJECTOR_DPI = 120  # 1.5 times as large on screen as normal mode
MIN_SHOWN_PT = 14  # the smallest text projector mode shows, in points at the size shown
SMALLEST_TEXT = 0.8  # the smallest text_size() factor backprop_lib's plots use
CSS_DPI = 96  # pixels per inch, as browsers count them
# JupyterLab's output column in a 1280-pixel window (a projector's), file browser closed: a
# wider figure is shrunk to fit, its text with it
PAGE_WIDTH_PX = 1100
# JupyterLab 4.6 in a 1280 x 720 window at 150 % zoom (853 x 480 CSS pixels), file browser
# closed, as tests/test_browser.py measures it: the notebook area is 359 pixels tall, its
# output column 673 wide, 627 in Presentation Mode (its wider prompts), and a slider's
# output 4 pixels narrower than a cell's: 623, the narrowest. (At 100 % the area is 599
# pixels tall and its column over 1000 wide: the zoomed window is the one to fit.)
ZOOMED_AREA_PX = (623, 359)
ZOOMED_WIDE_COLUMN_PX = 673  # a cell's output column without Presentation Mode: the widest
ZOOM = 1.5
# The largest figure projector mode shows, in CSS pixels (its bounding box as saved, with
# matplotlib_inline's bbox_inches="tight"): width, the widest one the browser shrinks to
# the zoomed column with its text still at 14 pt or more (14 pt * shrink * zoom >= 14 pt:
# shrink >= 1 / ZOOM); height, the area less the output's padding and a margin, for a
# figure no wider than the column. A wider figure is shrunk to the column, its height with
# it, so it may be taller in proportion (projector_max_height).
PROJECTOR_FIT_PX = (ZOOMED_AREA_PX[0] * ZOOM, ZOOMED_AREA_PX[1] - 24)
_PAD_INCHES = 0.1  # matplotlib's savefig pad_inches, which "tight" adds around the box
# a figure attribute: True for a figure laid out in fixed units (boxes sized to their text),
# which fit_for_projector must not resize (draw_graph sets it)
FIXED_LAYOUT = "backprop_fixed_layout"

# Projector mode's settings; normal mode puts every one of these keys back to its default.
PROJECTOR_RC = {
    "figure.dpi": PROJECTOR_DPI,
    # smallest text: SMALLEST_TEXT * 14 pt * 120 / 96 = 14 pt as shown
    "font.size": MIN_SHOWN_PT * CSS_DPI / PROJECTOR_DPI / SMALLEST_TEXT,
    "lines.linewidth": 2.5,
    "lines.markersize": 8,
    "axes.linewidth": 1.25,
    "grid.linewidth": 1.2,
    "patch.linewidth": 1.5,
    "xtick.major.width": 1.25,
    "ytick.major.width": 1.25,
    "xtick.major.size": 5,
    "ytick.major.size": 5,
}
TRUE_WORDS = ("1", "true", "yes", "on")
_retina = False  # True while projector mode has switched the inline backend to "retina"


def projector_from_env() -> bool:
    """True if the environment variable BACKPROP_PROJECTOR asks for projector mode."""
    return os.environ.get("BACKPROP_PROJECTOR", "").strip().lower() in TRUE_WORDS


def set_style(projector: bool | None = None) -> None:
    """Set the series' matplotlib look: normal, or projector mode for a classroom.

    projector=None reads the environment variable BACKPROP_PROJECTOR ("1" or "true" is on),
    so a teacher switches every notebook at once without editing one. Call it in a
    notebook's setup cell, before the first figure.
    """
    if projector is None:
        projector = projector_from_env()
    if not isinstance(projector, bool):
        raise TypeError(f"projector must be True, False or None (read BACKPROP_PROJECTOR), "
                        f"not {projector!r}")
    if projector:
        mpl.rcParams.update(PROJECTOR_RC)
    else:
        mpl.rcParams.update({key: mpl.rcParamsDefault[key] for key in PROJECTOR_RC})
        mpl.rcParams["figure.dpi"] = NORMAL_DPI
    global _retina
    if projector or _retina:  # normal mode leaves the kernel's format alone unless we set it
        _retina = _set_figure_format("retina" if projector else "png", fit=projector) \
            and projector


def projector_on() -> bool:
    """True while projector mode's rcParams are set (set_style(projector=True)): the plots
    of backprop_lib then lay themselves out to fit a projector (fits_projector)."""
    return all(mpl.rcParams[key] == PROJECTOR_RC[key] for key in ("figure.dpi", "font.size"))


def projector_max_height(width_px: float) -> float:
    """The tallest a figure this many CSS pixels wide (as saved) may be in projector mode:
    PROJECTOR_FIT_PX's height, or more for a figure wider than the zoomed column, which the
    browser shrinks to the column's width, its height with it."""
    return PROJECTOR_FIT_PX[1] * max(1.0, width_px / ZOOMED_WIDE_COLUMN_PX)


def fits_projector(width_px: float, height_px: float) -> bool:
    """True if a figure of this size (CSS pixels at its dpi, its box as saved) is seen whole
    in the notebook area of a 1280 x 720 window at 100 % and at 150 % zoom, with and without
    Presentation Mode, its text of 14 pt as drawn shown at 14 pt or more in each."""
    return width_px <= PROJECTOR_FIT_PX[0] + 0.5 and \
        height_px <= projector_max_height(width_px) + 0.5


def saved_size_px(fig) -> tuple[float, float]:
    """(width, height) in CSS pixels at fig.dpi of a figure as a notebook shows it: its
    tight bounding box and matplotlib's 0.1-inch padding around it."""
    fig.draw_without_rendering()
    box = fig.get_tightbbox()
    return (box.width + 2 * _PAD_INCHES) * fig.dpi, (box.height + 2 * _PAD_INCHES) * fig.dpi


def fit_for_projector(fig) -> float:
    """Make a figure small enough to be seen whole on a projector (fits_projector). Returns
    the scale at which the figure must then be shown (1.0 but for the figures below).

    A figure is made smaller in inches, never its text, lines or markers, and laid out
    again (tight_layout, if it has no layout engine) so that its labels keep clear of
    each other: narrower if it is too wide, and shorter if it is too tall for its width
    (a figure wider than the zoomed column may be taller: the browser shrinks both). Text
    cannot shrink: a figure whose text alone is too large gets a returned scale below 1,
    like the figures below. A figure laid out in fixed units of its own (draw_graph's
    boxes, marked FIXED_LAYOUT) cannot be resized without its boxes overlapping: it is
    kept as drawn and the returned scale (< 1 if it does not fit) says how much smaller to
    show it, text included (the inline backend's image is given that size).
    """
    import warnings

    fixed = getattr(fig, FIXED_LAYOUT, False)
    for attempt in range(1 if fixed else 6):  # the box does not scale exactly with the size
        width, height = saved_size_px(fig)
        if fits_projector(width, height):
            return 1.0
        if fixed or attempt == 5:  # (still too large: its text alone) shown smaller
            return _shown_scale(width, height)
        to_width = min(width, PROJECTOR_FIT_PX[0])
        to_height = min(height, projector_max_height(to_width))
        w, h = fig.get_size_inches()  # (a little more than needed, as it converges)
        fig.set_size_inches(w * (to_width / width * 0.99 if to_width < width else 1.0),
                            h * (to_height / height * 0.99 if to_height < height else 1.0),
                            forward=False)
        if fig.get_layout_engine() is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "not compatible with tight_layout"
                fig.tight_layout()
    return 1.0


def _shown_scale(width_px: float, height_px: float) -> float:
    """The largest scale (at most 1) at which a figure of this size fits (fits_projector):
    the one that makes it narrow enough, or, if it is then still too tall, short enough
    (shrinking a figure that the browser shrinks to the column anyway does not shorten it
    there)."""
    scale = min(1.0, PROJECTOR_FIT_PX[0] / width_px)
    if not fits_projector(width_px * scale, height_px * scale):
        scale = min(scale, PROJECTOR_FIT_PX[1] / height_px)
    return scale


def text_size(scale: float = 1.0) -> float:
    """A font size, in points, relative to rcParams["font.size"]: what backprop_lib's plots
    use instead of fixed sizes, so that projector mode enlarges their text too. A scale
    below SMALLEST_TEXT would show text smaller than 14 pt in projector mode."""
    return scale * mpl.rcParams["font.size"]


def shown_points(font_size: float, dpi: float | None = None) -> float:
    """The size, in points on the screen, at which JupyterLab shows text of font_size
    points in a figure of the given dpi (default: rcParams["figure.dpi"])."""
    dpi = mpl.rcParams["figure.dpi"] if dpi is None else dpi
    return font_size * dpi / CSS_DPI


def fits_page(width_inches: float, dpi: float | None = None) -> bool:
    """True if a figure this many inches wide is shown whole in a notebook's column (at
    dpi, default rcParams["figure.dpi"]), False if JupyterLab would shrink it and its text:
    a figure that does not fit is better laid out another way (stacked, in more rows)."""
    dpi = mpl.rcParams["figure.dpi"] if dpi is None else dpi
    return width_inches * dpi <= PAGE_WIDTH_PX


def _set_figure_format(name: str, fit: bool = False) -> bool:
    """Inside IPython (a notebook's kernel): set the inline backend's image format and
    return True (False elsewhere). "retina" draws PNGs at twice figure.dpi, shown at the
    same size: sharp when the page is zoomed. fit: every figure goes through
    fit_for_projector just before it is drawn (setting the format again removes that)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats(name)
    if fit:
        from matplotlib.figure import Figure

        png = shell.display_formatter.formatters["image/png"]
        draw = png.lookup_by_type(Figure)

        def fit_then_draw(fig, *args, **kwargs):
            scale = fit_for_projector(fig)
            shown = draw(fig, *args, **kwargs)
            if scale < 1.0 and isinstance(shown, tuple):  # (png, {"width", "height"})
                data, metadata = shown
                metadata = {key: round(value * scale) if key in ("width", "height")
                            else value for key, value in metadata.items()}
                shown = data, metadata
            return shown

        png.for_type(Figure, fit_then_draw)
    return True
