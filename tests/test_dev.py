"""dev.py's command lines (built, not run: no JupyterLab is started here)."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
dev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dev)


SERIES = [f"--ServerApp.root_dir={ROOT}", "--LabApp.default_url=/lab/tree/notebooks"]


def test_lab_passes_jupyterlab_options_on():
    cmd = dev.lab_command("python", ["--port", "8890", "--no-browser"], as_root=False)
    assert cmd == ["python", "-m", "jupyter", "lab", *SERIES, "--port", "8890",
                   "--no-browser"]


def test_lab_without_arguments_serves_the_project_and_opens_the_series():
    """The project's folder is served (so ../docs/notation.md and ../README.md, linked
    from the notebooks, resolve) and the file browser opens at notebooks/."""
    assert dev.lab_command("python", [], as_root=False) == [
        "python", "-m", "jupyter", "lab", *SERIES]
    assert (ROOT / "notebooks").is_dir() and (ROOT / "docs" / "notation.md").is_file()


def test_quiet_lab_settings_are_merged_into_the_environment(tmp_path):
    """No news or update toast: the environment's overrides.json says so, and settings
    already there are kept."""
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "x"},
                                "@jupyterlab/apputils-extension:notification":
                                    {"fetchNews": "true", "doNotDisturbMode": True}}))
    assert dev.write_quiet_lab_settings(tmp_path) == path
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "x"}
    assert settings["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}
    fresh = tmp_path / "fresh"
    assert json.loads(dev.write_quiet_lab_settings(fresh).read_text()) == \
        dev.QUIET_LAB_SETTINGS


def test_lab_as_root_adds_allow_root_once():
    assert dev.lab_command("python", ["--no-browser"], as_root=True)[-1] == "--allow-root"
    cmd = dev.lab_command("python", ["--allow-root"], as_root=True)
    assert cmd.count("--allow-root") == 1


def test_lab_opens_a_handout_at_its_notebooks(tmp_path, monkeypatch):
    """`dev.py lab _build/student` serves the handout and opens its notebooks/ folder."""
    (tmp_path / "student" / "notebooks").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    cmd = dev.lab_command("python", ["student"], as_root=False)
    assert cmd == ["python", "-m", "jupyter", "lab", "--LabApp.default_url=/lab/tree/notebooks",
                   str(tmp_path / "student")]


def test_lab_opens_another_folder_instead_of_the_series(tmp_path, monkeypatch):
    (tmp_path / "student").mkdir()
    monkeypatch.chdir(tmp_path)  # named from where the user is
    cmd = dev.lab_command("python", ["student", "--port", "8890"], as_root=False)
    assert cmd == ["python", "-m", "jupyter", "lab", str(tmp_path / "student"), "--port",
                   "8890"]


def test_running_as_root_matches_the_user_id():
    import os

    if not hasattr(os, "geteuid"):
        pytest.skip("no user ids on this system")
    assert dev.running_as_root() == (os.geteuid() == 0)


def test_an_unknown_command_prints_the_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        dev.main(["serve"])
    assert exit_info.value.code == 2
    assert "python dev.py student" in capsys.readouterr().out


def test_test_runs_one_worker_a_core_up_to_four_and_keeps_notebooks_whole():
    """pytest-xdist with --dist loadfile: a notebook's nbval cells stay in one kernel."""
    assert dev.worker_args(1) == []
    assert dev.worker_args(2) == ["-n", "2", "--dist", "loadfile", "--no-loadscope-reorder"]
    assert dev.worker_args(64)[:2] == ["-n", str(dev.MAX_WORKERS)]


AVX512 = {"AVX2": True, "FMA3": True, "X86_V3": True, "X86_V4": True, "AVX512_ICL": True,
          "AVX512_SPR": False}
DISPATCH = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]


