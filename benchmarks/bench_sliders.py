"""How fast every slider of the series answers, in JupyterLab in headless Chromium.

For each notebook: open it, Run All, then move each lr_slider / param_slider 5 times
(arrow keys and a drag of the handle, with a pause between moves as a learner makes one
to look at the figure) and measure, in the page, from the input (keydown, or pointerup
after the drag) to:
  - "busy": the slider's "training…" label appearing (only when a move is not ready at
    once; see backprop_lib.widgets), and
  - "painted": the new figure loaded and painted (two animation frames after its load).
It prints, per slider, the median and the worst latency, how many moves showed the busy
label, and the machine's load average. Speed is measured here, never in a test
(tests/test_bench_sliders.py only checks that this runs and reports every slider).

    .venv/bin/python benchmarks/bench_sliders.py               # every notebook
    .venv/bin/python benchmarks/bench_sliders.py 01 07         # some of them
    .venv/bin/python benchmarks/bench_sliders.py --load        # ... and again beside a busy process
    .venv/bin/python benchmarks/bench_sliders.py --callbacks   # each callback outside the browser
    .venv/bin/python benchmarks/bench_sliders.py --quick 01    # 2 moves, short pauses (the test)

--callbacks runs each notebook's cells up to its slider in this process (Agg backend)
and times the slider's callback itself, as a move runs it: training, drawing and the
PNG that Jupyter makes of the figure; wall and CPU seconds (CPU time depends less on
what else the machine runs).

Needs Chromium (/usr/bin/chromium, or BACKPROP_CHROMIUM) and Playwright for Python, like
tests/test_browser.py, whose helpers (tests/browser_helpers.py) it uses.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    LabServer,
    missing_browser,
    open_notebook,
    run_all,
    slider_state,
    wait_for_images,
)

SLIDER_CALL = re.compile(r"^(?!\s*(?:(?:from|import|def)\b|#)).*\b(?:lr|param)_slider\(",
                         re.MULTILINE)
RUN_ALL_TIMEOUT = 300  # seconds (05 trains on MNIST)
MOVE_TIMEOUT = 120  # seconds for one move's figure

# In the page: timestamps of the next input, of the busy label and of the painted figure.
WATCH_JS = """(slider) => {
    const box = slider.parentElement;
    const out = box.querySelector(':scope > .widget-output');
    const busy = box.querySelector('.backprop-slider-busy');
    const image = () => out.querySelector('.jp-RenderedImage img, .jp-RenderedSVG img');
    const first = image();
    const rec = {input: null, busy: null, painted: null, waiting: false,
                 src: first ? first.getAttribute('src') : null, text: out.innerText};
    const onInput = () => { if (rec.input === null) rec.input = performance.now(); };
    document.addEventListener('keydown', onInput, {capture: true, once: true});
    document.addEventListener('pointerup', onInput, {capture: true, once: true});
    const paint = () => requestAnimationFrame(() => requestAnimationFrame(() => {
        if (rec.painted === null) rec.painted = performance.now();
    }));
    const look = () => {
        if (rec.input === null) return;
        if (busy && rec.busy === null && busy.textContent.trim()) rec.busy = performance.now();
        if (rec.waiting || rec.painted !== null) return;
        const img = image();
        const newImage = img && img.getAttribute('src') !== rec.src;
        if (newImage) {
            rec.waiting = true;
            if (img.complete && img.naturalWidth) paint();
            else img.addEventListener('load', paint, {once: true});
        } else if (!img && out.innerText !== rec.text) {
            rec.waiting = true;  // a callback that only prints
            paint();
        }
    };
    const observer = new MutationObserver(look);
    observer.observe(box, {subtree: true, childList: true, attributes: true,
                           characterData: true});
    window.__sliderBench = rec;
    window.__sliderBenchStop = () => observer.disconnect();
}"""

RESULT_JS = """() => {
    const r = window.__sliderBench;
    if (!r || r.input === null || r.painted === null) return null;
    const busyBox = document.querySelectorAll('.backprop-slider-busy');
    const stillBusy = Array.from(busyBox).some(b => b.textContent.trim());
    if (stillBusy) return null;
    window.__sliderBenchStop();
    return {painted: (r.painted - r.input) / 1000,
            busy: r.busy === null ? null : (r.busy - r.input) / 1000};
}"""


def load_average() -> str:
    """The 1-minute load average, e.g. "2.31" (what `uptime` shows first)."""
    return f"{os.getloadavg()[0]:.2f}"


def machine() -> str:
    """One line about this machine: cores, CPU model, Python."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    from dev import PIN_NAMES
    pins = ", ".join(f"{name}={os.environ[name]}" for name in PIN_NAMES if name in os.environ)
    return (f"{os.cpu_count()} cores ({model or platform.processor() or 'unknown CPU'}), "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
            + (f"; {pins}" if pins else ""))


