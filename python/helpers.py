"""The plumbing every Python lesson shares. R/helpers.R is its mirror, in the same order.

Importing this module sets TensorFlow's environment, so import it before keras.
"""
import argparse
import csv
import gzip
import hashlib
import json
import os
import platform
import struct
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


# ---- 1. Runtime: TensorFlow reads these once, when it starts -------------------
# oneDNN and the thread count change the floating-point bits, so both languages
# pin them identically before TensorFlow loads. KERAS_HOME keeps a user's
# ~/.keras/keras.json from changing the backend or the float type.
RUNTIME_ENV = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "KERAS_BACKEND": "tensorflow",
    "KERAS_HOME": str(ROOT / ".keras"),
    "PYTHONHASHSEED": "0",
}
os.environ.update(RUNTIME_ENV)


class WorkshopError(Exception):
    """A problem the user can fix; its message is one plain sentence."""


# ---- 2. The shared spec and the command line ------------------------------------
def load_spec():
    with open(ROOT / "shared_data" / "spec.json") as f:
        return json.load(f)


def lesson_config(lesson, profile="quick", dataset=None, seed=None,
                  out=None, data_dir=None):
    """Merge the spec's lesson and profile with the command-line choices."""
    spec = load_spec()
    lessons = spec["lessons"]
    out = str(out or ROOT / "outputs" / "python" / lesson)
    data_dir = str(data_dir or ROOT / "shared_data")
    if lesson in spec["lessons_by_hand"]:   # nothing to train: no profile, only where to write
        return {"lesson": lesson, "out": out, "data_dir": data_dir}
    if lesson not in lessons:
        names = [*spec["lessons_by_hand"], *lessons]
        raise WorkshopError(f"Unknown lesson '{lesson}': choose one of {', '.join(names)}.")
    entry = lessons[lesson]
    if profile not in entry["profiles"]:
        raise WorkshopError(f"Unknown profile '{profile}': choose one of {', '.join(entry['profiles'])}.")
    config = {k: v for k, v in entry.items() if k not in ("profiles", "title", "datasets")}
    config.update(entry["profiles"][profile])
    config.update(lesson=lesson, profile=profile, threads=spec["threads"],
                  n_predictions=spec["n_predictions"])
    if dataset is not None:
        config["dataset"] = dataset
    if config["dataset"] not in entry["datasets"]:
        raise WorkshopError(f"Unknown dataset '{config['dataset']}' for {lesson}: "
                            f"choose one of {', '.join(entry['datasets'])}.")
    if seed is not None:
        config["seed"] = int(seed)
    config["out"], config["data_dir"] = out, data_dir
    return config


def parse_cli(lesson, argv=None):
    parser = argparse.ArgumentParser(prog=f"python python/{lesson}.py")
    parser.add_argument("--profile", default="quick", help="quick (minutes) or full (the real run)")
    parser.add_argument("--dataset", help="overrides the profile's dataset")
    parser.add_argument("--seed", type=int, help="overrides the profile's seed")
    parser.add_argument("--out", help="output folder (default outputs/python/<lesson>)")
    parser.add_argument("--data-dir", help="folder holding the data and MANIFEST.sha256")
    args = parser.parse_args(argv)
    return lesson_config(lesson, args.profile, args.dataset, args.seed, args.out, args.data_dir)


# ---- 3. Seeding and determinism -------------------------------------------------
def seed_everything(seed, threads):
    import tensorflow as tf
    import keras
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)   # seeds Python, NumPy and TensorFlow


# ---- 4. Data: checksums, the IDX reader, splits ----------------------------------
def read_manifest(data_dir):
    sums = {}
    for name in ("MANIFEST.sha256", "MANIFEST.local.sha256"):
        path = Path(data_dir) / name
        if path.exists():
            for line in path.read_text().splitlines():
                digest, key = line.split(maxsplit=1)
                sums[key] = digest
    return sums


def verify_file(path, key, data_dir):
    """Refuse a missing file, or one whose sha256 is not the manifest's."""
    path = Path(path)
    if not path.exists():
        raise WorkshopError(f"The data file {path} is missing: run ./workshop setup "
                            f"(or restore it with git checkout -- shared_data).")
    expected = read_manifest(data_dir).get(key)
    if expected is None:
        raise WorkshopError(f"The data file {path} has no checksum in {data_dir}/MANIFEST.sha256: "
                            f"regenerate the manifest with python tools/make_data.py manifest.")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise WorkshopError(f"The data file {path} does not match its checksum in the manifest, "
                            f"so it is corrupt or was changed: restore it with "
                            f"git checkout -- shared_data (or rerun ./workshop setup).")
    return path


