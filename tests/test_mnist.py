"""Tests of the MNIST loader, on tiny IDX files written here and a local HTTP server.

No test touches the user's real cache or the internet: every call passes its own
cache_dir under tmp_path, and downloads come from a server on 127.0.0.1. The real
MNIST files are only read when BACKPROP_DATA_DIR points at them.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
import warnings
from pathlib import Path

import numpy as np
import pooch
import pytest

from backprop_lib.mnist import (
    MNIST_FILES,
    MNIST_MIRRORS,
    MNIST_SHA256,
    MNISTNotFoundError,
    default_cache_dir,
    load_mnist,
    read_idx,
)

# Read before the autouse fixture below removes it from the environment of each test.
REAL_DATA_DIR = os.environ.get("BACKPROP_DATA_DIR")

N_TRAIN, N_TEST = 5, 3


# --- tiny MNIST-like files ------------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """Return the uncompressed IDX encoding of a uint8 array of 1 or 3 dimensions."""
    magic = 0x0800 + array.ndim
    header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
    return header + array.astype(np.uint8).tobytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def tiny():
    """Arrays, IDX contents and checksums of a tiny fake MNIST (5 train, 3 test images)."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, size=(N_TRAIN, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, size=N_TRAIN, dtype=np.uint8),
        "test_images": rng.integers(0, 256, size=(N_TEST, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, size=N_TEST, dtype=np.uint8),
    }
    payloads = {MNIST_FILES[key]: idx_bytes(a) for key, a in arrays.items()}
    checksums = {name: sha256(data) for name, data in payloads.items()}
    return arrays, payloads, checksums