def notebooks_to_run(names: list[str]) -> list[Path]:
    """The notebooks named (by their number or name), or every notebooks/NN_*.ipynb."""
    every = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if not names:
        return every
    chosen = [nb for nb in every if any(nb.name.startswith(n) for n in names)]
    if not chosen:
        raise SystemExit(f"no notebook matches {names}; there are {[p.name for p in every]}")
    return chosen


def slider_cells(path: Path) -> list[int]:
    """Indices of the cells that call lr_slider(...) or param_slider(...)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return [i for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and SLIDER_CALL.search(cell.source)]


# ---- in the browser ---------------------------------------------------------------------

def plan_moves(n_moves: int) -> list[str]:
    """The moves: arrow keys right and left, and a drag of the handle every fourth."""
    pattern = ["ArrowRight", "ArrowRight", "ArrowLeft", "drag", "ArrowLeft"]
    return [pattern[k % len(pattern)] for k in range(n_moves)]


def move(page, slider, how: str) -> None:
    """One move: a key on the focused handle, or a drag of the handle by 30 px (towards
    the side with more room)."""
    handle = slider.locator(".noUi-handle")
    state = slider_state(slider)
    if how == "drag":
        box = handle.bounding_box()
        track = slider.locator(".noUi-target").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        dx = -30 if x - track["x"] > track["x"] + track["width"] - x else 30
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + dx / 2, y, steps=3)
        page.mouse.move(x + dx, y, steps=3)
        page.mouse.up()
        return
    if state["at_max"] and how == "ArrowRight":
        how = "ArrowLeft"
    handle.focus()
    handle.press(how)


def measure_slider(page, slider, moves: list[str], pause: float) -> list[dict]:
    """Move one slider as planned; each move's latencies (seconds) and whether it was
    answered at once (no busy label)."""
    results = []
    slider.scroll_into_view_if_needed()
    for how in moves:
        page.wait_for_timeout(pause * 1000)  # a learner looks at the figure first
        before = slider_state(slider)["readout"]
        slider.evaluate(WATCH_JS)
        move(page, slider, how)
        deadline = time.monotonic() + MOVE_TIMEOUT
        result = None
        while result is None:
            result = page.evaluate(RESULT_JS)
            if result is None:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no new figure within {MOVE_TIMEOUT} s after {how} "
                                       f"(readout {before!r} -> "
                                       f"{slider_state(slider)['readout']!r})")
                page.wait_for_timeout(20)
        result.update(how=how, readout=slider_state(slider)["readout"], load=load_average())
        results.append(result)
    return results


def run_notebook(page, server: LabServer, path: Path, moves: list[str], pause: float,
                 settle: float) -> list[dict]:
    """Open and Run All one notebook, then measure each of its sliders."""
    import nbformat

    saved = nbformat.read(server.root_dir / path.name, as_version=4)
    open_notebook(page, server, path.name)
    to_run = [i for i, cell in enumerate(saved.cells)
              if cell.cell_type == "code" and cell.source.strip()]
    run_all(page, to_run, timeout=RUN_ALL_TIMEOUT)
    wait_for_images(page)
    calling = set(slider_cells(path))
    every = page.locator(".jp-Notebook .widget-slider")
    sliders = [every.nth(k) for k in range(every.count())
               if slider_state(every.nth(k))["cell"] in calling]
    page.wait_for_timeout(settle * 1000)  # the learner reads the notebook's end
    reports = []
    for k, slider in enumerate(sliders):
        label = slider_state(slider)["label"]
        reports.append({"notebook": path.stem, "slider": k + 1, "label": label,
                        "moves": measure_slider(page, slider, moves, pause)})
    if len(sliders) != len(calling):
        reports.append({"notebook": path.stem, "slider": None, "label": "",
                        "moves": [], "error": f"{len(calling)} slider cells, "
                                              f"{len(sliders)} sliders shown"})
    return reports


def browser_run(notebooks: list[Path], moves: list[str], pause: float, settle: float,
                title: str) -> list[dict]:
    """Every notebook in one JupyterLab and one headless Chromium; prints as it goes."""
    from playwright.sync_api import sync_playwright

    reports = []
    with tempfile.TemporaryDirectory(prefix="bench-sliders-") as tmp:
        work_dir = Path(tmp)
        root_dir = work_dir / "notebooks"
        shutil.copytree(ROOT / "notebooks", root_dir,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        server = LabServer(root_dir=root_dir, work_dir=work_dir)
        print(f"\n{title}; load average before: {load_average()}", flush=True)
        try:
            server.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                try:
                    for path in notebooks:
                        context = browser.new_context(viewport=VIEWPORT)
                        try:
                            found = run_notebook(context.new_page(), server, path, moves,
                                                 pause, settle)
                        except Exception as error:  # report it, go on with the next
                            found = [{"notebook": path.stem, "slider": None, "label": "",
                                      "moves": [], "error": f"{type(error).__name__}: "
                                                            f"{str(error)[:300]}"}]
                        finally:
                            context.close()
                            server.shutdown_kernels()
                        for report in found:
                            print(report_line(report), flush=True)
                        reports += found
                finally:
                    browser.close()
        finally:
            server.stop()
    return reports


def report_line(report: dict) -> str:
    """One slider's line: median and worst, busy label shown, the moves, the load."""
    if report.get("error"):
        return f"{report['notebook']:38s} ERROR: {report['error']}"
    painted = [m["painted"] for m in report["moves"]]
    busy = [m["busy"] for m in report["moves"] if m["busy"] is not None]
    loads = sorted({m["load"] for m in report["moves"]}, key=float)
    shown = (f"busy label in {len(busy)} of {len(painted)} moves"
             + (f" (after {max(busy):.3f} s at most)" if busy else ""))
    return (f"{report['notebook']:38s} slider {report['slider']} ({report['label']}): "
            f"median {statistics.median(painted):.3f} s, worst {max(painted):.3f} s; "
            f"{shown}; moves {' '.join(f'{p:.3f}' for p in painted)}; "
            f"load {loads[0]}-{loads[-1]}")


