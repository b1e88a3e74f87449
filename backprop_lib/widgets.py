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

What a learner sees on a move (issue 23): the callback gets the value as the readout
shows it (3 significant digits), so a title made with f"{lr:g}" agrees with the readout;
"training…" beside the readout until the new figure replaces the old one, when the move
is not ready at once; and, once a browser shows the slider, the positions next to the
slider's are computed ahead while the kernel is idle (_Ahead; on Linux in forked copies of
the kernel, so a move never waits for that work), so most moves, the first one too, show
their figure at once. Speed is measured by benchmarks/bench_sliders.py, not by the tests.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
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
    """sys.stdout / sys.stderr while a run is recorded: what the recording thread writes
    goes into the recording; every other thread's writes, and everything else the kernel
    asks of its stream (set_parent, fileno, ...), go to the kernel's own stream."""

    encoding = "utf-8"

    def __init__(self, recording: _Recording, name: str, original):
        self.recording, self.name, self.original = recording, name, original
        self.thread = threading.get_ident()

    def write(self, text: str) -> int:
        if threading.get_ident() != self.thread:
            return self.original.write(text)
        self.recording.write(self.name, text)
        return len(text)

    def flush(self) -> None:
        if threading.get_ident() != self.thread:
            self.original.flush()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str):
        return getattr(self.original, name)


def _figure_output(fig, frames: list | None = None, k: int = 0) -> tuple[dict, dict]:
    """A figure as the kernel would show it (its PNG, or retina PNG in projector mode):
    the shell's own formatters, read only; outside IPython a plain PNG.

    frames: a slider's frames, one per figure of a run (see _framed): the k-th figure is
    cut to the k-th frame, so that every move's figure has the same size and its panels
    stay in place, instead of to its own tight box (which moves with the tick labels)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and getattr(shell, "display_formatter", None) is not None:
        framed = _framed(shell, fig, frames, k) if frames is not None else None
        return framed or shell.display_formatter.format(fig)
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return ({"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
             "text/plain": repr(fig)}, {})


FRAME_SLACK = 0.25  # inches added at each side of a slider's first frame (see _framed)


def _framed(shell, fig, frames: list, k: int) -> tuple[dict, dict] | None:
    """The figure as the shell's PNG formatter makes it, but cut to the slider's frame k:
    the tight box (with its padding) of the slider's first figure k, widened by
    FRAME_SLACK at each side. So the figure keeps its size while its tick labels change;
    one whose tight box does not fit the frame is cut to both together (larger: nothing
    is cut off). Every run gets the same result whichever process made it (a forked copy
    has the frame of the first figure too). None when the formatter is not the inline
    backend's (a partial with bbox_inches="tight"; projector mode's fits each figure to
    the screen instead): then the shell's own format is used."""
    from functools import partial

    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

    try:
        formatter = shell.display_formatter.formatters["image/png"].lookup_by_type(Figure)
    except KeyError:
        return None
    if not (isinstance(formatter, partial) and formatter.keywords.get("bbox_inches") == "tight"):
        return None
    size = tuple(fig.get_size_inches())
    pad = formatter.keywords.get("pad_inches")
    tight = fig.get_tightbbox().padded(0.1 if pad is None else pad)
    if k >= len(frames) or frames[k][0] != size:  # a first frame: room at the sides
        frames[k:k + 1] = [(size, Bbox.from_extents(tight.x0 - FRAME_SLACK, tight.y0,
                                                    tight.x1 + FRAME_SLACK, tight.y1))]
    frame = Bbox.union([frames[k][1], tight])  # the frame, unless this figure is larger
    result = partial(formatter.func, *formatter.args,
                     **{**formatter.keywords, "bbox_inches": frame})(fig)
    if result is None:
        return None
    png, metadata = result if isinstance(result, tuple) else (result, None)
    return ({"image/png": png, "text/plain": repr(fig)},
            {"image/png": metadata} if metadata else {})


