"""Load the MNIST handwritten digits from a local folder, the cache, or a download.

MNIST is 70,000 grey 28x28 pictures of handwritten digits with their labels, stored
as four gzip-compressed IDX files. `load_mnist` looks for each file in this order and
uses the first copy whose content has the right SHA-256 checksum:

1. the folder passed as ``data_dir``,
2. the folder named by the environment variable ``BACKPROP_DATA_DIR``,
3. the cache folder (``cache_dir``, or ``default_cache_dir()``).

If no folder has a good copy, the file is downloaded into the cache from the first
mirror that works. A file that fails the check is never used: a half-finished
download or a wrong file must not silently turn into wrong training data. A copy that
cannot be read (or a folder under a file's name) is skipped for the next place; a bad
cached copy that cannot be deleted (a read-only cache) stops with a message saying so.

The checksum is taken over the *decompressed* content, not over the ``.gz`` file,
because the same images can be gzip-compressed in different ways.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import string
import struct
import tempfile
import uuid
import warnings
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pooch

MNIST_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

# SHA-256 of the decompressed IDX content of each file.
MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": (
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
    ),
    "train-labels-idx1-ubyte.gz": (
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
    ),
}

MNIST_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# IDX magic numbers: 0x08 means "unsigned bytes", the last byte is the number of dimensions.
_IDX_LABELS = 0x00000801  # 2049: one dimension (n,)
_IDX_IMAGES = 0x00000803  # 2051: three dimensions (n, rows, cols)


class MNISTNotFoundError(FileNotFoundError):
    """Raised when no folder holds a valid copy of an MNIST file and it could not be downloaded."""


def default_cache_dir() -> Path:
    """Return the folder where downloads are kept, so MNIST is fetched only once per machine.

    It is ``<BACKPROP_CACHE_DIR>/mnist`` if that environment variable is set, otherwise
    the operating system's cache folder for backprop_lib (for example
    ``~/.cache/backprop_lib/mnist`` on Linux). The folder is not created here.
    """
    root = os.environ.get("BACKPROP_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "mnist"
    return Path(pooch.os_cache("backprop_lib")) / "mnist"


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one gzip-compressed IDX file of unsigned bytes (the MNIST format) into a uint8 array."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be the path of one .gz file (a str or pathlib.Path), "
                        f"got {type(path).__name__}")
    if str(path).strip() == "":
        raise ValueError("path is an empty string: pass the path of one .gz file")
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file: pass the path of one file in "
                                f"it, e.g. {path / MNIST_FILES['train_images']}")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file (load_mnist() finds, verifies and, if "
                                "needed, downloads the four MNIST files for you)")
    return _parse_idx(_decompress(path), str(path))


def load_mnist(
    data_dir: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] | None = None,
    checksums: Mapping[str, str] | None = None,
    download: bool = True,
    progress: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (train_images, train_labels, test_images, test_labels) as uint8 arrays.

    The shapes are (60000, 28, 28), (60000,), (10000, 28, 28) and (10000,). Each file
    is taken from ``data_dir``, then ``BACKPROP_DATA_DIR``, then the cache, and is
    downloaded into the cache (from ``mirrors``) only if none of them has a valid copy.
    ``checksums`` maps each file name to the SHA-256 of its decompressed content.
    """
    data_dir = _as_dir(data_dir, "data_dir")
    cache_dir = _as_dir(cache_dir, "cache_dir") or default_cache_dir()
    mirrors = _as_mirrors(mirrors)
    checksums = _as_checksums(checksums)
    for flag, value in (("download", download), ("progress", progress)):
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r:.40}")
    folders = _user_folders(data_dir, cache_dir)

    arrays = {}
    for key, name in MNIST_FILES.items():
        payload = _find_or_download(
            name, folders, cache_dir, mirrors, checksums[name], download, progress
        )
        arrays[key] = _parse_idx(payload, name)
    _check_consistent(arrays)
    return (
        arrays["train_images"],
        arrays["train_labels"],
        arrays["test_images"],
        arrays["test_labels"],
    )


# --- checking the arguments -------------------------------------------------------------