def markdown_table(reports: list[dict], title: str) -> str:
    """The results as a Markdown table (for RESULTS.md)."""
    lines = [f"**{title}**", "",
             "| notebook | slider | median | worst | busy label shown | load average |",
             "|---|---|---|---|---|---|"]
    for r in reports:
        if r.get("error"):
            lines.append(f"| {r['notebook']} | error | | | {r['error']} | |")
            continue
        painted = [m["painted"] for m in r["moves"]]
        busy = sum(m["busy"] is not None for m in r["moves"])
        loads = sorted({m["load"] for m in r["moves"]}, key=float)
        lines.append(f"| {r['notebook'][:2]} | {r['label']} | "
                     f"{statistics.median(painted):.2f} s | {max(painted):.2f} s | "
                     f"{busy} of {len(painted)} | {loads[0]}–{loads[-1]} |")
    return "\n".join(lines)


@contextlib.contextmanager
def busy_process():
    """One process that keeps one core busy (pure Python, no I/O), stopped by its id."""
    process = subprocess.Popen([sys.executable, "-c", "while True:\n    pass"],
                               stdin=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# ---- outside the browser ------------------------------------------------------------------

def time_callbacks(notebooks: list[Path], n_moves: int) -> None:
    """Run each notebook's cells up to its last slider here (Agg backend), then time
    each slider's callback at the values the moves reach, with the PNG Jupyter makes."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    for path in notebooks:
        try:
            for line in _time_notebook_callbacks(path, n_moves):
                print(line, flush=True)
        except Exception as error:  # report it, go on with the next
            print(f"{path.stem:38s} ERROR: {type(error).__name__}: {str(error)[:300]}")


def _time_notebook_callbacks(path: Path, n_moves: int) -> list[str]:
    import matplotlib
    import nbformat

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    from backprop_lib.widgets import shown_value

    def show(*args, **kwargs):  # what the inline backend does: a PNG of each open figure
        for number in plt.get_fignums():
            print_figure(plt.figure(number), "png", bbox_inches="tight")
        plt.close("all")

    sliders = []

    def stub(kind):
        def record(fn, *args, **kwargs):
            sliders.append((kind, fn, args, kwargs))
        return record

    nb = nbformat.read(path, as_version=4)
    calling = slider_cells(path)
    if not calling:
        return [f"{path.stem:38s} no slider"]
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for i, cell in enumerate(nb.cells[:calling[-1] + 1]):
            if cell.cell_type != "code":
                continue
            source = "\n".join(line for line in cell.source.splitlines()
                               if not line.lstrip().startswith(("%", "!")))
            if i in calling:
                namespace["lr_slider"], namespace["param_slider"] = stub("lr"), stub("param")
            with contextlib.suppress(Exception), contextlib.redirect_stdout(io.StringIO()):
                plt.show = show
                exec(compile(source, f"{path.stem} cell {i + 1}", "exec"), namespace)
            plt.show = show
    finally:
        os.chdir(cwd)
    lines = []
    for k, (kind, fn, args, kwargs) in enumerate(sliders):
        if kind == "lr":
            start = kwargs.get("lr", args[0] if args else 0.1)
            step = kwargs.get("step", 0.1)
            values = [shown_value(start * 10 ** (step * j)) for j in (1, 2, 1, -2, -1)]
        else:
            start, low, high = args[1], args[2], args[3]
            step = kwargs.get("step") or (high - low) / 20
            values = [shown_value(min(high, max(low, start + step * j)))
                      for j in (1, 2, 1, -2, -1)]
        values = (values * (n_moves // len(values) + 1))[:n_moves]
        wall, cpu = [], []
        for v in values:
            tic, tic_cpu = time.perf_counter(), time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                fn(v)
            wall.append(time.perf_counter() - tic)
            cpu.append(time.process_time() - tic_cpu)
        lines.append(f"{path.stem:38s} slider {k + 1} ({fn.__name__}): wall median "
                     f"{statistics.median(wall):.3f} s, worst {max(wall):.3f} s; CPU median "
                     f"{statistics.median(cpu):.3f} s, worst {max(cpu):.3f} s; "
                     f"load {load_average()}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="numbers or names, e.g. 01 07")
    parser.add_argument("--moves", type=int, default=5, help="moves per slider (5)")
    parser.add_argument("--pause", type=float, default=1.5,
                        help="seconds before each move, as a learner looks (1.5)")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds after Run All before the first move (3)")
    parser.add_argument("--load", action="store_true",
                        help="then run again beside one busy process")
    parser.add_argument("--callbacks", action="store_true",
                        help="time each callback outside the browser instead")
    parser.add_argument("--quick", action="store_true",
                        help="2 moves, short pauses (tests/test_bench_sliders.py)")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the results as Markdown tables")
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from dev import pin_cpu
    pin_cpu(Path(sys.executable))  # the kernels run as `dev.py lab` runs them (AVX2 code)
    if args.quick:
        args.moves, args.pause, args.settle = 2, 0.5, 0.5
    notebooks = notebooks_to_run(args.notebooks)
    print(f"machine: {machine()}")
    if args.callbacks:
        print(f"callbacks outside the browser; load average {load_average()}")
        time_callbacks(notebooks, args.moves)
        return
    reason = missing_browser()
    if reason:
        raise SystemExit(f"cannot run: {reason}")
    moves = plan_moves(args.moves)
    print(f"moves per slider: {', '.join(moves)}; {args.pause:g} s before each")
    runs = [("as the machine is", browser_run(notebooks, moves, args.pause, args.settle,
                                              "as the machine is"))]
    if args.load:
        with busy_process() as process:
            title = f"beside one busy process (pid {process.pid})"
            runs.append((title, browser_run(notebooks, moves, args.pause, args.settle, title)))
    if args.markdown:
        for title, reports in runs:
            print("\n" + markdown_table(reports, title))


if __name__ == "__main__":
    main()