def _record(fn: Callable[[], object], frames: list | None = None) -> list[dict]:
    """Run fn() with its prints and figures recorded; an error becomes its traceback.

    Nothing of the kernel's is replaced that the kernel uses while it handles a message:
    figures are taken from matplotlib (plt.show, for this thread only, records the
    figures this run opened, and closes them) and formatted by the shell's formatters;
    prints go through a stand-in for sys.stdout/stderr that passes everything else on to
    the kernel's streams (_Stream). A callback shows figures with plt.show() (or leaves
    them open) and text with print; IPython's display() is not recorded.
    """
    import matplotlib.pyplot as plt

    recording = _Recording()
    shown = [0]  # figures recorded so far (the frame of each, if frames are given)
    thread = threading.get_ident()
    before = set(plt.get_fignums())
    original_show = plt.show

    def take_figures() -> None:
        for number in plt.get_fignums():
            if number not in before:
                fig = plt.figure(number)
                recording.display(*_figure_output(fig, frames, shown[0]))
                shown[0] += 1
                plt.close(fig)

    def show(*args, **kwargs):
        if threading.get_ident() != thread:
            return original_show(*args, **kwargs)
        take_figures()

    saved = sys.stdout, sys.stderr
    sys.stdout = _Stream(recording, "stdout", saved[0])
    sys.stderr = _Stream(recording, "stderr", saved[1])
    plt.show = show
    try:
        fn()
        take_figures()  # a figure the callback left open without plt.show()
    except Exception:
        sys.stderr.write(traceback.format_exc())
        for number in set(plt.get_fignums()) - before:  # half-drawn figures
            plt.close(number)
    finally:
        plt.show = original_show
        sys.stdout, sys.stderr = saved
    return recording.outputs


def lr_slider(train_and_plot: Callable[[float], object], lr: float = 0.1,
              min_lr: float = 1e-3, max_lr: float = 10.0, step: float = 0.1, *,
              precompute: bool = True):
    """A log-scale slider for the learning rate; each move reruns train_and_plot(lr).

    train_and_plot should train, draw a new figure and call plt.show(). It gets the
    learning rate as the readout shows it (3 significant digits: 1.26, not 1.2589...), so
    a title made with f"{lr:g}" says what the readout says. The line "learning rate: X"
    is printed first on every run, so a reader (or a test) can see which value the figure
    belongs to. A value can also be typed into the box.
    step is in powers of 10: 0.1 moves the learning rate by a factor 10**0.1 ≈ 1.26.
    While a move is computed, "training…" shows beside the readout.
    precompute=True: in a notebook shown in a browser, once the kernel is idle, the
    positions next to the slider's are trained and drawn ahead (on Linux in a forked copy
    of the kernel), so that a move shows its figure at once (see _Ahead). Use False for a
    callback whose result is not the same every time for the same value (unseeded
    randomness, or state it changes: a copy's changes never reach the kernel).
    """
    return _slider(train_and_plot, "learning rate", lr, min_lr, max_lr, log=True, step=step,
                   words=_LR_WORDS, busy_text="training…", precompute=precompute)


def param_slider(fn: Callable[[float], object], name: str, value: float, min_value: float,
                 max_value: float, *, log: bool = False, step: float | None = None,
                 precompute: bool = True):
    """A slider for any one number; each move reruns fn(value), like lr_slider.

    The line "{name}: X" is printed first on every run (so fn need not print its value),
    and fn gets the value as the readout shows it (3 significant digits).
    Linear by default, step (max_value - min_value) / 20; with log=True step is in powers
    of 10 (default 0.1), and the range must be above 0.
        param_slider(show_norms, "spectral radius", 1.0, 0.3, 1.7, step=0.05)
    While a move is computed, "computing…" shows beside the readout; precompute as in
    lr_slider.
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
                   words=_PARAM_WORDS, busy_text="computing…", precompute=precompute)


READOUT_DIGITS = 3  # significant digits of the readout, of the printed line and of fn's value
BUSY_CLASS = "backprop-slider-busy"  # the CSS class of the "training…" label (browser tests)


def shown_value(value: float) -> float:
    """The value as the slider's readout shows it: rounded to READOUT_DIGITS significant
    digits (1.2589254 -> 1.26), so fn's title and the readout agree."""
    return float(f"{value:.{READOUT_DIGITS}g}")


