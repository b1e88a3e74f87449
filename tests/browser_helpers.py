"""Helpers of the browser test (tests/test_browser.py): a JupyterLab server and its page.

Two parts:
    LabServer        starts JupyterLab on 127.0.0.1 (free port, random token, temporary
                     settings) and always stops it with every process it started
    page helpers     what a learner does in JupyterLab: open a notebook, wait for the
                     kernel, Run All, read what the cells show, move a slider

The selectors are JupyterLab 4's and ipywidgets 8's (see ../shared/RECIPES.md).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# ---- the browser ------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 1000}
CHROMIUM = os.environ.get("BACKPROP_CHROMIUM", "/usr/bin/chromium")
HOW_TO_ENABLE = ("to run it, install Debian's Chromium and Playwright for Python: "
                 "`sudo apt-get install -y chromium` and `pip install playwright` "
                 "(never `playwright install`: the test uses /usr/bin/chromium)")


def missing_browser() -> str | None:
    """Why a browser test cannot run here, or None if it can."""
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed"
    return None


@contextlib.contextmanager
def headless_chromium(scrollbars: bool = False):
    """Headless Debian Chromium driven by Playwright, for a module's `chromium` fixture
    (test_browser.py, test_book.py); skipped (or, with BACKPROP_REQUIRE_BROWSER=1, failed)
    when it is not installed. Playwright hides scrollbars in headless mode; scrollbars=True
    keeps them, as a reader's browser shows them (a box that scrolls shows one)."""
    import pytest

    reason = missing_browser()
    if reason:
        if os.environ.get("BACKPROP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required (BACKPROP_REQUIRE_BROWSER=1) but {reason}; "
                        f"{HOW_TO_ENABLE}", pytrace=False)
        pytest.skip(f"{reason}; {HOW_TO_ENABLE}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            ignore_default_args=["--hide-scrollbars"] if scrollbars else None)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()

# ---- errors, as JupyterLab shows them ---------------------------------------------------

# JupyterLab renders an error output like stderr (mime type application/vnd.jupyter.stderr),
# so an error is told from a warning by its text: a traceback, or a line "SomeError: ...".
# (A warning reads "file.py:3: SomeWarning: ...", a caught error is printed to stdout.)
ERROR_PATTERN = (r"Traceback \(most recent call last\)"
                 r"|^\s*[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b(:|\s*$)")


def looks_like_error(text: str) -> bool:
    """True if an output text is an error (a traceback), not just a warning on stderr."""
    return re.search(ERROR_PATTERN, text, flags=re.MULTILINE) is not None


# ---- the server -------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(settings_dir: Path) -> None:
    """JupyterLab user settings for a test: every cell kept in the page (no windowing), so
    cells can be counted and read. Nothing else: the news and update toasts are switched
    off by the environment's overrides.json, which `dev.py` writes (QUIET_LAB_SETTINGS),
    so the test sees what a learner's `dev.py lab` shows."""
    files = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none"},
    }
    for name, settings in files.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))


