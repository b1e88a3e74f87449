"""How much server a class needs: memory and CPU seconds per student per notebook.

    python benchmarks/bench_hosting.py [NOTEBOOK ...]

Runs each notebook (default: all) from a fresh kernel, as a student's Run All does, and
asks the kernel itself at the end for its peak memory (getrusage's maximum resident set
size) and the CPU seconds it used. Then prints the server size for a class of 30 and of
300 by the rules of The Littlest JupyterHub (one server; its docs' "Estimate Memory / CPU
/ Disk needed") and of Zero to JupyterHub (Kubernetes):
  - TLJH: memory = concurrent users × memory per user + 128 MB; CPU = concurrent users
    × CPU per user + 20 %; a class is planned at CONCURRENT of its students at once;
  - Z2JH: each user pod is guaranteed 1 GiB by default (singleuser.memory.guarantee), so
    the nodes need concurrent users × max(1 GiB, memory per user).
Memory per user is the heaviest notebook's kernel plus one idle JupyterLab server
(measured too, as the process's resident memory once it answers). CPU per user: a
kernel uses one core while a cell runs (one BLAS thread, as the series sets).
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CLASSES = (30, 300)
CONCURRENT = 0.6  # TLJH: plan for 40-60 % of a class at once; the upper end
TLJH_OVERHEAD_MB = 128
Z2JH_GUARANTEE_MB = 1024
USAGE = """
import json, resource
_u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"peak_mib": _u.ru_maxrss / 1024, "cpu_s": _u.ru_utime + _u.ru_stime}))
"""


def measure(path: Path) -> dict:
    """Peak kernel memory (MiB) and kernel CPU seconds of one notebook, fresh kernel."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(USAGE))
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    wall = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return {**json.loads(text.strip().splitlines()[-1]), "wall_s": wall}


def lab_server_mib() -> float:
    """Resident memory of an idle JupyterLab server, once it answers (MiB)."""
    import psutil
    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--IdentityProvider.token=", f"--ServerApp.root_dir={ROOT}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                if requests.get(f"http://127.0.0.1:{port}/lab", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        return psutil.Process(server.pid).memory_info().rss / 2**20
    finally:
        server.terminate()
        server.wait(timeout=60)


def sizes(per_user_mib: float) -> list[str]:
    """The sizing lines for each class size."""
    lines = []
    for students in CLASSES:
        at_once = math.ceil(students * CONCURRENT)
        tljh_gb = (at_once * per_user_mib + TLJH_OVERHEAD_MB) / 1024
        tljh_cpu = math.ceil(at_once * 1 * 1.2)
        z2jh_gb = at_once * max(Z2JH_GUARANTEE_MB, per_user_mib) / 1024
        lines.append(f"{students:>4} students ({at_once} at once): TLJH {tljh_gb:5.1f} GB "
                     f"memory, {tljh_cpu} CPUs; Z2JH nodes {z2jh_gb:5.1f} GB")
    return lines


def main(argv: list[str]) -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    print(f"{'notebook':<36} {'peak MiB':>8} {'CPU s':>6} {'wall s':>6}")
    peaks = []
    for path in paths:
        m = measure(path)
        peaks.append(m["peak_mib"])
        print(f"{path.stem[:36]:<36} {m['peak_mib']:8.0f} {m['cpu_s']:6.1f} {m['wall_s']:6.1f}")
    server = lab_server_mib()
    per_user = max(peaks) + server
    print(f"idle JupyterLab server: {server:.0f} MiB; per student: {per_user:.0f} MiB "
          f"(heaviest kernel + server)")
    print(*sizes(per_user), sep="\n")
    print(f"(load average at the end of the run: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main(sys.argv[1:])