def slider_positions(value: float, min_value: float, max_value: float, step: float,
                     log: bool) -> list[float]:
    """Every value the slider can stop at (as shown_value gives them), nearest to value
    first: the grid min + k * step (in powers of 10 if log) and the start value."""
    lo, hi = (math.log10(min_value), math.log10(max_value)) if log else (min_value, max_value)
    here = math.log10(value) if log else value
    grid = [lo + k * step for k in range(int((hi - lo) / step + 1e-9) + 1)] + [here]
    grid.sort(key=lambda x: abs(x - here))
    values = [shown_value(10 ** x if log else x) for x in grid]
    return list(dict.fromkeys(values))  # without repeats, nearest first


def _slider(fn, name: str, value, min_value, max_value, *, log: bool, step, words: dict,
            busy_text: str, precompute: bool = True):
    """The one mechanism behind lr_slider and param_slider: a slider (log or linear), a
    busy label beside its readout and an Output widget below that shows each run of fn,
    recorded by _record. Runs are kept by value (see _Ahead)."""
    import ipywidgets as widgets

    _check_slider(fn, value, min_value, max_value, step, log=log, words=words)
    precompute = flag_value(precompute, "precompute")
    common = dict(description=name, continuous_update=False,
                  readout_format=f".{READOUT_DIGITS}g",
                  style={"description_width": "initial"}, layout={"width": "500px"})
    if log:
        slider = widgets.FloatLogSlider(value=value, base=10, min=math.log10(min_value),
                                        max=math.log10(max_value), step=step, **common)
    else:
        slider = widgets.FloatSlider(value=value, min=min_value, max=max_value, step=step,
                                     **common)
    busy = widgets.Label(value="", layout={"width": "7em", "margin": "0 0 0 0.5em"})
    busy.add_class(BUSY_CLASS)
    out = widgets.Output(layout={"width": "100%"})  # a line of its own, below the slider

    frames: list = []  # where each figure of a run is cut (_framed): the same every move

    def one_run(v: float) -> tuple:
        def printed_and_drawn():
            print(f"{name}: {v:.{READOUT_DIGITS}g}")
            fn(v)

        return tuple(_record(printed_and_drawn, frames))

    ahead = _Ahead.get() if precompute else None
    # runs are kept only in a notebook's kernel, which says when a cell changes things
    positions = slider_positions(value, min_value, max_value, step, log)
    runs = _Runs(one_run, positions, log, keep=ahead is not None)

    def run(change=None) -> None:
        v = shown_value(slider.value)
        outputs = runs.ready(v)
        if outputs is None:  # not computed ahead: say so at once, then compute
            busy.value = busy_text
            outputs = runs.get(v)
        busy.value = ""  # first: the page then never shows the label beside the new figure
        out.outputs = outputs
        # Work ahead starts once a browser shows the slider (shown, below) or moves it
        # (ipywidgets holds the property lock while it applies a front end's change), so
        # a notebook executed without one (nbclient, nbval, the static site) never
        # computes ahead.
        runs.live = runs.live or bool(change is not None and slider._property_lock)
        if ahead is not None and runs.live:
            ahead.follow(runs, v)

    def shown(change) -> None:
        # a front end counts the views it has made of the slider (ipywidgets' _view_count,
        # tracked from 0): the first one means a browser shows it, so the first move can
        # be ready too
        if change.new and not runs.live and ahead is not None:
            runs.live = True
            ahead.follow(runs, shown_value(slider.value))

    slider.observe(run, names="value")
    if ahead is not None:
        slider._view_count = 0
        slider.observe(shown, names="_view_count")
    run()
    return widgets.Box([slider, busy, out],
                       layout={"display": "flex", "flex_flow": "row wrap",
                               "align_items": "center"})


