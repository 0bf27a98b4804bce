"""Reading shared_data/ (Python): checksums, the IDX reader, the image splits and the series
windows. R/datasets.R is its mirror, in the same order.

Every file is checked against shared_data/MANIFEST.sha256 before use, and every check that
fails says in one sentence what is wrong and how to fix it. Nothing here touches TensorFlow:
the data reach Keras as the integers or doubles both languages read the same way.
"""
import csv
import gzip
import hashlib
import re
import struct
from pathlib import Path

import numpy as np

from helpers import WorkshopError, load_spec


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


def check_images(images, labels, images_path, labels_path):
    """Refuse an image file and a label file that do not belong together: one label 0-9 per 28x28 image."""
    def refuse(what):
        raise WorkshopError(f"{what}: restore the dataset's files with git checkout -- shared_data "
                            f"(or rerun ./workshop setup).")

    def shape(x):
        return "x".join(map(str, x.shape))
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        refuse(f"{images_path} holds a {shape(images)} array, not 28x28 images")
    if labels.ndim != 1:
        refuse(f"{labels_path} holds a {shape(labels)} array, not one label per image")
    if len(images) != len(labels):
        refuse(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    if len(labels) > 0 and labels.max() > 9:
        refuse(f"{labels_path} holds the label {labels.max()}, but labels must be 0 to 9")


def load_images(config):
    """Train, validation and test images as uint8 arrays, split as the spec says.

    Scaling to [0, 1] happens inside the model (a Rescaling layer), so both
    languages hand Keras the same integers and no language rounds on its own.
    """
    folder = dataset_dir(config)
    read, paths = {}, {}
    for part in ("train", "t10k"):
        for what, kind in (("images", "idx3"), ("labels", "idx1")):
            name = f"{part}-{what}-{kind}-ubyte.gz"
            paths[what] = verify_file(folder / name, f"{config['dataset']}/{name}", config["data_dir"])
            read[f"{part}_{what}"] = read_idx(paths[what])
        check_images(read[f"{part}_images"], read[f"{part}_labels"], paths["images"], paths["labels"])
    n_rows, n_val = len(read["train_labels"]), config["n_val"]
    n_train = config["n_train"] or n_rows - n_val   # null: every row that validation leaves
    if n_train + n_val > n_rows:
        raise WorkshopError(f"The profile asks for {n_train} training and {n_val} validation rows, "
                            f"but {config['dataset']} has only {n_rows}.")
    if n_train < 1:
        raise WorkshopError(f"The profile asks for {n_val} validation rows, but {config['dataset']} "
                            f"has only {n_rows}, which leaves none for training.")
    n_test = config["n_test"] or len(read["t10k_labels"])
    if n_test > len(read["t10k_labels"]):
        raise WorkshopError(f"The profile asks for {n_test} test rows, "
                            f"but {config['dataset']} has only {len(read['t10k_labels'])}.")
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
        rows = [row for row in csv.reader(f) if row]   # blank lines skipped, as R's read.csv does
    if len(rows) < 2:
        raise WorkshopError(f"{path} holds {'only a header' if rows else 'nothing'}, no data rows: "
                            f"restore it with git checkout -- shared_data.")
    header, *rows = rows
    for i, row in enumerate(rows):   # a field too many or too few would shift the values read
        if len(row) != len(header):
            raise WorkshopError(f"Data row {i + 1} of {path} has a different number of fields ({len(row)}) "
                                f"than the header ({len(header)}): fix that row "
                                f"(or restore the file with git checkout -- shared_data).")
    column = config["dataset"].upper()
    if column not in header:
        raise WorkshopError(f"{path} has no column {column}: restore it with git checkout -- shared_data.")
    j = header.index(column)
    values = np.full(len(rows), np.nan)
    for i, row in enumerate(rows):
        cell = row[j].strip()
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


# ---- Sunspots (lesson 7): one checked column of months -----------------------------
SUNSPOT_FILE = "series/sunspots.csv"
RESTORE = "restore the file with git checkout -- shared_data"


def load_sunspots(config):
    """The monthly sunspot numbers, checked: one row per month, in order, none missing."""
    path = verify_file(Path(config["data_dir"]) / SUNSPOT_FILE, SUNSPOT_FILE, config["data_dir"])
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]   # blank lines skipped, as R's read.csv does
    if len(rows) < 2:
        raise WorkshopError(f"{path} holds {'only a header' if rows else 'nothing'}, no data rows: {RESTORE}.")
    header, *rows = rows
    if header != ["year", "month", "value"]:
        raise WorkshopError(f"{path} has the columns {', '.join(header)}, not year, month, value: {RESTORE}.")
    for i, row in enumerate(rows):   # a field too many or too few would shift the values read
        if len(row) != 3:
            raise WorkshopError(f"Data row {i + 1} of {path} has {len(row)} fields, not 3: "
                                f"fix that row (or {RESTORE}).")
    values = np.zeros(len(rows))
    for i, row in enumerate(rows):
        year, month = (int(x) if re.fullmatch(r"[0-9]+", x.strip()) else None for x in row[:2])
        cell = row[2].strip()
        try:
            values[i] = float(cell)
        except ValueError:
            values[i] = np.nan
        if not np.isfinite(values[i]) or values[i] < 0:
            raise WorkshopError(f"The sunspot series in {path} has a missing, negative or non-numeric value "
                                f"('{cell}') on data row {i + 1}: fix that row (or {RESTORE}).")
        if year is None or month is None or not 1 <= month <= 12:
            raise WorkshopError(f"Data row {i + 1} of {path} has no valid year and month "
                                f"('{row[0]}', '{row[1]}'): fix that row (or {RESTORE}).")
        if i == 0:
            start = year * 12 + month - 1   # the first month, counted in months since January of year 0
        elif year * 12 + month - 1 != start + i:
            raise WorkshopError(f"Data row {i + 1} of {path} is {year}-{month:02d}, not the month after the row "
                                f"before it, so a month is missing or out of order: {RESTORE}.")
    return {"value": values, "year": (start + np.arange(len(values))) / 12}   # 1749.0 is January 1749


