"""The benchmark scripts still run and report every field (never how fast: that is their job)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_lib import MNISTNotFoundError, load_mnist

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_mnist.py"
FIELDS = {
    "version", "runs", "epochs_timed", "epoch_median_s", "epoch_min_s", "epoch_max_s",
    "epoch_cpu_median_s",
    "train_total_s", "peak_extra_mib", "peak_rss_mib", "test_accuracy", "test_accuracy_min",
    "test_accuracy_max", "times_lower_bound", "times_numpy_bound", "blas", "torch_threads",
    "torch_blas", "memory_method",
}


def load_script(path: Path):
    """Import a benchmark script (not a package module) by its path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_bench_module():
    return load_script(BENCH)


def mnist_or_skip() -> None:
    try:
        load_mnist(download=False, progress=False)
    except MNISTNotFoundError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must set BACKPROP_DATA_DIR to a folder holding the MNIST files")
        pytest.skip("the MNIST files are not here (set BACKPROP_DATA_DIR)")


@pytest.mark.slow
def test_quick_benchmark_reports_every_field(tmp_path):
    mnist_or_skip()
    out = tmp_path / "result.json"
    run = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(out.read_text())

    settings = result["settings"]
    assert settings["epochs"] == 2 and settings["repeats"] == 2
    assert settings["n_train"] == 10_000 and settings["n_test"] == 10_000
    assert settings["threads"] == 1 and "--quick" in settings["command"]
    assert settings["one_call"] is False and "Training calls: one per epoch" in run.stdout
    assert result["machine"]["cores"] >= 1 and result["machine"]["blas"]

    names = set(result["implementations"])
    assert {"backprop_lib", "scikit-learn"} <= names  # both are dependencies of the project
    assert names | set(result["skipped"]) == {"backprop_lib", "scikit-learn", "PyTorch"}
    for why in result["skipped"].values():
        assert "pip install" in why
    for name, summary in result["implementations"].items():
        assert FIELDS <= set(summary), name
        assert summary["epochs_timed"] == 4 and summary["runs"] == 2
        assert 0 < summary["epoch_min_s"] <= summary["epoch_median_s"] <= summary["epoch_max_s"]
        assert summary["train_total_s"] > 0 and summary["times_lower_bound"] > 0
        assert summary["times_lower_bound"] >= summary["times_numpy_bound"]  # a lower bound
        assert summary["peak_extra_mib"] >= 0 and summary["peak_rss_mib"] > 0
        assert 0.5 < summary["test_accuracy"] <= 1  # 2 epochs on 10,000 images: about 0.89
    # the runs were interleaved: A B C A B C
    order = [r["implementation"] for r in result["runs"]]
    assert order == 2 * order[:len(names)]
    assert set(result["ratios"]) == {f"backprop_lib / {n}" for n in names - {"backprop_lib"}}

    bound = result["lower_bound"]
    assert len(bound["products"]) == 5 and bound["batches"] == 100
    assert bound["flops_per_batch"] == 2 * 100 * (2 * 784 * 30 + 3 * 30 * 10)
    assert 0 < bound["seconds_per_epoch"] <= bound["seconds_per_epoch_by_blas"]["numpy"]
    assert set(bound["seconds_per_epoch_by_blas"]) <= {"numpy", "PyTorch"}

    for text in ("s/epoch median", "Ratios", "Lower bound", "backprop_lib", "scikit-learn",
                 "PyTorch", "Threads: 1"):
        assert text in run.stdout