def flag_value(value, name: str) -> bool:
    """True or False, else a clear error (a string "False" would be truthy)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} "
                        f"{value!r:.40}")
    return value


class _Runs:
    """One slider's runs of fn, kept by value: computed once, shown again at once.

    Every run (a move's, or one computed ahead) holds the one lock of all sliders, so two
    callbacks never run at the same time: matplotlib's pyplot and the recording of prints
    are shared by the whole kernel. Kept runs belong to a generation: when a cell runs,
    the notebook's variables may change, so runs kept before it are not shown again.
    """

    lock = threading.RLock()
    generation = 0  # raised by _Ahead before each cell runs

    def __init__(self, one_run: Callable[[float], tuple], positions: list[float],
                 log: bool = False, keep: bool = True):
        self.one_run, self.positions, self.log, self.keep = one_run, positions, log, keep
        self.kept: dict[float, tuple[int, tuple]] = {}
        self.live = False  # shown or moved in a browser: compute ahead
        self.current = positions[0] if positions else None

    def ready(self, v: float) -> tuple | None:
        """The outputs for v if they are kept and still valid, else None."""
        entry = self.kept.get(v)
        return entry[1] if entry and entry[0] == _Runs.generation else None

    def get(self, v: float) -> tuple:
        """The outputs for v: kept ones, else a new run (which is kept)."""
        with _Runs.lock:
            outputs = self.ready(v)
            if outputs is None:
                generation = _Runs.generation
                outputs = self.one_run(v)
                if self.keep:
                    self.kept[v] = (generation, outputs)
            return outputs

    def keep_ready(self, v: float, generation: int, outputs: tuple) -> None:
        """Keep outputs computed elsewhere (a forked copy) for v, if still of this
        generation and not kept meanwhile."""
        with _Runs.lock:
            if generation == _Runs.generation and self.ready(v) is None:
                self.kept[v] = (generation, outputs)

    def next_to_compute(self) -> tuple[float, float] | None:
        """(steps away, position): the nearest position to the current value that is not
        kept yet (or None). The current value itself (shown already, but stale after a
        cell ran) comes right after its two neighbours: a move is more likely than a move
        back."""
        here = self.current
        todo = [p for p in self.positions if self.ready(p) is None]
        if not todo or here is None:
            return None

        def distance(p: float) -> float:  # in powers of 10 on a log slider, as it moves
            return abs(math.log10(p / here)) if self.log else abs(p - here)

        steps = [distance(p) for p in self.positions if p != here]
        step = min(steps) if steps else 1.0

        def rank(p: float) -> float:  # in steps of the slider; its own value after 1
            return 1.01 if p == here else distance(p) / step

        v = min(todo, key=rank)
        return rank(v), v


class _Ahead:
    """Computes slider positions ahead while the kernel is idle: the positions next to the
    one a slider shows, nearest first, with the real fn (the same training and figure as a
    move), never a stored table.

    - It starts for a slider once a browser shows it (its view reports itself through
      ipywidgets' _view_count) or moves it, and only when no cell runs and none has run
      for IDLE seconds. When a cell runs, everything kept becomes stale (the cell may
      change what fn uses), and a run ahead in progress is dropped.
    - On Linux each run ahead is made in a forked copy of the kernel (FORK): the copy
      computes one position, hands its recorded outputs back through a file and exits. So
      the kernel itself stays free: a move or a cell never waits for work ahead, and the
      work uses a second core when there is one. The copy touches nothing of the
      kernel's but fn and matplotlib (no messages: it only records), and is forked only
      while no move is being computed (it holds the lock of all runs).
    - Elsewhere (macOS, Windows: no safe fork) the work runs on the kernel's own event
      loop, one position at a time, between the messages the kernel handles (not in a
      thread: pyplot and the recording of prints are shared by the whole kernel); a cell
      or a move then waits at most for the one run in progress.
    - It stops after BUDGET seconds of work since the slider's last move (or the last
      cell), so a slow callback (MNIST) does not keep a shared classroom server busy. A
      hub's administrator may set another budget for every kernel with the environment
      variable BACKPROP_SLIDER_AHEAD (seconds; 0: no work ahead).
    - Outside a notebook's kernel there is nothing ahead (and nothing is kept).
    """

    IDLE = 1.0  # seconds without a cell running before computing ahead (Run All, nbval and
    # nbclient send the next cell within milliseconds: they are not slowed down)
    BUDGET = 20.0  # seconds of computing ahead after each move
    GAP = 0.01  # seconds between two runs: messages that arrived meanwhile go first
    SLIDERS = 3  # computed ahead for the sliders last made or moved (a rerun cell makes a new one)
    FORK = sys.platform.startswith("linux") and hasattr(os, "fork")  # runs ahead in a copy
    SOON = 0.05  # seconds after a move before a copy starts (it does not block the kernel)
    POLL = 0.02  # seconds between two looks at whether the copy has finished
    TIMEOUT = 120.0  # seconds after which a copy that has not finished is stopped
    _instance: _Ahead | None = None

    def __init__(self, events, loop):
        self.loop = loop  # call_later(delay, fn) and a thread-safe add_callback(fn, *args)
        self.cell_running, self.last_cell = False, time.monotonic()
        self.queue: list[_Runs] = []  # sliders to compute ahead for, last moved first
        self.spent: dict[int, float] = {}
        self.scheduled = False
        self.child: _Child | None = None  # the forked copy computing a position, if any
        events.register("pre_run_cell", self.pre_run_cell)
        events.register("post_run_cell", self.post_run_cell)

    @classmethod
    def get(cls) -> _Ahead | None:
        """The kernel's one _Ahead (made on first use), or None outside a notebook's kernel."""
        if cls._instance is None:
            from IPython import get_ipython

            shell = get_ipython()
            loop = getattr(getattr(shell, "kernel", None), "io_loop", None)
            if loop is None:
                return None
            cls.BUDGET = ahead_budget(os.environ.get("BACKPROP_SLIDER_AHEAD"))
            cls._instance = cls(shell.events, loop)
        return cls._instance

    def pre_run_cell(self, *args) -> None:
        self.cell_running = True
        with _Runs.lock:  # a move computed meanwhile (another thread) finishes first
            _Runs.generation += 1
        if self.child is not None:  # its result would be stale: free the core for the cell
            self.child.stop()

    def post_run_cell(self, *args) -> None:
        self.cell_running, self.last_cell = False, time.monotonic()
        if self.queue:  # what was kept is stale: the last slider gets a fresh budget
            self.spent[id(self.queue[0])] = 0.0
        self._schedule(self.IDLE)

    def follow(self, runs: _Runs, v: float) -> None:
        """A slider now shows v: compute its neighbours next, with a fresh budget. (Called
        where the move was handled, maybe another thread: the loop takes it over.)"""
        self.loop.add_callback(self._follow, runs, v)

    def _follow(self, runs: _Runs, v: float) -> None:
        runs.current = v
        if runs in self.queue:
            self.queue.remove(runs)
        self.queue.insert(0, runs)
        for old in self.queue[self.SLIDERS:]:
            self.spent.pop(id(old), None)
        del self.queue[self.SLIDERS:]
        self.spent[id(runs)] = 0.0
        self._schedule(self.SOON if self.FORK else self.IDLE)

    def _schedule(self, delay: float) -> None:
        if not self.scheduled:
            self.scheduled = True
            self.loop.call_later(delay, self._tick)

    def _next(self) -> tuple[_Runs, float] | None:
        """The slider and value to compute next, or None if there is nothing to do: of the
        sliders in the queue (within their budget), the one whose next position is the
        fewest steps from its value, the last moved first among equals. So a notebook's
        sliders shown together all get their neighbours computed before any gets more."""
        best = None
        for runs in self.queue:
            if self.spent.get(id(runs), 0.0) < self.BUDGET:
                job = runs.next_to_compute()
                if job is not None and (best is None or job[0] < best[0]):
                    best = (job[0], runs, job[1])
        return None if best is None else (best[1], best[2])

    def _tick(self) -> None:
        """Compute one position (if the kernel is idle), then come back for the next."""
        self.scheduled = False
        if self.cell_running or self.child is not None:
            return  # post_run_cell, or _poll when the copy has finished, comes back
        wait = self.IDLE - (time.monotonic() - self.last_cell)
        if wait > 0:
            self._schedule(wait)
            return
        job = self._next()
        if job is None:
            return
        runs, v = job
        if self.FORK:
            if not _Runs.lock.acquire(blocking=False):  # a move is being computed
                self._schedule(self.POLL)
                return
            try:
                self.child = _Child(runs, v)
            finally:
                _Runs.lock.release()
            self.loop.call_later(self.POLL, self._poll)
            return
        tic = time.monotonic()
        runs.get(v)
        self.spent[id(runs)] = self.spent.get(id(runs), 0.0) + time.monotonic() - tic
        self._schedule(self.GAP)

    def _poll(self) -> None:
        """Keep the copy's outputs when it has finished; then the next position."""
        child = self.child
        if child is None:
            return
        if not child.finished() and time.monotonic() - child.started < self.TIMEOUT:
            self.loop.call_later(self.POLL, self._poll)
            return
        self.child = None
        child.stop()
        if child.outputs is not None:
            child.runs.keep_ready(child.v, child.generation, child.outputs)
        runs = child.runs
        self.spent[id(runs)] = (self.spent.get(id(runs), 0.0)
                                + time.monotonic() - child.started)
        self._schedule(self.GAP)


def ahead_budget(setting: str | None, default: float = 20.0) -> float:
    """Seconds of work ahead after each move, from BACKPROP_SLIDER_AHEAD (None: default)."""
    if setting is None or not setting.strip():
        return default
    try:
        seconds = float(setting)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"BACKPROP_SLIDER_AHEAD must be a number of seconds >= 0: how long "
                         f"each slider may compute positions ahead after a move, e.g. "
                         f"{default:g} (the default) or 0 (none); got {setting!r:.40}")
    return seconds