def check_sunspot_slices(n_months, config):
    """Refuse, in one sentence, a series too short for the spec's window or for its slices."""
    horizon, s = config["horizon"], config["slices"]
    window = max(config["window"], config["blog"]["window"], config["ar_order"])   # the longest look back
    if n_months < window + horizon:
        raise WorkshopError(f"The sunspot series has {n_months} months, too few for a window of {window} months "
                            f"plus the {horizon} to predict: use a smaller window or a longer series.")
    if s["train"] < window + horizon or min(s["val"], s["test"]) < horizon:
        raise WorkshopError(f"shared_data/spec.json cuts slices of {s['train']}, {s['val']} and {s['test']} months, "
                            f"too short for a window of {window} and {horizon} months ahead: use longer slices.")
    need = s["offset"] + (config["n_slices"] - 1) * s["step"] + s["train"] + s["val"] + s["test"]
    if need > n_months:
        raise WorkshopError(f"The sunspot series has {n_months} months, but {config['n_slices']} slices of "
                            f"{s['train']} + {s['val']} + {s['test']} months, {s['step']} apart from month "
                            f"{s['offset']}, need {need}: "
                            f"use fewer slices in the spec or the whole series.")


def sunspots(config):
    """The lesson's series ({"value": months, "year": their dates}), read, checked, and long enough
    for the spec's window and slices; anything else is refused in one sentence."""
    series = load_sunspots(config)
    check_sunspot_slices(len(series["value"]), config)
    return series


# The sums of the lesson's scores and its least squares, by NumPy. The Python lesson writes them
# out on its page; the R twin calls these (R's mean() and rowMeans() add in another order, and its
# least squares differ in the last bits), so that both languages agree to the bit.
def numpy_row_means(x):
    return np.mean(np.ascontiguousarray(x, dtype=np.float64), axis=1)