def _as_dir(value, name: str) -> Path | None:
    """Return a folder argument as a Path (None stays None), or raise a TypeError."""
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be a folder path (a str or pathlib.Path) or None, "
            f"got {type(value).__name__}"
        )
    if str(value).strip() == "":  # Path("") would silently mean the current folder
        raise ValueError(f"{name} is an empty string: pass a folder path, or None to skip it")
    return Path(value).expanduser()


def _as_mirrors(mirrors) -> list[str]:
    """Return the mirrors as a list of URLs that each end with '/', or raise a TypeError."""
    if mirrors is None:
        return list(MNIST_MIRRORS)
    if isinstance(mirrors, str) or not isinstance(mirrors, Sequence):
        raise TypeError(
            "mirrors must be a list or tuple of URL strings, such as "
            f"['https://example.org/mnist/'], got {type(mirrors).__name__}"
        )
    for mirror in mirrors:
        if not isinstance(mirror, str):
            raise TypeError(f"every mirror must be a URL string, got {type(mirror).__name__}")
        if not mirror.startswith(("https://", "http://", "ftp://")):
            raise ValueError(
                f"every mirror must be a URL starting with https:// (or http://, ftp://), "
                f"got {mirror!r}: e.g. {MNIST_MIRRORS[0]!r}"
            )
    return [m if m.endswith("/") else m + "/" for m in mirrors]


def _as_checksums(checksums) -> Mapping[str, str]:
    """Return the checksums to verify against, or raise if one of the four files is missing."""
    if checksums is None:
        return MNIST_SHA256
    if not isinstance(checksums, Mapping):
        raise TypeError(
            "checksums must be a dict mapping each MNIST file name to a SHA-256 hex string, "
            f"got {type(checksums).__name__}"
        )
    missing = [name for name in MNIST_FILES.values() if name not in checksums]
    if missing:
        raise ValueError(f"checksums has no SHA-256 for {', '.join(missing)}")
    unknown = [repr(name) for name in checksums if name not in MNIST_SHA256]
    if unknown:
        raise ValueError(f"checksums names files that are not MNIST files: {', '.join(unknown)}; "
                         f"the keys must be the four file names, {', '.join(MNIST_SHA256)}")
    for name, value in checksums.items():
        if not isinstance(value, str):
            raise TypeError(f"checksums[{name!r}] must be a SHA-256 as a string of 64 hex "
                            f"digits, got {type(value).__name__} {value!r:.40}")
        if len(value) != 64 or value.strip(string.hexdigits):
            raise ValueError(f"checksums[{name!r}] must be a SHA-256: 64 hex digits (0-9, a-f), "
                             f"got {value!r:.80} ({len(value)} characters)")
    return checksums


def _user_folders(data_dir: Path | None, cache_dir: Path) -> list[tuple[str, Path | None]]:
    """Return the user's folders to search, in order, as (label, folder or None if unset)."""
    env_dir = os.environ.get("BACKPROP_DATA_DIR")
    folders = [
        ("data_dir", data_dir),
        ("BACKPROP_DATA_DIR", Path(env_dir).expanduser() if env_dir else None),
    ]
    # A folder that is also the cache is searched once, as the cache.
    return [(label, None if _same_dir(d, cache_dir) else d) for label, d in folders]


def _same_dir(a: Path | None, b: Path) -> bool:
    """Tell whether two paths name the same folder."""
    return a is not None and a.resolve() == b.resolve()


# --- finding, verifying and downloading one file -----------------------------------------


def _find_or_download(
    name: str,
    folders: list[tuple[str, Path | None]],
    cache_dir: Path,
    mirrors: list[str],
    expected: str,
    download: bool,
    progress: bool,
) -> bytes:
    """Return the verified decompressed content of one MNIST file, wherever it is found."""
    looked: list[str] = []  # one line per place looked, for the error message
    payload = _from_user_folders(name, folders, expected, looked)
    if payload is None:
        payload = _from_cache(cache_dir / name, expected, looked)
    if payload is None and download:
        payload = _download(name, cache_dir, mirrors, expected, progress, looked)
    if payload is None and not download:
        looked.append("no download tried: load_mnist was called with download=False")
    if payload is None:
        raise MNISTNotFoundError(_not_found_message(name, looked, cache_dir))
    return payload