@dataclass
class LabServer:
    """A JupyterLab server serving root_dir; use start() and, always, stop()."""

    root_dir: Path
    work_dir: Path  # settings, workspaces, config, runtime files and the server's log
    port: int = 0
    token: str = ""
    process: subprocess.Popen | None = None
    env: dict | None = None  # extra environment of the server and its kernels

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "jupyterlab.log"

    def start(self, timeout: float = 90) -> None:
        """Start JupyterLab in its own process group and wait until its API answers."""
        self.port, self.token = free_port(), secrets.token_hex(16)
        dirs = {name: self.work_dir / name
                for name in ("settings", "workspaces", "config", "runtime", "ipython")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        write_lab_settings(dirs["settings"])
        env = dict(os.environ)  # BACKPROP_DATA_DIR and friends reach the kernels
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        env.update(self.env or {})
        env.update(JUPYTER_CONFIG_DIR=str(dirs["config"]),  # no ~/.jupyter config
                   JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
                   IPYTHONDIR=str(dirs["ipython"]),  # no ~/.ipython startup files
                   JUPYTER_PLATFORM_DIRS="1")
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.user_settings_dir={dirs['settings']}",
            f"--LabApp.workspaces_dir={dirs['workspaces']}",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n"
                                       f"{self.log_tail()}") from None
                time.sleep(0.25)

    def api(self, method: str, path: str, timeout: float = 10):
        """Call the server's REST API; returns the decoded JSON answer (None if empty)."""
        request = urllib.request.Request(self.base_url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def exists(self, path: str) -> bool:
        """True if the served folder has this file or folder (the contents API finds it)."""
        from urllib.parse import quote

        try:
            self.api("GET", f"/api/contents/{quote(path)}?content=0")
            return True
        except OSError:  # urllib's HTTPError (404) is one
            return False

    def lab_url(self, notebook: str) -> str:
        """The address that opens a notebook in a fresh JupyterLab workspace."""
        return f"{self.base_url}/lab/tree/{notebook}?reset&token={self.token}"

    def kernel_idle(self, notebook: str) -> bool:
        """True if the server last heard "idle" from the kernel of this notebook."""
        states = [session["kernel"]["execution_state"]
                  for session in self.api("GET", "/api/sessions")
                  if session["path"] == notebook and session.get("kernel")]
        return states == ["idle"]

    def shutdown_kernels(self) -> None:
        """Close every session and shut its kernel down (frees memory between notebooks).
        A notebook opened without waiting for its kernel may still be starting one: the
        server can then answer 500 for a moment (seen once in CI), or 404 for a kernel
        gone meanwhile; both are waited out or skipped, up to 5 tries."""
        for kind in ("sessions", "kernels"):
            for item in self._settled("GET", f"/api/{kind}") or []:
                try:
                    self._settled("DELETE", f"/api/{kind}/{item['id']}", timeout=30)
                except urllib.error.HTTPError as error:
                    if error.code != 404:  # 404: already gone with its session
                        raise

    def _settled(self, method: str, path: str, timeout: float = 10):
        """api(), tried again after a server error (5xx) up to 5 times, a second apart."""
        for attempt in range(5):
            try:
                return self.api(method, path, timeout=timeout)
            except urllib.error.HTTPError as error:
                if error.code < 500 or attempt == 4:
                    raise
                time.sleep(1.0)

    def stop(self) -> None:
        """Stop the server and every process it started. Kernels run in process groups of
        their own, so all descendants are listed first and any still alive at the end
        are killed by id (psutil checks that an id still names the same process)."""
        import psutil  # a dependency of ipykernel

        if self.process is None:
            return
        try:
            self.shutdown_kernels()
        except Exception:  # a dead or hung server: the signals below still stop it
            pass
        try:
            descendants = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            descendants = []
        _kill_group(self.process, signal.SIGTERM)  # JupyterLab shuts its kernels down
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _kill_group(self.process, signal.SIGKILL)
            self.process.wait(timeout=10)
        _, alive = psutil.wait_procs(descendants, timeout=10)
        for process in alive:
            with contextlib.suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(alive, timeout=10)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    """Send a signal to the process group a process leads (started with start_new_session)."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# ---- the page: JupyterLab as a learner uses it ------------------------------------------

KERNEL_READY_JS = """() => {
    const dialog = document.querySelector('.jp-Dialog');
    if (dialog) return 'dialog: ' + dialog.innerText;
    const panel = '.jp-NotebookPanel:not(.lm-mod-hidden) ';
    const name = document.querySelector(panel + '.jp-Toolbar-kernelName');
    const state = document.querySelector(panel + '.jp-Notebook-ExecutionIndicator');
    return Boolean(name && name.textContent.startsWith('Python 3')
                   && state && state.dataset.status === 'idle');
}"""


NOTEBOOK_SHOWN_JS = """() => {
    const dialog = document.querySelector('.jp-Dialog');
    if (dialog) return 'dialog: ' + dialog.innerText;
    return Boolean(document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-RenderedMarkdown'));
}"""


def open_notebook(page, server: LabServer, notebook: str, timeout: float = 240,
                  kernel: bool = True) -> None:
    """Open a notebook and wait until its kernel is ready: the toolbar names the kernel
    "Python 3..." AND the execution indicator is idle (idle alone is already true while
    the kernel starts, and Run All would then open a kernel dialog). kernel=False: wait
    only until its markdown is rendered. (A kernel starts in seconds on a quiet machine;
    the timeout is for a loaded one.)"""
    page.goto(server.lab_url(notebook))
    handle = page.wait_for_function(KERNEL_READY_JS if kernel else NOTEBOOK_SHOWN_JS,
                                     timeout=timeout * 1000)
    if handle.json_value() is not True:
        raise AssertionError(f"{notebook}: JupyterLab shows a dialog instead of the notebook: "
                             f"{handle.json_value()}")


def menu(page, menu_name: str, item: str) -> None:
    """Click a menu of the menu bar, then one of its items (as a learner would)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu_name}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


RUN_FINISHED_JS = """([pattern, toRun]) => {
    const error = new RegExp(pattern, 'm');
    const state = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
    if (!state || state.dataset.status !== 'idle') return false;
    const cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
    const prompts = toRun.map(i => cells[i] && cells[i].querySelector(
            '.jp-Cell-inputArea .jp-InputPrompt'))  // none while the input is collapsed
        .filter(prompt => prompt).map(prompt => prompt.textContent);
    if (prompts.some(p => p.includes('*'))) return false;
    if (prompts.every(p => /\\[\\d+\\]/.test(p))) return true;
    // Run All stops at an error and leaves the cells after it unrun
    return Array.from(document.querySelectorAll(
            '.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]'))
        .some(out => error.test(out.innerText));
}"""


def run_all(page, to_run: list[int], timeout: float) -> None:
    """Clear every output (so all that is seen afterwards comes from this run), Run All
    Cells, and wait until the cells to_run (indices of the non-empty code cells) have run,
    or an error stopped the run."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("""() => !document.querySelector(
        '.jp-Notebook .jp-Cell-outputArea .jp-OutputArea-output')""", timeout=10_000)
    menu(page, "Run", "Run All Cells")
    try:
        page.wait_for_function(RUN_FINISHED_JS, arg=[ERROR_PATTERN, to_run],
                               timeout=timeout * 1000, polling=500)
    except Exception as timeout_error:  # playwright's TimeoutError: say which cells
        shown = cells(page)
        waiting = [f"cell {i + 1}: {shown[i]['prompt']!r}" for i in to_run
                   if i < len(shown)
                   and not re.fullmatch(r"\[\d+\]:", shown[i]["prompt"] or "[0]:")]
        raise AssertionError(f"Run All did not finish within {timeout:.0f} s; cells not run: "
                             f"{', '.join(waiting) or 'none'}") from timeout_error


def wait_for_images(page, timeout: float = 30) -> None:
    """Wait until every image in the notebook's outputs has loaded (or failed to)."""
    page.wait_for_function("""() => Array.from(document.querySelectorAll(
        '.jp-Notebook .jp-OutputArea-output img')).every(img => img.complete)""",
                           timeout=timeout * 1000)


# JavaScript: the share of an image's pixels that are painted (neither white nor
# transparent); 0 for an image not (yet) loaded. A blank figure has none.
INK_JS = """const ink = img => {
    if (!img || !img.complete || !img.naturalWidth) return 0;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    let pixels;
    try {
        pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    } catch (e) {
        return 1;  // an image the page may not read back: count it as painted
    }
    let painted = 0;
    for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] > 0 && Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) < 245) painted++;
    }
    return painted / (pixels.length / 4);
};"""
MIN_INK = 0.002  # a figure with fewer painted pixels than this share is blank


def painted(ink: float) -> bool:
    """True for a figure that shows something (see INK_JS)."""
    return ink >= MIN_INK


CELLS_JS = """() => {
  """ + INK_JS + """
  return Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map(cell => {
    // the cell's own outputs, not those inside a widget's Output
    const own = el => !el.parentElement.closest('.widget-output');
    const outputs = Array.from(cell.querySelectorAll('.jp-Cell-outputArea .jp-OutputArea-output'))
        .filter(own);
    const images = Array.from(cell.querySelectorAll(
            '.jp-Cell-outputArea .jp-RenderedImage img, .jp-Cell-outputArea .jp-RenderedSVG img'))
        .filter(own);
    const prompt = cell.querySelector('.jp-Cell-inputArea .jp-InputPrompt');
    return {
        prompt: prompt ? prompt.textContent : null,  // null while the input is collapsed
        stderr: outputs.filter(o => o.dataset.mimeType === 'application/vnd.jupyter.stderr')
            .map(o => o.innerText),
        ink: images.map(ink),  // per figure, see INK_JS
    };
  });
}"""


def cells(page) -> list[dict]:
    """What each cell of the open notebook shows: prompt, stderr texts, its figures' ink."""
    return page.evaluate(CELLS_JS)


# ---- sliders ----------------------------------------------------------------------------

SLIDER_JS = """(slider) => {
    """ + INK_JS + """
    const box = slider.parentElement;  // lr_slider's / param_slider's VBox: slider + Output
    const output = box.querySelector(':scope > .widget-output');
    const handle = slider.querySelector('.noUi-handle');
    const cell = slider.closest('.jp-Cell');
    const img = output && output.querySelector('.jp-RenderedImage img, .jp-RenderedSVG img');
    const label = slider.querySelector('.widget-label');
    return {
        cell: Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).indexOf(cell),
        label: label ? label.textContent.trim() : '',
        readout: slider.querySelector('.widget-readout').textContent,
        at_max: Number(handle.getAttribute('aria-valuenow'))
            >= Number(handle.getAttribute('aria-valuemax')),
        has_output: Boolean(output),
        text: output ? output.innerText : '',
        stderr: output ? Array.from(output.querySelectorAll(
                '[data-mime-type="application/vnd.jupyter.stderr"]')).map(o => o.innerText) : [],
        src: img ? img.getAttribute('src') : null,
        loaded: Boolean(img && img.complete && img.naturalWidth > 0),
        size: img ? [img.naturalWidth, img.naturalHeight] : null,
        ink: ink(img),
        kernel_idle: document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
            .dataset.status === 'idle',
    };
}"""

NUMBER = r"([-+.\deE]+|inf|nan)"


def slider_state(slider) -> dict:
    """What a slider (a Playwright locator of a .widget-slider) and its Output show now."""
    return slider.evaluate(SLIDER_JS)


def printed_value(text: str, label: str = "learning rate") -> float | None:
    """The value of the last line "<label>: X" that a slider printed (lr_slider prints
    "learning rate: X", param_slider "<its name>: X" before each run of the callback)."""
    line = re.compile(rf"^{re.escape(label)}: {NUMBER}\s*$", flags=re.MULTILINE)
    values = line.findall(text)  # whole lines: a traceback may quote the print call
    return float(values[-1]) if values else None


def same_value(a: float | None, b: float | None) -> bool:
    """Equal to the 3 significant digits the readout and the printed line show."""
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-2)