def numpy_mean(x):
    return float(np.mean(np.ascontiguousarray(x, dtype=np.float64)))


def numpy_least_squares(x, y, x_new):
    """The least-squares coefficients of y on x and a constant, applied to x_new (NumPy's lstsq)."""
    with_one = lambda x: np.ascontiguousarray(np.column_stack([np.ones(len(x)), x]))  # noqa: E731
    coefficients = np.linalg.lstsq(with_one(x), np.ascontiguousarray(y), rcond=None)[0]
    return np.matmul(with_one(x_new), np.ascontiguousarray(coefficients))


# ---- Jane Austen's novels (the austen lessons): plain UTF-8 text, one file per book ----
NOVELS_DIR = "text"
RESTORE_NOVEL = "restore it with git checkout -- shared_data (or rerun Rscript tools/export_austen.R)"
QUOTED_CHARS = 60   # a line quoted in a refusal is cut to this many characters, "..." included


def quote_line(line, from_end=False):
    """line as a refusal quotes it: at most QUOTED_CHARS characters, cut at its end (or its start)."""
    if len(line) <= QUOTED_CHARS:
        return line
    return "..." + line[-(QUOTED_CHARS - 3):] if from_end else line[:QUOTED_CHARS - 3] + "..."


def novel_lines(text):
    """The lines that hold more than spaces and tabs, those trimmed (R's twin splits and trims alike)."""
    return [line for line in (part.strip(" \t") for part in text.split("\n")) if line]


def read_novel(config, name):
    """One novel's text as a string, after every check: there, UTF-8, LF line endings, the book
    itself (its first line and how it ends), not truncated, its checksum.

    The spec's books give each novel's title, its first line, how its last line ends and its
    length in characters (code points): a checksum resealed over another text still fails."""
    key = f"{NOVELS_DIR}/{name}.txt"
    path = Path(config["data_dir"]) / key
    book = config["books"][name]
    if not path.exists():
        verify_file(path, key, config["data_dir"])   # says the file is missing
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        if "\x00" in text:   # a NUL byte: binary, not text (R's strings cannot even hold one)
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "NUL")
    except UnicodeDecodeError:
        raise WorkshopError(f"{path} is not UTF-8 text: {RESTORE_NOVEL}.") from None
    expected = book["chars"]
    if len(text) == 0:
        raise WorkshopError(f"{path} is empty, so the book {book['title']} has no text: {RESTORE_NOVEL}.")
    if "\r\n" in text:   # a Windows checkout with core.autocrlf, before .gitattributes kept shared_data as it is
        raise WorkshopError(f"{path} has Windows line endings (CRLF): restore it with git checkout -- shared_data "
                            f"(the repository's .gitattributes keeps shared_data byte for byte).")
    lines = novel_lines(text)
    if not lines or lines[0] != book["first_line"]:
        others = [other["title"] for other in config["books"].values() if lines and lines[0] == other["first_line"]]
        held = others[0] if others else f'a text beginning "{quote_line(lines[0])}"' if lines else "only blank lines"
        raise WorkshopError(f'{path} holds {held}, not {book["title"]} (which begins "{book["first_line"]}"): '
                            f"{RESTORE_NOVEL}.")
    if len(text) < expected:
        raise WorkshopError(f"{path} holds {len(text)} characters, fewer than the {expected} the spec expects, "
                            f"so it is truncated: {RESTORE_NOVEL}.")
    if not lines[-1].endswith(book["ends"]):
        raise WorkshopError(f'{path} ends "{quote_line(lines[-1], from_end=True)}", not "{book["ends"]}" as '
                            f"{book['title']} does, so it was changed: {RESTORE_NOVEL}.")
    verify_file(path, key, config["data_dir"])   # the checksum
    return text