def read_idx(path):
    """Read a gzipped IDX file (LeCun's MNIST format) into a uint8 array."""
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise WorkshopError(f"{path} is not a readable gzip file ({e}): restore or re-download it.")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or not 1 <= raw[3] <= 4:
        raise WorkshopError(f"{path} is not an unsigned-byte IDX file: its header is corrupt.")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise WorkshopError(f"{path} is truncated inside its header.")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    expected = int(np.prod(dims))
    body = len(raw) - 4 - 4 * ndim
    if body != expected:
        raise WorkshopError(f"{path} is truncated or padded: its header promises {expected} "
                            f"values but it holds {body}.")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def dataset_dir(config):
    entry = load_spec()["datasets"][config["dataset"]]
    folder = Path(config["data_dir"]) / entry["dir"]   # an absolute dir wins over data_dir
    if not folder.exists():
        raise WorkshopError(f"The dataset '{config['dataset']}' is not installed at {folder}: "
                            f"{entry.get('install', 'run ./workshop setup')}.")
    return folder


def load_images(config):
    """Train, validation and test images as uint8 arrays, split as the spec says.

    Scaling to [0, 1] happens inside the model (a Rescaling layer), so both
    languages hand Keras the same integers and no language rounds on its own.
    """
    folder = dataset_dir(config)
    read = {}
    for part in ("train", "t10k"):
        for what, kind in (("images", "idx3"), ("labels", "idx1")):
            name = f"{part}-{what}-{kind}-ubyte.gz"
            path = verify_file(folder / name, f"{config['dataset']}/{name}", config["data_dir"])
            read[f"{part}_{what}"] = read_idx(path)
    n_rows = len(read["train_labels"])
    n_val = config["n_val"]
    n_train = config["n_train"] or n_rows - n_val
    if n_train + n_val > n_rows:
        raise WorkshopError(f"The profile asks for {n_train} training and {n_val} validation rows, "
                            f"but {config['dataset']} has only {n_rows}.")
    n_test = config["n_test"] or len(read["t10k_labels"])
    # Validation is the tail of the training file, so a quick run is a prefix of a full one.
    return {
        "x_train": read["train_images"][:n_train], "y_train": read["train_labels"][:n_train],
        "x_val": read["train_images"][n_rows - n_val:], "y_val": read["train_labels"][n_rows - n_val:],
        "x_test": read["t10k_images"][:n_test], "y_test": read["t10k_labels"][:n_test],
    }


# ---- 4b. Series: one column of the stock-market CSV, cut into windows -------------
SERIES_FILE = "series/eustockmarkets.csv"


def load_series(config):
    """The daily closes of one index (the lesson's dataset names the CSV column), checked."""
    path = verify_file(Path(config["data_dir"]) / SERIES_FILE, SERIES_FILE, config["data_dir"])
    with open(path, newline="") as f:
        header, *rows = [row for row in csv.reader(f) if row]
    column = config["dataset"].upper()
    if column not in header:
        raise WorkshopError(f"{path} has no column {column}: restore it with git checkout -- shared_data.")
    j = header.index(column)
    values = np.full(len(rows), np.nan)
    for i, row in enumerate(rows):
        cell = row[j].strip() if j < len(row) else ""
        try:
            values[i] = float(cell)
        except ValueError:
            pass
        if not np.isfinite(values[i]):
            raise WorkshopError(f"The {column} series in {path} has a missing or non-numeric value "
                                f"('{cell}') on data row {i + 1}: fix or remove that row.")
    return values


def make_windows(values, window, part="series"):
    """Every run of `window` values, with the value right after it: the many-to-one pairs."""
    n = len(values) - window
    if n < 1:
        raise WorkshopError(f"The {part} has {len(values)} values, too few for a window of {window} "
                            f"plus the value to predict: use a smaller window or a longer series.")
    rows = np.arange(n)[:, None] + np.arange(window)[None, :]
    return values[rows], values[window:]


def series_windows(config):
    """Windows of day-to-day changes, split chronologically into train, validation and test.

    The changes are plain IEEE subtractions, so R gets the same doubles; all
    scaling happens later, inside the model. Each part is windowed on its own,
    so no target of one part is an input of another.
    """
    prices = load_series(config)
    window, column = config["window"], config["dataset"].upper()
    if window >= len(prices):
        raise WorkshopError(f"The window of {window} values is not shorter than the whole {column} series "
                            f"({len(prices)} rows): use a smaller window in the spec or a longer series.")
    changes = prices[1:] - prices[:-1]
    n = len(changes)
    n_train, n_val = int(n * config["train_fraction"]), int(n * config["val_fraction"])
    cuts = {"train": (0, n_train), "val": (n_train, n_train + n_val), "test": (n_train + n_val, n)}
    data = {"train_changes": changes[:n_train]}
    for part, (start, stop) in cuts.items():
        x, y = make_windows(changes[start:stop], window, f"{part} part of the {column} series")
        data["x_" + part], data["y_" + part] = x, y
        data["last_" + part] = prices[start + window:stop]          # the close before each target day
        data["next_" + part] = prices[start + window + 1:stop + 1]  # the close on the target day
        data["day_" + part] = np.arange(start + window + 1, stop + 1) + 1  # target day, counted from 1
    return data