class _Child:
    """One slider position computed in a forked copy of the kernel (see _Ahead): the copy
    runs fn, writes the recorded outputs to a file and exits at once (os._exit: nothing
    of the kernel's, its sockets included, is touched or closed)."""

    def __init__(self, runs: _Runs, v: float):
        import tempfile
        import warnings

        self.runs, self.v, self.generation = runs, v, _Runs.generation
        self.outputs: tuple | None = None
        self.started = time.monotonic()
        handle, self.path = tempfile.mkstemp(prefix="backprop-slider-", suffix=".pickle")
        os.close(handle)
        with warnings.catch_warnings():  # Python 3.12+ warns of fork in a threaded process
            warnings.simplefilter("ignore", DeprecationWarning)
            self.pid = os.fork()
        if self.pid == 0:  # the copy
            code = 1
            try:
                import pickle

                outputs = runs.one_run(v)
                with open(self.path, "wb") as file:
                    pickle.dump(outputs, file)
                code = 0
            finally:
                os._exit(code)

    def finished(self) -> bool:
        """True once the copy has exited; its outputs are then read (None if it failed)."""
        if self.pid is None:
            return True
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.pid = None
        if os.waitstatus_to_exitcode(status) == 0:
            import pickle

            with open(self.path, "rb") as file:
                self.outputs = pickle.load(file)
        return True

    def stop(self) -> None:
        """End the copy if it still runs, and remove its file."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = None
        with contextlib.suppress(OSError):
            os.remove(self.path)


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