def write_files(folder: Path, payloads: dict[str, bytes]) -> Path:
    """Gzip each payload into folder under its file name; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in payloads.items():
        (folder / name).write_bytes(gzip.compress(data, mtime=0))
    return folder


def corrupted(payloads: dict[str, bytes]) -> dict[str, bytes]:
    """Return valid IDX files whose last pixel/label differs, so their checksum is wrong."""
    return {name: data[:-1] + bytes([(data[-1] + 1) % 256]) for name, data in payloads.items()}


def assert_tiny(result, arrays) -> None:
    """Check that load_mnist returned exactly the tiny arrays, as uint8."""
    keys = ["train_images", "train_labels", "test_images", "test_labels"]
    assert len(result) == 4
    for key, got in zip(keys, result, strict=True):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Start each test without BACKPROP_* variables, and never send 127.0.0.1 to a proxy."""
    monkeypatch.delenv("BACKPROP_DATA_DIR", raising=False)
    monkeypatch.delenv("BACKPROP_CACHE_DIR", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


# --- a local HTTP mirror --------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files from a folder, record each requested path, and print nothing."""

    def do_GET(self):
        self.server.requests.append(self.path)
        super().do_GET()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def start_mirror(tmp_path):
    """Return a function that serves a dict of IDX payloads over HTTP and gives its URL."""
    servers = []

    def start(payloads: dict[str, bytes]):
        root = write_files(tmp_path / f"mirror{len(servers)}", payloads)
        handler = functools.partial(QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.requests = []
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", server.requests

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """Return a URL on 127.0.0.1 where nothing listens, so connecting fails at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# --- read_idx -------------------------------------------------------------------------------


def test_read_idx_reads_images_and_labels(tmp_path, tiny):
    arrays, payloads, _ = tiny
    write_files(tmp_path, payloads)
    images = read_idx(tmp_path / MNIST_FILES["train_images"])
    labels = read_idx(str(tmp_path / MNIST_FILES["train_labels"]))
    np.testing.assert_array_equal(images, arrays["train_images"])
    np.testing.assert_array_equal(labels, arrays["train_labels"])
    assert images.dtype == np.uint8 and images.shape == (N_TRAIN, 28, 28)
    assert images.flags.writeable


def test_read_idx_refuses_a_truncated_payload(tmp_path, tiny):
    _, payloads, _ = tiny
    path = tmp_path / "short.gz"
    path.write_bytes(gzip.compress(payloads[MNIST_FILES["train_images"]][:-10]))
    with pytest.raises(ValueError, match="truncated"):
        read_idx(path)


def test_read_idx_refuses_a_truncated_gzip_file(tmp_path, tiny):
    _, payloads, _ = tiny
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(payloads[MNIST_FILES["train_images"]])[:100])
    with pytest.raises(ValueError, match="truncated or is not a gzip file"):
        read_idx(path)


def test_read_idx_refuses_a_file_that_is_not_gzip(tmp_path, tiny):
    _, payloads, _ = tiny
    path = tmp_path / "plain.gz"
    path.write_bytes(payloads[MNIST_FILES["train_labels"]])
    with pytest.raises(ValueError, match="not a gzip file"):
        read_idx(path)


def test_read_idx_refuses_a_wrong_magic_number(tmp_path):
    path = tmp_path / "floats.gz"
    path.write_bytes(gzip.compress(struct.pack(">II", 0x0D01, 2) + bytes(8)))
    with pytest.raises(ValueError, match="magic number 3329, expected 2049 or 2051"):
        read_idx(path)


# --- local folders --------------------------------------------------------------------------


def test_load_from_data_dir(tmp_path, tiny):
    arrays, payloads, checksums = tiny
    folder = write_files(tmp_path / "data", payloads)
    for data_dir in (folder, str(folder)):
        result = load_mnist(
            data_dir, cache_dir=tmp_path / "cache", checksums=checksums, download=False
        )
        assert_tiny(result, arrays)
    assert not (tmp_path / "cache").exists()


def test_bad_file_in_data_dir_is_ignored_with_a_warning(tmp_path, tiny):
    _, payloads, checksums = tiny
    folder = write_files(tmp_path / "data", corrupted(payloads))
    cache = tmp_path / "cache"
    with pytest.warns(UserWarning, match="failed verification") as record:
        with pytest.raises(MNISTNotFoundError) as excinfo:
            load_mnist(folder, cache_dir=cache, checksums=checksums, download=False)
    name = MNIST_FILES["train_images"]
    assert str(folder / name) in str(record[0].message)
    message = str(excinfo.value)
    assert f"data_dir {folder / name}: it failed verification" in message
    assert "BACKPROP_DATA_DIR: not set" in message
    assert f"cache {cache / name}: no such file" in message
    assert "download=False" in message
    assert "load_mnist(data_dir=" in message and str(cache) in message
    assert (folder / name).exists()  # the user's own file is never deleted


def test_env_dir_is_used_after_a_bad_data_dir(tmp_path, tiny, monkeypatch):
    arrays, payloads, checksums = tiny
    bad = write_files(tmp_path / "bad", corrupted(payloads))
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(write_files(tmp_path / "env", payloads)))
    with pytest.warns(UserWarning, match="Ignoring"):
        result = load_mnist(bad, cache_dir=tmp_path / "cache", checksums=checksums)
    assert_tiny(result, arrays)


def test_data_dir_comes_before_env_dir_and_cache(tmp_path, tiny, monkeypatch):
    # Bad copies later in the order would warn (or be deleted) if they were looked at.
    arrays, payloads, checksums = tiny
    good = write_files(tmp_path / "good", payloads)
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(write_files(tmp_path / "env", corrupted(payloads))))
    cache = write_files(tmp_path / "cache", corrupted(payloads))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = load_mnist(good, cache_dir=cache, checksums=checksums, download=False)
    assert_tiny(result, arrays)
    assert len(list(cache.iterdir())) == 4


def test_env_dir_comes_before_cache(tmp_path, tiny, monkeypatch):
    arrays, payloads, checksums = tiny
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(write_files(tmp_path / "env", payloads)))
    cache = write_files(tmp_path / "cache", corrupted(payloads))
    empty = write_files(tmp_path / "empty", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = load_mnist(empty, cache_dir=cache, checksums=checksums, download=False)
    assert_tiny(result, arrays)
    assert len(list(cache.iterdir())) == 4


def test_files_may_come_from_different_places(tmp_path, tiny, monkeypatch):
    arrays, payloads, checksums = tiny
    names = list(payloads)
    data_dir = write_files(tmp_path / "data", {n: payloads[n] for n in names[:2]})
    env_dir = write_files(tmp_path / "env", {n: payloads[n] for n in names[2:3]})
    cache = write_files(tmp_path / "cache", {n: payloads[n] for n in names[3:]})
    monkeypatch.setenv("BACKPROP_DATA_DIR", str(env_dir))
    result = load_mnist(data_dir, cache_dir=cache, checksums=checksums, download=False)
    assert_tiny(result, arrays)


def test_images_and_labels_must_match_in_number(tmp_path, tiny):
    arrays, payloads, _ = tiny
    payloads = dict(payloads)
    payloads[MNIST_FILES["train_labels"]] = idx_bytes(arrays["train_labels"][:4])
    checksums = {name: sha256(data) for name, data in payloads.items()}
    folder = write_files(tmp_path / "data", payloads)
    with pytest.raises(ValueError, match="5 images but 4 labels"):
        load_mnist(folder, cache_dir=tmp_path / "cache", checksums=checksums, download=False)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"data_dir": 5}, "data_dir must be a folder path"),
        ({"cache_dir": b"/tmp"}, "cache_dir must be a folder path"),
        ({"mirrors": "http://127.0.0.1/"}, "mirrors must be a list or tuple"),
        ({"mirrors": [None]}, "every mirror must be a URL string"),
        ({"checksums": ["abc"]}, "checksums must be a dict"),
    ],
)
def test_wrong_argument_types_are_explained(kwargs, match, tmp_path):
    kwargs.setdefault("cache_dir", tmp_path)
    with pytest.raises(TypeError, match=match):
        load_mnist(**kwargs, download=False)


def test_checksums_must_cover_every_file(tmp_path):
    with pytest.raises(ValueError, match="no SHA-256 for"):
        load_mnist(cache_dir=tmp_path, checksums={"train-images-idx3-ubyte.gz": "0" * 64})


def test_default_cache_dir(monkeypatch, tmp_path):
    assert default_cache_dir() == Path(pooch.os_cache("backprop_lib")) / "mnist"
    monkeypatch.setenv("BACKPROP_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "mnist"


def test_public_constants_are_consistent():
    assert set(MNIST_SHA256) == set(MNIST_FILES.values())
    assert all(m.startswith("https://") and m.endswith("/") for m in MNIST_MIRRORS)


# --- downloads from a local HTTP server -----------------------------------------------------


def test_download_fills_the_cache_and_the_cache_is_reused(tmp_path, tiny, start_mirror):
    arrays, payloads, checksums = tiny
    url, requests = start_mirror(payloads)
    cache = tmp_path / "cache" / "mnist"  # a folder that does not exist yet
    result = load_mnist(cache_dir=cache, mirrors=[url], checksums=checksums, progress=True)
    assert_tiny(result, arrays)
    assert sorted(requests) == sorted("/" + name for name in payloads)
    assert sorted(p.name for p in cache.iterdir()) == sorted(payloads)

    again = load_mnist(cache_dir=cache, mirrors=[url], checksums=checksums, progress=False)
    assert_tiny(again, arrays)
    assert len(requests) == 4  # the second call did not touch the server


def test_mirror_url_without_trailing_slash(tmp_path, tiny, start_mirror):
    arrays, payloads, checksums = tiny
    url, _ = start_mirror(payloads)
    result = load_mnist(
        cache_dir=tmp_path / "cache",
        mirrors=(url.rstrip("/"),),
        checksums=checksums,
        progress=False,
    )
    assert_tiny(result, arrays)


def test_corrupt_download_is_never_cached(tmp_path, tiny, start_mirror):
    _, payloads, checksums = tiny
    bad_url, bad_requests = start_mirror(corrupted(payloads))
    cache = tmp_path / "cache"
    with pytest.raises(MNISTNotFoundError) as excinfo:
        load_mnist(cache_dir=cache, mirrors=[bad_url], checksums=checksums, progress=False)
    assert bad_requests == ["/" + MNIST_FILES["train_images"]]
    assert f"{bad_url}{MNIST_FILES['train_images']}: ValueError" in str(excinfo.value)
    assert "failed verification" in str(excinfo.value)
    assert list(cache.iterdir()) == []  # no file under the final name, no temporary file


def test_next_mirror_is_used_after_a_corrupt_one(tmp_path, tiny, start_mirror):
    arrays, payloads, checksums = tiny
    missing_url, missing_requests = start_mirror({})  # answers 404
    bad_url, bad_requests = start_mirror(corrupted(payloads))
    good_url, good_requests = start_mirror(payloads)
    cache = tmp_path / "cache"
    result = load_mnist(
        cache_dir=cache,
        mirrors=[missing_url, bad_url, good_url],
        checksums=checksums,
        progress=False,
    )
    assert_tiny(result, arrays)
    assert len(missing_requests) == len(bad_requests) == len(good_requests) == 4
    assert sorted(p.name for p in cache.iterdir()) == sorted(payloads)
    for name, data in payloads.items():
        assert gzip.decompress((cache / name).read_bytes()) == data


def test_corrupt_cached_file_is_replaced_by_a_download(tmp_path, tiny, start_mirror):
    arrays, payloads, checksums = tiny
    url, requests = start_mirror(payloads)
    cache = write_files(tmp_path / "cache", payloads)
    name = MNIST_FILES["test_labels"]
    write_files(cache, corrupted({name: payloads[name]}))
    with pytest.warns(UserWarning, match="Deleted the cached copy"):
        result = load_mnist(cache_dir=cache, mirrors=[url], checksums=checksums, progress=False)
    assert_tiny(result, arrays)
    assert requests == ["/" + name]
    assert gzip.decompress((cache / name).read_bytes()) == payloads[name]
    assert sorted(p.name for p in cache.iterdir()) == sorted(payloads)


def test_corrupt_cached_file_is_deleted_even_without_download(tmp_path, tiny):
    _, payloads, checksums = tiny
    cache = write_files(tmp_path / "cache", corrupted(payloads))
    name = MNIST_FILES["train_images"]
    with pytest.warns(UserWarning, match="Deleted the cached copy"):
        with pytest.raises(MNISTNotFoundError, match="deleted"):
            load_mnist(cache_dir=cache, checksums=checksums, download=False)
    assert not (cache / name).exists()


def test_unreachable_mirror_and_no_files(tmp_path, tiny):
    _, _, checksums = tiny
    url = closed_port_url()
    cache = tmp_path / "cache"
    with pytest.raises(MNISTNotFoundError) as excinfo:
        load_mnist(
            tmp_path / "nowhere",
            cache_dir=cache,
            mirrors=[url],
            checksums=checksums,
            progress=False,
        )
    message = str(excinfo.value)
    name = MNIST_FILES["train_images"]
    assert message.startswith(f"Could not find a valid copy of the MNIST file {name}")
    assert f"data_dir {tmp_path / 'nowhere' / name}: no such file" in message
    assert f"{url}{name}: ConnectionError" in message
    assert "BACKPROP_DATA_DIR" in message and str(cache) in message
    assert isinstance(excinfo.value, FileNotFoundError)
    assert list(cache.iterdir()) == []


# --- the real MNIST files -------------------------------------------------------------------


def test_real_mnist_files_from_backprop_data_dir(tmp_path, monkeypatch):
    if not REAL_DATA_DIR:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must set BACKPROP_DATA_DIR to a folder holding the MNIST files")
        pytest.skip("BACKPROP_DATA_DIR is not set, so the real MNIST files are not tested")
    monkeypatch.setenv("BACKPROP_DATA_DIR", REAL_DATA_DIR)
    x_train, y_train, x_test, y_test = load_mnist(cache_dir=tmp_path / "cache", download=False)
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    assert x_train.max() == 255 and x_test.max() == 255
    assert not (tmp_path / "cache").exists()  # found in BACKPROP_DATA_DIR, nothing cached