def _from_user_folders(
    name: str, folders: list[tuple[str, Path | None]], expected: str, looked: list[str]
) -> bytes | None:
    """Return the content of the first valid copy in the user's folders; warn about bad ones."""
    for label, folder in folders:
        if folder is None:
            looked.append(f"{label}: not set")
            continue
        path = folder / name
        if not path.exists():
            looked.append(f"{label} {path}: {_no_file(folder)}")
            continue
        try:
            return _read_verified(path, expected)
        except (OSError, ValueError) as err:  # a folder, unreadable, damaged: try the next place
            looked.append(f"{label} {path}: {_reason(err)}, ignored")
            # stacklevel=4 points the warning at the line that called load_mnist.
            warnings.warn(f"Ignoring {path} ({label}): {_reason(err)}.", UserWarning, stacklevel=4)
    return None


def _no_file(folder: Path) -> str:
    """Say why a file is missing: no such file, or its folder is missing or is a file."""
    if folder.exists() and not folder.is_dir():
        return f"no such file, as {folder} is a file, not a folder"
    return "no such file"


def _reason(err: Exception) -> str:
    """A copy's problem in words: our ValueError as it is, an OSError by its type."""
    if isinstance(err, IsADirectoryError):
        return "it is a folder, not a file"
    if isinstance(err, OSError):
        return f"it could not be read ({type(err).__name__}: {err.strerror or err})"
    return str(err)


def _from_cache(path: Path, expected: str, looked: list[str]) -> bytes | None:
    """Return the content of the cached copy if it is valid; delete it if it is not."""
    if not path.exists():
        looked.append(f"cache {path}: {_no_file(path.parent)}")
        return None
    if path.is_dir():  # never delete a folder: it may hold the user's own files
        looked.append(f"cache {path}: {_reason(IsADirectoryError())}; move or delete that "
                      "folder so the file can be cached")
        return None
    try:
        return _read_verified(path, expected)
    except (OSError, ValueError) as err:
        reason = _reason(err)
    try:
        path.unlink()
    except OSError as err:  # a read-only cache: say what is wrong and what to do
        looked.append(
            f"cache {path}: {reason}, and it could not be deleted ({type(err).__name__}: "
            f"{err.strerror or err}); delete it yourself, or use a cache you can write to: "
            "load_mnist(cache_dir='a/writable/folder') or the variable BACKPROP_CACHE_DIR"
        )
        warnings.warn(f"Could not delete the bad cached copy {path}: {reason}.", UserWarning,
                      stacklevel=4)
        return None
    looked.append(f"cache {path}: {reason}, deleted")
    warnings.warn(f"Deleted the cached copy {path}: {reason}.", UserWarning, stacklevel=4)
    return None


def _download(
    name: str, cache_dir: Path, mirrors: list[str], expected: str, progress: bool, looked: list[str]
) -> bytes | None:
    """Download one file into the cache from the first mirror that gives a valid copy."""
    if not mirrors:
        looked.append("no download tried: the list of mirrors is empty")
        return None
    if (cache_dir / name).exists():
        looked.append(f"no download tried: {cache_dir / name} is in the way (see above)")
        return None
    try:  # can a download be saved? (a file named like the folder, a read-only cache...)
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=cache_dir):
            pass
    except OSError as err:
        looked.append(
            f"no download tried: cannot write into the cache folder {cache_dir} "
            f"({type(err).__name__}: {err.strerror or err}); use one you can write to: "
            "load_mnist(cache_dir='a/writable/folder') or the variable BACKPROP_CACHE_DIR"
        )
        return None
    for mirror in mirrors:
        url = mirror + name
        try:
            return _download_verified(url, cache_dir / name, expected, progress)
        except (OSError, ValueError, EOFError) as err:  # network errors are OSErrors
            looked.append(f"{url}: {_shorten(f'{type(err).__name__}: {err}')}")
    return None


