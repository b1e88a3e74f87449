"""A learning-rate slider in front of any training function.

Pattern for notebooks (it also works under nbval, where no browser is there):
    show_training(lr=0.1)              # a checked cell: a static figure for every reader
    lr_slider(show_training, lr=0.1)   # a cell tagged nbval-ignore-output: the live slider

Why the recording below: the usual `interactive_output` lets an Output widget capture
what the callback prints and draws. With ipykernel 7 and JupyterLab 4, widget messages
are handled on a separate kernel thread, and the browser test saw the redrawn figure
lost or blank after a move. So each run records its own prints and figures, in order,
and hands them to the Output widget in one assignment.
"""

from __future__ import annotations

import math
import sys
import traceback
from collections.abc import Callable


class _Recording:
    """Collects one run's outputs as notebook output dicts (streams and displays)."""

    def __init__(self):
        self.outputs: list[dict] = []

    def write(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict, metadata: dict | None) -> None:
        self.outputs.append({"output_type": "display_data", "data": data,
                             "metadata": metadata or {}})


class _Stream:
    """A stand-in for sys.stdout / sys.stderr that writes into a recording."""

    encoding = "utf-8"

    def __init__(self, recording: _Recording, name: str):
        self.recording, self.name = recording, name

    def write(self, text: str) -> int:
        self.recording.write(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _record(fn: Callable[[], object]) -> list[dict]:
    """Run fn() with prints and displayed figures recorded; an error becomes its traceback."""
    from IPython import get_ipython
    from IPython.core.displaypub import DisplayPublisher
    from ipywidgets.widgets.interaction import show_inline_matplotlib_plots

    recording = _Recording()

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, *args, **kwargs):
            recording.display(data, metadata)

        def clear_output(self, wait=False):
            recording.outputs.clear()

    shell = get_ipython()
    saved = sys.stdout, sys.stderr, getattr(shell, "display_pub", None)
    sys.stdout, sys.stderr = _Stream(recording, "stdout"), _Stream(recording, "stderr")
    if shell is not None:
        shell.display_pub = Publisher()
    try:
        fn()
        show_inline_matplotlib_plots()  # a figure the callback left open without plt.show()
    except Exception:
        sys.stderr.write(traceback.format_exc())
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        if shell is not None:
            shell.display_pub = saved[2]
    return recording.outputs


def lr_slider(train_and_plot: Callable[[float], object], lr: float = 0.1,
              min_lr: float = 1e-3, max_lr: float = 10.0, step: float = 0.1):
    """A log-scale slider for the learning rate; each move reruns train_and_plot(lr).

    train_and_plot should train, draw a new figure and call plt.show(). The line
    "learning rate: X" is printed first on every run, so a reader (or a test) can
    see which value the figure belongs to. A value can also be typed into the box.
    step is in powers of 10: 0.1 moves the learning rate by a factor 10**0.1 ≈ 1.26.
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
    out = widgets.Output()

    def run(change=None) -> None:
        def one_run():
            print(f"learning rate: {slider.value:.3g}")
            train_and_plot(slider.value)

        out.outputs = tuple(_record(one_run))

    slider.observe(run, names="value")
    run()
    return widgets.VBox([slider, out])
