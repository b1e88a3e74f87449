"""A learning-rate slider in front of any training function, and one for any other number.

Pattern for notebooks (it also works under nbval, where no browser is there):
    show_training(lr=0.1)              # a checked cell: a static figure for every reader
    lr_slider(show_training, lr=0.1)   # a cell tagged nbval-ignore-output: the live slider
param_slider(fn, "spectral radius", 1.0, 0.3, 1.7) is the same for another quantity;
lr_slider is param_slider's log-scale mechanism, labelled "learning rate".

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
from numbers import Real


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
    return _slider(train_and_plot, "learning rate", lr, min_lr, max_lr, log=True, step=step,
                   words=_LR_WORDS)


def param_slider(fn: Callable[[float], object], name: str, value: float, min_value: float,
                 max_value: float, *, log: bool = False, step: float | None = None):
    """A slider for any one number; each move reruns fn(value), like lr_slider.

    The line "{name}: X" is printed first on every run (so fn need not print its value).
    Linear by default, step (max_value - min_value) / 20; with log=True step is in powers
    of 10 (default 0.1), and the range must be above 0.
        param_slider(show_norms, "spectral radius", 1.0, 0.3, 1.7, step=0.05)
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"param_slider needs the name of the value as its label, e.g. "
                        f"param_slider(show_norms, \"spectral radius\", 1.0, 0.3, 1.7), "
                        f"got {type(name).__name__} {name!r:.40}")
    if not isinstance(log, bool):
        raise TypeError(f"log must be True or False, got {type(log).__name__} {log!r:.40}")
    if step is None:  # a default only for a range that passes the checks in _slider
        finite = all(isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)
                     for v in (min_value, max_value))
        step = 0.1 if log or not finite else (max_value - min_value) / 20
    return _slider(fn, name, value, min_value, max_value, log=log, step=step,
                   words=_PARAM_WORDS)


def _slider(fn, name: str, value, min_value, max_value, *, log: bool, step, words: dict):
    """The one mechanism behind lr_slider and param_slider: a slider (log or linear) and
    an Output widget that shows each run of fn, recorded by _record."""
    import ipywidgets as widgets

    _check_slider(fn, value, min_value, max_value, step, log=log, words=words)
    common = dict(description=name, continuous_update=False, readout_format=".3g",
                  style={"description_width": "initial"}, layout={"width": "500px"})
    if log:
        slider = widgets.FloatLogSlider(value=value, base=10, min=math.log10(min_value),
                                        max=math.log10(max_value), step=step, **common)
    else:
        slider = widgets.FloatSlider(value=value, min=min_value, max=max_value, step=step,
                                     **common)
    out = widgets.Output()

    def run(change=None) -> None:
        def one_run():
            print(f"{name}: {slider.value:.3g}")
            fn(slider.value)

        out.outputs = tuple(_record(one_run))

    slider.observe(run, names="value")
    run()
    return widgets.VBox([slider, out])


def _check_slider(fn, value, min_value, max_value, step, *, log: bool = True,
                  words: dict | None = None) -> None:
    """Refuse each wrong argument of a slider with its own message and fix; `words` names
    the arguments as the caller spells them (lr_slider's by default)."""
    w = words or _LR_WORDS
    lo, hi, ex = w["min"], w["max"], w["examples"]
    if not callable(fn):
        raise TypeError(f"{w['function']} needs the function to rerun, e.g. {w['call']}, "
                        f"got {type(fn).__name__} {fn!r:.40}")
    for arg, v in ((w["value"], value), (lo, min_value), (hi, max_value), ("step", step)):
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(f"{arg} must be a number, e.g. {arg}={ex[arg]}, "
                            f"got {type(v).__name__} {v!r:.40}")
        if not math.isfinite(v):
            raise ValueError(f"{arg} must be a finite number, e.g. {arg}={ex[arg]}, got {v}")
    if log and min_value <= 0:
        raise ValueError(f"need 0 < {lo}: the slider is on a log scale, which has no 0 or "
                         f"negative values; got {lo}={min_value}, e.g. use {lo}={w['log_min']}")
    if min_value >= max_value:
        raise ValueError(f"need {lo} < {hi}, got {lo}={min_value} and {hi}={max_value}: "
                         f"swap them or widen the range, e.g. {w['range']}")
    if not min_value <= value <= max_value:
        raise ValueError(f"need {lo} <= {w['value']} <= {hi}: {w['value']}={value} is outside "
                         f"[{min_value}, {max_value}]; start inside the range, or widen it with "
                         f"{lo}= or {hi}=")
    if step <= 0:
        if log:
            raise ValueError(f"step must be > 0 (in powers of 10), got step={step}: e.g. "
                             f"step=0.1 moves {w['what']} by a factor 10**0.1 ≈ 1.26")
        raise ValueError(f"step must be > 0, got step={step}: e.g. step="
                         f"{(max_value - min_value) / 20:.3g} moves {w['what']} a twentieth "
                         "of the range")
    width = math.log10(max_value) - math.log10(min_value) if log else max_value - min_value
    if step > width:
        unit = f"{width:.3g} powers of 10" if log else f"{width:.3g}"
        raise ValueError(f"step={step} is larger than the whole range, {unit} from {lo} to "
                         f"{hi}: use a smaller step, e.g. step={0.1 if log else width / 20:.3g}")


# how each slider names its arguments in the messages of _check_slider
_LR_WORDS = {
    "function": "lr_slider", "call": "lr_slider(show_training)", "value": "lr",
    "min": "min_lr", "max": "max_lr", "what": "the learning rate", "log_min": "1e-3",
    "range": "min_lr=1e-3, max_lr=10",
    "examples": {"lr": 0.1, "min_lr": 1e-3, "max_lr": 10.0, "step": 0.1},
}
_PARAM_WORDS = {
    "function": "param_slider", "value": "value", "min": "min_value", "max": "max_value",
    "call": 'param_slider(show_norms, "spectral radius", 1.0, 0.3, 1.7)',
    "what": "the value", "log_min": "1e-3", "range": "min_value=0.3, max_value=1.7",
    "examples": {"value": 1.0, "min_value": 0.3, "max_value": 1.7, "step": 0.05},
}
