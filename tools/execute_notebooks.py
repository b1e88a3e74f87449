"""Rerun notebooks from a fresh kernel and save them: Restart & Run All, then Save.

    python tools/execute_notebooks.py notebooks/01_single_neuron.ipynb ...

Execution counts come out as 1..n, saved widget state is dropped (nbval never
compares it and it bloats the file), and an output that shows a path of this
machine is reported, because readers see notebooks as saved. The saved kernelspec is
the one JupyterLab writes when it opens the notebook (kernel_metadata()), so opening a
notebook does not mark it modified.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dev import pin_cpu  # noqa: E402  (the AVX2 code on x86-64: the saved digits)

MACHINE_PATH = re.compile(r"(/root/|/tmp/|/home/[a-z]|/Users/[A-Za-z]|/work/)")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# (lines of at most 80 characters, like every printed line: CONTRIBUTING.md)
WIDGET_PLACEHOLDER = ("[A live learning-rate slider appears here when you run this cell in\n"
                      " JupyterLab: move it and the network retrains and redraws.]")
PARAM_PLACEHOLDER = ("[A live slider ({name}) appears here when you run this cell in\n"
                     " JupyterLab: move it and the figure is drawn again for that value.]")
PARAM_NAME = re.compile(r"\bparam_slider\(\s*\w+\s*,\s*[\"']([^\"']{1,30})[\"']")


def placeholder(source: str) -> str | None:
    """The line that stands for a saved slider, or None for a widget that is no slider."""
    if "lr_slider(" in source:
        return WIDGET_PLACEHOLDER
    found = PARAM_NAME.search(source)
    return PARAM_PLACEHOLDER.format(name=found.group(1)) if found else None


def replace_widget_views(cell) -> None:
    """Swap saved widget views (dead without their state) for what a reader can use.

    A slider (lr_slider or param_slider) becomes a line that says to run the cell; any
    other widget (a progress bar, say) is dropped.
    """
    outputs = []
    for output in cell.get("outputs", []):
        if WIDGET_VIEW in output.get("data", {}):
            line = placeholder(cell.source)
            if line is None:
                continue
            output["data"] = {"text/plain": line}
        outputs.append(output)
    cell["outputs"] = outputs


def kernel_metadata(name: str = "python3") -> dict:
    """The notebook's metadata.kernelspec as JupyterLab writes it on opening (name,
    display_name and language of the installed kernel, e.g. "Python 3 (ipykernel)"): a
    notebook saved with anything else is marked modified, and autosaved, the moment it
    is opened."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(name)
    return {"display_name": spec.display_name, "language": spec.language, "name": name}


def execute(path: Path) -> float:
    """Execute one notebook in its own folder with a fresh python3 kernel; return seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = kernel_metadata()
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)  # needed by Output widgets; dropped below
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        replace_widget_views(cell)
        for output in cell.get("outputs", []):
            if MACHINE_PATH.search(str(output)):
                print(f"  warning: {path.name}: cell {cell.execution_count} shows a path "
                      f"of this machine")
                break
    nbformat.write(nb, path)
    return seconds


def main(paths: list[str]) -> None:
    if not paths or {"-h", "--help"} & set(paths):
        print(__doc__)
        return
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        sys.exit(f"no such notebook: {', '.join(missing)} (give paths such as "
                 f"notebooks/01_single_neuron.ipynb)")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    pin_cpu(Path(sys.executable))  # for the kernels it starts
    for p in paths:
        seconds = execute(Path(p))
        print(f"{p}: executed and saved in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