def _download_verified(url: str, final: Path, expected: str, progress: bool) -> bytes:
    """Download `url` to a temporary file and move it to `final` only once it is verified."""
    temp = final.with_name(f"{final.name}.{uuid.uuid4().hex}.part")
    try:
        with _quiet_pooch():
            pooch.retrieve(
                url, known_hash=None, fname=temp.name, path=temp.parent, progressbar=progress
            )
        payload = _read_verified(temp, expected)
        os.replace(temp, final)  # atomic: the final name only ever holds a verified file
        return payload
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Hide pooch's informational log lines (URL and hash of each download) for a while."""
    logger = pooch.get_logger()
    old_level = logger.level
    logger.setLevel("WARNING")
    try:
        yield
    finally:
        logger.setLevel(old_level)


def _read_verified(path: Path, expected: str) -> bytes:
    """Return the decompressed content of `path`, or raise ValueError if its SHA-256 is wrong."""
    payload = _decompress(path)
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected.lower():
        raise ValueError(
            f"it failed verification: the SHA-256 of its content is {actual[:12]}..., "
            f"expected {expected[:12]}... (the file is damaged or is not the MNIST file)"
        )
    return payload


def _shorten(text: str, limit: int = 160) -> str:
    """Shorten a long error message, keeping its start and its end (where the cause often is)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-half:]}"


def _not_found_message(name: str, looked: list[str], cache_dir: Path) -> str:
    """Build the error message: every place looked, then how to provide the files."""
    places = "\n".join(f"  - {line}" for line in looked)
    names = ", ".join(MNIST_FILES.values())
    return (
        f"Could not find a valid copy of the MNIST file {name}. Places looked, in order:\n"
        f"{places}\n"
        "To fix this, either:\n"
        f"  - put the four files ({names}) in one folder and call "
        "load_mnist(data_dir='that/folder'), or set the environment variable "
        "BACKPROP_DATA_DIR to that folder;\n"
        f"  - or connect to the internet once: load_mnist() then downloads them into "
        f"{cache_dir} and reuses them offline afterwards."
    )


# --- reading the IDX format ---------------------------------------------------------------


def _decompress(path: Path) -> bytes:
    """Return the decompressed bytes of a gzip file, or raise ValueError if it is damaged."""
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise ValueError(f"{path} is truncated or is not a gzip file ({err})") from err


def _parse_idx(payload: bytes, source: str) -> np.ndarray:
    """Turn the bytes of an IDX file into an array, checking the header against the data."""
    if len(payload) < 4:
        raise ValueError(f"{source} is truncated: only {len(payload)} bytes, not an IDX file")
    (magic,) = struct.unpack(">I", payload[:4])  # ">" = big-endian, "I" = uint32
    if magic not in (_IDX_LABELS, _IDX_IMAGES):
        raise ValueError(
            f"{source} is not an IDX file of unsigned bytes: magic number {magic}, "
            f"expected {_IDX_LABELS} or {_IDX_IMAGES}"
        )
    n_dims = magic & 0xFF
    header_size = 4 + 4 * n_dims
    if len(payload) < header_size:
        raise ValueError(f"{source} is truncated: its header is incomplete")
    shape = struct.unpack(f">{n_dims}I", payload[4:header_size])
    n_data = len(payload) - header_size
    if n_data != int(np.prod(shape)):
        raise ValueError(
            f"{source} is truncated or damaged: its header announces shape {shape}, "
            f"that is {int(np.prod(shape))} bytes of data, but it holds {n_data}"
        )
    # frombuffer shares the (read-only) bytes; copy to give a normal, writable array.
    return np.frombuffer(payload, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def _check_consistent(arrays: dict[str, np.ndarray]) -> None:
    """Raise ValueError unless images are 3-D, labels 1-D, and each set has one label per image."""
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or labels.ndim != 1:
            raise ValueError(
                f"{split} images must be 3-D and labels 1-D, got shapes {images.shape} "
                f"and {labels.shape}: the image and label files may be swapped"
            )
        if len(images) != len(labels):
            raise ValueError(
                f"the {split} set has {len(images)} images but {len(labels)} labels: "
                "the files do not belong together"
            )
