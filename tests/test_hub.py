"""A class on a JupyterHub: three students log in, pull the series, run 01 and 05's start.

A real JupyterHub runs on 127.0.0.1 (DummyAuthenticator: any password;
SimpleLocalProcessSpawner: each student's server a process with its own home folder
under a temporary directory; configurable-http-proxy from npm). Each student logs in
through the login form, opens an nbgitpuller link that clones the series from a local
git repository into their home, as a teacher's link would from GitHub, and runs, in
kernels of their own server, notebook 01 cell by cell and notebook 05's first cells, up
to and including loading MNIST (from the shared folder that BACKPROP_DATA_DIR names, set
for every user by the hub's Spawner.environment, as the guide tells a teacher to do).
Then: each home holds its own copy, each kernel ran in its own home and process, a file
a kernel writes lands in its student's home only, and no student can reach another's
server. Every process started is stopped at the end. Skipped without jupyterhub,
nbgitpuller, the proxy or the MNIST files (BACKPROP_DATA_DIR).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import nbformat
import pytest

from dev import PIN_NAMES  # (the project root is on sys.path: its conftest.py)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STUDENTS = ("ada", "grace", "alan")
REPO_DIR = "backprop-notebooks"  # the folder nbgitpuller clones into, in each home
NOTEBOOK = "notebooks/01_single_neuron.ipynb"
MNIST_NOTEBOOK = "notebooks/05_mnist.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command() -> str | None:
    return shutil.which("configurable-http-proxy", path=f"{BIN}{os.pathsep}"
                        f"{os.environ.get('PATH', '')}")


def git_repository(folder: Path) -> Path:
    """A local git repository holding the series (branch main), as GitHub would."""
    folder.mkdir()
    shutil.copytree(ROOT / "notebooks", folder / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copyfile(ROOT / "README.md", folder / "README.md")
    git = ["git", "-c", "user.name=teacher", "-c", "user.email=teacher@example.org"]
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "series"]):
        subprocess.run([*git, *args], cwd=folder, check=True)
    return folder


HUB_CONFIG = """
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/hub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
"""


@pytest.fixture
def hub(tmp_path):
    """A running JupyterHub's URL and the folder of the students' homes."""
    proxy = proxy_command()
    if proxy is None or shutil.which("jupyterhub", path=str(BIN)) is None:
        pytest.skip("needs jupyterhub (pip) and configurable-http-proxy (npm)")
    pytest.importorskip("nbgitpuller")
    if not os.environ.get("BACKPROP_DATA_DIR"):
        pytest.skip("needs the MNIST files in the folder BACKPROP_DATA_DIR names")
    homes = tmp_path / "home"
    homes.mkdir()
    port = free_port()
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    (tmp_path / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        port=port, hub_port=free_port(), api_port=free_port(), proxy=proxy,
        homes=str(homes), singleuser=str(BIN / "jupyterhub-singleuser"),
        args=["--allow-root"] if as_root else [], tmp=tmp_path,
        environment={"BACKPROP_DATA_DIR": os.environ["BACKPROP_DATA_DIR"],
                     "OPENBLAS_NUM_THREADS": "1", **{  # dev.py's pins of the AVX2 code
                         name: os.environ[name] for name in PIN_NAMES if name in os.environ}}),
        encoding="utf-8")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    log = open(tmp_path / "hub.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", "jupyterhub_config.py"],
                               cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: get_ok(f"{url}/hub/api/"), 120, "the hub to start", tmp_path)
        yield url, homes
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the hub stops its servers and the proxy
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def get_ok(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=5).ok
    except requests.RequestException:
        return False


def wait_for(condition, seconds: float, what: str, logs: Path | None = None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.5)
    text = (logs / "hub.log").read_text()[-3000:] if logs else ""
    raise AssertionError(f"timed out waiting for {what}\n{text}")


def log_in(url: str, name: str):
    """A browser-like session of a student who logged in through the hub's form."""
    import requests

    session = requests.Session()
    session.get(f"{url}/hub/login", timeout=30)
    reply = session.post(f"{url}/hub/login", timeout=300, data={
        "username": name, "password": "any", "_xsrf": session.cookies.get("_xsrf")})
    assert reply.ok, reply.text[:500]
    return session