def test_cpu_pins_choose_the_avx2_code_on_an_avx512_cpu():
    assert dev.cpu_pins("x86_64", AVX512, DISPATCH) == {
        "OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL"}
    avx2 = {**AVX512, "X86_V4": False, "AVX512_ICL": False}
    assert dev.cpu_pins("AMD64", avx2, DISPATCH) == {"OPENBLAS_CORETYPE": "Haswell"}
    assert dev.cpu_pins("arm64", {"NEON": True, "ASIMD": True}, ["ASIMDHP"]) == {}
    assert dev.cpu_pins("x86_64", {**avx2, "AVX2": False}, DISPATCH) == {}


def test_pin_cpu_sets_the_pins_of_this_machine_and_keeps_what_is_set(monkeypatch):
    found, _ = cpu_info()  # (this process may be pinned already: AVX2 and FMA3 stay found)
    for name in dev.PIN_NAMES:
        monkeypatch.delenv(name, raising=False)
    pins = dev.pin_cpu(Path(sys.executable))
    assert {name: os.environ[name] for name in pins} == pins
    x86_avx2 = platform.machine().lower() in ("x86_64", "amd64") and found["AVX2"]
    assert pins.get("OPENBLAS_CORETYPE") == ("Haswell" if x86_avx2 else None)
    # the targets turned off are the ones above AVX2 an unpinned numpy would use here
    code = ("from numpy._core import _multiarray_umath as m; print(','.join(k for k in "
            "m.__cpu_dispatch__ if m.__cpu_features__.get(k) and k != 'X86_V3'))")
    unpinned = {k: v for k, v in os.environ.items() if k not in pins}
    above = subprocess.run([sys.executable, "-c", code], env=unpinned, capture_output=True,
                           text=True, check=True).stdout.strip()
    if x86_avx2:
        assert pins.get("NPY_DISABLE_CPU_FEATURES", "") == above
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    assert "OPENBLAS_CORETYPE" not in dev.pin_cpu(Path(sys.executable))
    assert os.environ["OPENBLAS_CORETYPE"] == "Zen"


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="x86-64 only")
def test_the_pins_turn_numpys_avx512_code_off_in_a_new_process():
    # numpy's dispatch targets above AVX2 (X86_V3), as a process started with the pins sees them
    pins = dev.cpu_pins(platform.machine(), *cpu_info())
    if not pins:
        pytest.skip("this CPU has no AVX2: nothing is pinned")
    code = ("from numpy._core import _multiarray_umath as m; "
            "print(sorted(k for k in m.__cpu_dispatch__ if m.__cpu_features__.get(k) "
            "and (k == 'X86_V4' or k.startswith('AVX512'))))")
    env = {k: v for k, v in os.environ.items() if k not in pins}
    out = subprocess.run([sys.executable, "-c", code], env={**env, **pins},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]" and not out.stderr


def cpu_info():
    from numpy._core import _multiarray_umath as m

    return m.__cpu_features__, m.__cpu_dispatch__


def test_pin_cpu_leaves_numpy_alone_when_its_features_are_chosen_already(monkeypatch):
    # numpy refuses NPY_ENABLE_CPU_FEATURES and NPY_DISABLE_CPU_FEATURES together
    for name in dev.PIN_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NPY_ENABLE_CPU_FEATURES", "")
    pins = dev.pin_cpu(Path(sys.executable))
    assert "NPY_DISABLE_CPU_FEATURES" not in pins and "NPY_DISABLE_CPU_FEATURES" not in os.environ
    found, _ = cpu_info()  # the CPU was asked (not a probe that failed): BLAS is pinned
    if platform.machine().lower() in ("x86_64", "amd64") and found["AVX2"]:
        assert pins.get("OPENBLAS_CORETYPE") == "Haswell"


def test_pin_cpu_says_so_when_it_cannot_ask_numpy(tmp_path, capsys):
    assert dev.pin_cpu(tmp_path / "no-python") == {}
    assert "could not ask numpy" in capsys.readouterr().err