def test_one_call_mode_trains_every_epoch_in_one_call(tmp_path):
    mnist_or_skip()
    out = tmp_path / "result.json"
    run = subprocess.run([sys.executable, str(BENCH), "--one-call", "--only",
                          "backprop_lib,scikit-learn", "--epochs", "2", "--repeats", "1",
                          "--n-train", "2000", "--json", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(out.read_text())
    assert result["settings"]["one_call"] is True and result["skipped"] == {}
    for r in result["runs"]:  # one timed call, shared out over its epochs
        assert len(r["epoch_seconds"]) == 2 and r["epoch_seconds"][0] == r["epoch_seconds"][1]
    assert set(result["ratios"]) == {"backprop_lib / scikit-learn"}
    assert "Training calls: one per run" in run.stdout


def test_floor_loops_train_the_same_network_as_backprop_lib(tmp_path):
    """--floor's hand-fused loops start from backprop_lib's weights and batch order, so
    they must learn what it learns: a loop that skipped work would be fast and wrong."""
    mnist_or_skip()
    out = tmp_path / "result.json"
    run = subprocess.run([sys.executable, str(BENCH), "--floor", "--only",
                          "backprop_lib,scikit-learn,numpy-fused",  # --floor adds -32
                          "--epochs", "2", "--repeats", "1", "--n-train", "2000",
                          "--json", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(out.read_text())
    summary = result["implementations"]
    assert set(summary) == {"backprop_lib", "scikit-learn", "numpy-fused", "numpy-fused-32"}
    ours = summary["backprop_lib"]["test_accuracy"]
    assert ours > 0.7  # 2 epochs on 2000 images: about 0.81
    for floor in ("numpy-fused", "numpy-fused-32"):
        assert FIELDS <= set(summary[floor]), floor
        assert abs(summary[floor]["test_accuracy"] - ours) < 0.005, floor  # rounding only
    assert set(result["ratios"]) == {
        "backprop_lib / scikit-learn", "backprop_lib / numpy-fused",
        "backprop_lib / numpy-fused-32", "numpy-fused / scikit-learn",
        "numpy-fused-32 / scikit-learn"}
    assert "numpy-fused-32 / scikit-learn: time per epoch" in run.stdout


def test_a_missing_peer_is_skipped_with_how_to_install_it(monkeypatch):
    bench = load_bench_module()
    monkeypatch.setitem(bench.IMPLEMENTATIONS, "PyTorch",
                        ("no_such_module_for_this_test", "pip install it-somehow"))
    names, skipped = bench.find_implementations(["backprop_lib", "PyTorch"])
    assert names == ["backprop_lib"]
    assert skipped == {"PyTorch": "not installed (pip install it-somehow)"}


def test_notebook_timer_prints_a_table(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)")]
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nb, tmp_path / "01_fine.ipynb")
    nbformat.write(bad, tmp_path / "02_broken.ipynb")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "time_notebooks.py"),
                          str(tmp_path / "01_fine.ipynb"), str(tmp_path / "02_broken.ipynb"),
                          "--timeout", "60"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 1  # one notebook failed
    assert "| notebook | seconds |" in run.stdout
    assert "| 01_fine.ipynb | " in run.stdout
    assert "| 02_broken.ipynb | " in run.stdout and "ZeroDivisionError" in run.stdout
    assert not (tmp_path / ".ipynb_checkpoints").exists()
    assert nbformat.read(tmp_path / "01_fine.ipynb", as_version=4).cells[0].outputs == []


TIMER = ROOT / "benchmarks" / "time_notebooks.py"


def test_time_notebooks_writes_the_readme_table():
    timer = load_script(TIMER)
    update_readme = timer.update_readme
    table = ("| # | notebook | what | minutes to run |\n|---|---|---|---|\n"
             "| 01 | [One](notebooks/01_one.ipynb) | a | old |\n"
             "| 02 | [Two](notebooks/02_two.ipynb) | b | 20 s |\ntext after")
    new = update_readme(table, {"01_one.ipynb": 4.04, "02_two.ipynb": 150.0})
    assert "| 01 | [One](notebooks/01_one.ipynb) | a | 4 s |" in new
    assert "| 02 | [Two](notebooks/02_two.ipynb) | b | 2.5 min |" in new
    assert new.endswith("text after") and new.count("\n") == table.count("\n")
    assert timer.readme_time(new, "02_two.ipynb") == "2.5 min"
    with pytest.raises(ValueError, match="notebooks/03_three.ipynb"):
        update_readme(table, {"03_three.ipynb": 1.0})


def test_readme_table_lists_every_notebook_with_a_measured_time():
    # Every notebook has a row and a time in the format `time_notebooks.py --readme`
    # writes (the placeholders that once stood there fail this).
    readme_time = load_script(TIMER).readme_time
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        last = readme_time(readme, path.name)  # raises if the row is missing
        assert re.fullmatch(r"\d+ s|\d+\.\d min", last), (
            f"{path.name}: the README's time is {last!r}; run "
            f"`python benchmarks/time_notebooks.py --readme`")


# ---- bench_conv.py: notebook 09's CNN against PyTorch --------------------------------

BENCH_CONV = ROOT / "benchmarks" / "bench_conv.py"


@pytest.mark.slow  # about 3 s of CPU (half of it importing), 13 s wall at load 9
def test_bench_conv_quick_mode_reports_every_part(tmp_path):
    mnist_or_skip()
    out = tmp_path / "result.json"
    run = subprocess.run([sys.executable, str(BENCH_CONV), "--quick", "--json", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600,
                         check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(out.read_text())
    assert result["settings"]["n_train"] == 2000 and result["settings"]["batch"] == 64
    mine = result["implementations"]["backprop_lib"]
    assert mine["cpu_s"] > 0 and mine["wall_s"] > 0 and 0.3 < mine["test_accuracy"] <= 1
    if "PyTorch" in result["implementations"]:       # installed here: compared like for like
        assert result["same_network"]["largest_gradient_difference"] < 1e-3
        assert set(result["ratio"]) == {"cpu", "wall"}
    else:                                            # CI: reported as absent, with the fix
        assert "pip install torch" in result["skipped"] and result["ratio"] is None
        assert "PyTorch is not installed" in run.stdout
    ops = result["breakdown"]["operations"]
    assert {"im2col", "col2im", "max pooling", "Adam update"} <= set(ops)
    assert ops["im2col"] > 0 and ops["col2im"] > 0   # the layers' own im2col/col2im timed
    assert "Conv2D(1, 8, 5)" in run.stdout and "load average" in run.stdout