def pull_series(url: str, session, name: str, repo: Path) -> None:
    """Open the nbgitpuller link (starting the student's server), then run the pull that
    the link's page runs in the browser (its event stream), to the end."""
    query = urlencode({"repo": f"file://{repo}", "branch": "main",
                       "urlpath": f"lab/tree/{REPO_DIR}/{NOTEBOOK}"})
    link = f"{url}/hub/user-redirect/git-pull?{query}"
    wait_for(lambda: session.get(link, timeout=300).url.startswith(
        f"{url}/user/{name}/git-pull"), 300, f"{name}'s server")
    api = (f"{url}/user/{name}/git-pull/api?repo={quote(f'file://{repo}')}&branch=main"
           f"&targetpath={REPO_DIR}")
    events = session.get(api, timeout=300).text
    assert '"phase": "finished"' in events and '"phase": "error"' not in events, events[-2000:]


def run_notebook(url: str, session, name: str, home: Path, notebook: str,
                 last: str | None = None, then: str = "") -> list[str]:
    """Run the code cells of the student's own copy of a notebook (up to and including
    the first cell that contains `last`, or all) in a new kernel of the student's own
    server (the Jupyter messaging protocol over its websocket), then `then`; returns
    the printed outputs."""
    xsrf = session.cookies.get("_xsrf", path=f"/user/{name}/") or session.cookies.get("_xsrf")
    headers = {"X-XSRFToken": xsrf or ""}
    reply = session.post(f"{url}/user/{name}/api/sessions", headers=headers, timeout=300,
                         json={"path": f"{REPO_DIR}/{notebook}", "type": "notebook",
                               "kernel": {"name": "python3"}})
    assert reply.ok, reply.text[:500]
    kernel = reply.json()["kernel"]["id"]
    nb = nbformat.read(home / REPO_DIR / notebook, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    if last is not None:
        cells = cells[:next(i for i, code in enumerate(cells) if last in code) + 1]
    cells.append(then)
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    ws = url.replace("http", "ws", 1) + f"/user/{name}/api/kernels/{kernel}/channels"
    return asyncio.run(execute(ws, {"Cookie": cookies, **headers}, cells))


WHO = ("import os\nprint('cwd', os.getcwd())\nprint('pid', os.getpid())\n"
       "print('home', os.path.expanduser('~'))\n"
       "with open('written-by-my-kernel.txt', 'a') as f:\n    print({name!r}, file=f)")
MNIST_LOADED = "print('train_images', train_images.shape, 'test_images', test_images.shape)"


async def execute(ws_url: str, headers: dict, cells: list[str]) -> list[str]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers=headers), max_message_size=2**28)
    session, printed = uuid.uuid4().hex, []
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                           "username": "student", "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False,
                            "stop_on_error": True}}))
            replied = idle = False
            while not (replied and idle):
                raw = await asyncio.wait_for(conn.read_message(), 300)
                assert raw is not None, "the kernel's websocket closed"
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    printed.append(content["text"])
                elif kind == "error":
                    raise AssertionError(f"{content['ename']}: {content['evalue']}\n{code}")
                elif kind == "execute_reply":
                    replied = True
                    assert content["status"] == "ok", content
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
    finally:
        conn.close()
    return printed


@pytest.mark.slow
def test_three_students_pull_the_series_and_run_01_and_05_apart(hub, tmp_path):
    url, homes = hub
    repo = git_repository(tmp_path / "series.git")
    sessions = {name: log_in(url, name) for name in STUDENTS}
    for name, session in sessions.items():
        pull_series(url, session, name, repo)
    pids = set()
    for name, session in sessions.items():
        home = homes / name
        assert (home / REPO_DIR / NOTEBOOK).is_file()
        for notebook, last in ((NOTEBOOK, None), (MNIST_NOTEBOOK, "load_mnist(")):
            then = WHO.format(name=name) + ("\n" + MNIST_LOADED if last else "")
            printed = "".join(run_notebook(url, session, name, home, notebook, last, then))
            assert f"cwd {home / REPO_DIR / 'notebooks'}\n" in printed, printed[-500:]
            assert f"home {home}\n" in printed, printed[-500:]
            pids.add(printed.split("pid ")[-1].split()[0])
        assert "train_images (60000, 28, 28) test_images (10000, 28, 28)" in printed
    assert len(pids) == 2 * len(STUDENTS), "each student's notebook needs a kernel of its own"
    for name in STUDENTS:  # each kernel wrote into its own student's home, twice
        written = homes / name / REPO_DIR / "notebooks" / "written-by-my-kernel.txt"
        assert written.read_text().split() == [name, name]
    # separation: a student's login opens their own server only
    first, second = STUDENTS[:2]
    reply = sessions[first].get(f"{url}/user/{second}/api/contents", timeout=60)
    assert reply.status_code == 403, (reply.status_code, reply.url, reply.text[:300])
    reply = sessions[first].get(f"{url}/user/{first}/api/contents/{REPO_DIR}", timeout=60)
    assert reply.ok and "notebooks" in reply.text