def _number(text: str) -> float:
    """A readout's number ("1.26", "1.00e+3"); NaN while it is not one."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def wait_for_rerun(page, slider, old_value: float, kernel_idle, timeout: float,
                   quiet: float = 1.0) -> dict:
    """After the slider was moved: wait until the readout shows a new value, the callback
    printed that value, the kernel is idle, both in the page and for the server
    (kernel_idle()), and the output has not changed for `quiet` seconds: the callback has
    finished. (The page redraws its busy/idle indicator a little after the output, and
    with comms on kernel subshells, JupyterLab 4.6's default, the kernel can report idle
    for another message while the callback still runs.) Returns the slider's state then.
    A bounded poll: a callback that draws nothing sends no last event to wait for."""
    deadline = time.monotonic() + timeout
    seen, changed_at = None, time.monotonic()
    while True:
        state = slider_state(slider)
        state["value"] = value = _number(state["readout"])
        now = time.monotonic()
        if (state["text"], state["src"]) != seen:
            seen, changed_at = (state["text"], state["src"]), now
        if (not same_value(value, old_value)
                and same_value(printed_value(state["text"], state["label"]), value)
                and now - changed_at >= quiet and state["kernel_idle"] and kernel_idle()
                and (not state["src"] or state["loaded"])):
            return state
        if now > deadline:
            raise AssertionError(
                f"the slider did not rerun its callback within {timeout:.0f} s: readout "
                f"{state['readout']!r} (was {old_value:g}), its output shows "
                f"{state['text'][:500]!r}")
        page.wait_for_timeout(200)


def press_slider_key(slider, key: str) -> None:
    """Move a slider one step with the keyboard: focus its handle, press the key."""
    handle = slider.locator(".noUi-handle")
    handle.focus()
    handle.press(key)


def type_slider_value(slider, value: float) -> None:
    """Type a value into the slider's readout and press Enter (as a learner can)."""
    readout = slider.locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.press_sequentially(f"{value:g}")
    readout.press("Enter")
