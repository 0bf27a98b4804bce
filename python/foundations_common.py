"""What the four foundations topics share (Python): input checks, the shared random inputs, printing.

Its twin is R/foundations_common.R. It is not a lesson: foundations_convolution,
foundations_pooling, foundations_backpropagation and foundations_recurrence each
take these few pieces from here and nothing from one another.

The shared random inputs, shared_data/foundations_inputs.json, were made once with

    .venv/bin/python python/foundations_common.py --make-inputs

and both languages read the same file, so they compute on the same doubles.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import helpers  # sets TensorFlow's environment before a topic imports keras
import datasets


def shared_inputs_path(lesson: str) -> Path:
    return helpers.ROOT / "shared_data" / helpers.load_spec()["lessons_by_hand"][lesson]["inputs"]


def check_matrix(x, name: str = "x") -> np.ndarray:
    """Turn x into a float matrix, or say in one sentence why it cannot be one."""
    a = np.asarray(x, dtype=float)
    if a.ndim != 2 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(
            f"{name} must be a non-empty numeric matrix without missing values."
        )
    return a


def check_pair(value, name: str) -> tuple[int, int]:
    """Strides and window sizes may be given once for both directions."""
    v = np.atleast_1d(np.asarray(value))
    if v.size == 1:
        v = np.repeat(v, 2)
    if v.size != 2 or np.any(v != np.round(v)) or np.any(v < 1):
        raise ValueError(f"{name} must be a positive whole number (or two of them).")
    return int(v[0]), int(v[1])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def make_shared_inputs(seed: int = 20240723) -> dict:
    """The random numbers both languages use; run once with --make-inputs.

    One generator draws every topic's numbers in this order, so the file stays
    the same as long as the order does.
    """
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    n_x, n_a, t = 3, 4, 6
    return {
        "schema": "foundations-inputs/1",
        "seed": seed,
        "conv": {
            "image": rng.normal(size=(7, 6, 3)).tolist(),
            "kernel": rng.normal(size=(3, 3, 3)).tolist(),
            "bias": float(rng.normal()),
            "image2d": rng.normal(size=(7, 8)).tolist(),
            "kernel2d": rng.normal(size=(3, 2)).tolist(),
            "signal": rng.normal(size=9).tolist(),
            "kernel1d": rng.normal(size=3).tolist(),
            "pool": rng.normal(size=(6, 6)).tolist(),
        },
        "tiny_cnn": {
            "x": rng.uniform(0, 1, size=(5, 5)).tolist(),
            "f": rng.normal(0, 0.5, size=(3, 3)).tolist(),
            "w": rng.normal(0, 0.5, size=(9, 2)).tolist(),
            "b": rng.normal(0, 0.1, size=2).tolist(),
            "y": [1.0, 0.0],
        },
        "lstm": {
            "x": rng.normal(size=(t, n_x)).tolist(),
            "kernel": rng.normal(0, 0.5, size=(n_x, 4 * n_a)).tolist(),
            "recurrent_kernel": rng.normal(0, 0.5, size=(n_a, 4 * n_a)).tolist(),
            "bias": rng.normal(0, 0.2, size=4 * n_a).tolist(),
        },
        "gru": {
            "x": rng.normal(size=(t, n_x)).tolist(),
            "kernel": rng.normal(0, 0.5, size=(n_x, 3 * n_a)).tolist(),
            "recurrent_kernel": rng.normal(0, 0.5, size=(n_a, 3 * n_a)).tolist(),
            "bias_reset_after": rng.normal(0, 0.2, size=(2, 3 * n_a)).tolist(),
            "bias_reset_before": rng.normal(0, 0.2, size=3 * n_a).tolist(),
        },
        "gradients": {
            "x": rng.normal(0, 0.01, size=(40, 1)).tolist(),
            "rnn_kernel": rng.normal(0, 0.5, size=(1, 8)).tolist(),
            "rnn_recurrent_orthogonal": q.tolist(),
            "lstm_kernel": rng.normal(0, 0.3, size=(1, 32)).tolist(),
            "lstm_recurrent_kernel": rng.normal(0, 0.3, size=(8, 32)).tolist(),
            "lstm_bias": ([0.0] * 8 + [1.0] * 8 + [0.0] * 16),
        },
    }


def read_shared_inputs(lesson: str) -> dict:
    """The shared random inputs the spec names for this topic, checked against the manifest first."""
    key = helpers.load_spec()["lessons_by_hand"][lesson]["inputs"]   # its name in MANIFEST.sha256
    path = datasets.verify_file(shared_inputs_path(lesson), key, helpers.ROOT / "shared_data")
    try:
        return json.loads(path.read_text())
    except ValueError:   # not JSON, or not UTF-8: a file resealed by hand after it was changed
        raise helpers.WorkshopError(f"The shared inputs file {path} is not valid JSON: restore it with "
                                    f"git checkout -- shared_data (or python/foundations_common.py --make-inputs).") from None


def show(title: str, value) -> None:
    text = np.array2string(np.asarray(value), precision=6, suppress_small=True, max_line_width=100)
    print(f"{title}:\n{text}\n" if np.ndim(value) > 0 else f"{title}: {text}")


def write_shared_inputs(path=None) -> Path:
    """Regenerate shared_data/foundations_inputs.json (run by hand, once)."""
    spec = helpers.load_spec()["lessons_by_hand"]
    path = Path(path) if path else shared_inputs_path(next(k for k in spec if "inputs" in spec[k]))
    path.write_text(json.dumps(make_shared_inputs(), indent=1, default=helpers.plain) + "\n")
    return path


if __name__ == "__main__":
    if sys.argv[1:2] != ["--make-inputs"]:
        sys.exit("Usage: .venv/bin/python python/foundations_common.py --make-inputs [path]")
    print(f"wrote {write_shared_inputs(*sys.argv[2:3])}")
