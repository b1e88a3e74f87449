"""A learning-rate slider in front of any training function.

Pattern for notebooks (it also works under nbval, where no browser is there):
    show_training(lr=0.1)              # a checked cell: a static figure for every reader
    lr_slider(show_training, lr=0.1)   # a cell tagged nbval-ignore-output: the live slider
"""

from __future__ import annotations

import math
from collections.abc import Callable


def lr_slider(train_and_plot: Callable[[float], object], lr: float = 0.1,
              min_lr: float = 1e-3, max_lr: float = 10.0, step: float = 0.1):
    """A log-scale slider for the learning rate; each move reruns train_and_plot(lr).

    train_and_plot should train, draw a new figure and call plt.show(). The line
    "learning rate: X" is printed first on every run, so a reader (or a test) can
    see which value the figure belongs to.
    """
    import ipywidgets as widgets

    if not callable(train_and_plot):
        raise TypeError("lr_slider needs the function to rerun, e.g. lr_slider(show_training)")
    if not 0 < min_lr <= lr <= max_lr:
        raise ValueError(f"need 0 < min_lr <= lr <= max_lr, got {min_lr}, {lr}, {max_lr}")
    slider = widgets.FloatLogSlider(
        value=lr, base=10, min=math.log10(min_lr), max=math.log10(max_lr), step=step,
        description="learning rate", continuous_update=False, readout_format=".3g",
        style={"description_width": "initial"}, layout={"width": "500px"},
    )

    def run(lr: float) -> None:
        print(f"learning rate: {lr:.3g}")
        train_and_plot(lr)

    out = widgets.interactive_output(run, {"lr": slider})
    return widgets.VBox([slider, out])
