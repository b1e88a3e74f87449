"""The series' matplotlib look: the normal one, and a projector mode for a classroom.

A notebook's setup cell calls set_style(). Normal mode is what the notebooks always did
(figure.dpi = 80, otherwise matplotlib's defaults), so saved figures do not change.
Projector mode (set_style(projector=True), or the environment variable
BACKPROP_PROJECTOR=1 before JupyterLab starts) makes every figure readable from the back
of a room: figures shown 1.5 times as large, text of at least 14 pt at that size, lines
thicker, and PNGs at twice the pixel density (sharp on a zoomed page).

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
        _retina = _set_figure_format("retina" if projector else "png") and projector


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


def _set_figure_format(name: str) -> bool:
    """Inside IPython (a notebook's kernel): set the inline backend's image format and
    return True (False elsewhere). "retina" draws PNGs at twice figure.dpi, shown at the
    same size: sharp when the page is zoomed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats(name)
    return True