# ---- 5. Results: one JSON schema for both languages -------------------------------
def weights_sha256(*models):
    """sha256 of all weights as little-endian float32, C order, model after model in the order given."""
    digest = hashlib.sha256()
    for model in models:
        for w in model.get_weights():
            digest.update(np.ascontiguousarray(w, dtype="<f4").tobytes())
    return digest.hexdigest()


def model_summary(model):
    layers = [{"name": layer.name,
               "class": type(layer).__name__,
               "output_shape": list(layer.output.shape),
               "params": int(layer.count_params())} for layer in model.layers]
    return {"layers": layers, "total_params": int(model.count_params())}


def versions():
    import keras
    import tensorflow as tf
    return {"language": f"Python {platform.python_version()}", "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": np.__version__}


def history_lists(history):
    return {k: [float(v) for v in values] for k, values in history.history.items()}


def training_record(config, history, model, fit_seconds, total_seconds):
    """What every one-model lesson writes besides its own scores: the schema's common part."""
    return {"config": config, "history": history,
            "model": model_summary(model), "weights_sha256": weights_sha256(model),
            "timings": {"fit_seconds": fit_seconds, "total_seconds": total_seconds},
            "versions": versions()}


def plain(value):
    """NumPy numbers and arrays as the plain numbers and lists JSON holds (full precision)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to results.json")


def write_results(config, results, plots=None):
    """Write results.json and the plots atomically: all or nothing, results last."""
    out = Path(config["out"])
    out.mkdir(parents=True, exist_ok=True)
    results = {"schema": "workshop-results/1", "language": "python", **results}
    for name, draw in (plots or {}).items():
        tmp = out / f".{name}.tmp.png"
        draw(tmp)
        os.replace(tmp, out / name)
    tmp = out / ".results.json.tmp"
    tmp.write_text(json.dumps(results, indent=1, default=plain) + "\n")
    os.replace(tmp, out / "results.json")
    return out / "results.json"


def stopwatch():
    start = time.perf_counter()
    return lambda: time.perf_counter() - start


def run_lesson(main):
    """Run a lesson's main(); a WorkshopError becomes one sentence and exit code 2."""
    try:
        main()
    except WorkshopError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(2)


# ---- 5b. Pictures: matplotlib to files, and the learning curves every lesson draws ----
def pyplot():
    """matplotlib's pyplot, drawing to files only, so no screen is needed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, path, dpi=100):
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=dpi)
    pyplot().close(fig)


def plot_history(history, path, title, metrics=("loss", "accuracy")):
    """Training and validation curves, one panel per metric."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = range(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "o-", label="training")
        ax.plot(epochs, history["val_" + metric], "s--", label="validation")
        ax.set(xlabel="epoch", ylabel=metric, title=f"{title}: {metric} (Python)")
        ax.legend()
    save_figure(fig, path)


# ---- 6. Lessons with several models, and lessons that build on lessons -------------
def load_lesson(name):
    """Another lesson's module, to reuse its steps; importing it does not run its main()."""
    import importlib
    if str(ROOT / "python") not in sys.path:
        sys.path.insert(0, str(ROOT / "python"))
    return importlib.import_module(name)


def regression_scores(truth, predicted):
    """RMSE and MAE by Keras' own metrics, so both languages compute them with the same code."""
    import keras
    scores = {}
    for name, metric in (("rmse", keras.metrics.RootMeanSquaredError()),
                         ("mae", keras.metrics.MeanAbsoluteError())):
        # float64 in, as R hands them over: the dtype decides where Keras rounds
        metric.update_state(np.asarray(truth, dtype=np.float64).reshape(-1, 1),
                            np.asarray(predicted, dtype=np.float64).reshape(-1, 1))
        scores[name] = float(metric.result())
    return scores


def mean_sd(values):
    """Mean and sample standard deviation by NumPy, which R calls too: the same bits in both."""
    values = np.asarray(values, dtype=np.float64)
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else None
    return {"mean": float(np.mean(values)), "sd": sd}


def models_summary(models):
    """model_summary of several models as one: each layer named model/layer, totals added."""
    layers = [{**layer, "name": f"{model.name}/{layer['name']}"}
              for model in models for layer in model_summary(model)["layers"]]
    return {"layers": layers, "total_params": sum(layer["params"] for layer in layers)}
