"""The series helpers: reading one CSV column, windows, chronological splits. tests/R/test-series.R mirrors it."""
import subprocess

import numpy as np
import pytest

import helpers
import datasets
from helpers import WorkshopError
from conftest import ROOT


def config_for(data_dir, **changes):
    config = helpers.lesson_config("rnn_forecaster", "quick", data_dir=str(data_dir))
    config.update(changes)
    return config


def write_series(data_dir, dax):
    """Replace the CSV in a copy of shared_data and give the copy's manifest its new checksum."""
    lines = ['"t","time","DAX","SMI","CAC","FTSE"'] + \
            [f"{i + 1},{1991 + i / 260:.6f},{v},1,1,1" for i, v in enumerate(dax)]
    path = data_dir / "series" / "eustockmarkets.csv"
    path.write_text("\n".join(lines) + "\n")
    import hashlib
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest = data_dir / "MANIFEST.sha256"
    kept = [l for l in manifest.read_text().splitlines() if not l.endswith(" series/eustockmarkets.csv")]
    manifest.write_text("\n".join(kept + [f"{digest}  series/eustockmarkets.csv"]) + "\n")


def test_load_series_reads_the_dax_closes():
    values = datasets.load_series(helpers.lesson_config("rnn_forecaster"))
    assert values.shape == (1860,) and values.dtype == np.float64
    assert values[0] == 1628.75 and values[-1] == 5473.72


def test_every_index_is_a_dataset():
    for name, first in (("smi", 1678.1), ("cac", 1772.8), ("ftse", 2443.6)):
        assert datasets.load_series(helpers.lesson_config("rnn_forecaster", dataset=name))[0] == first


def test_make_windows_pairs_each_window_with_the_next_value():
    x, y = datasets.make_windows(np.arange(6.0), 3)
    assert x.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    assert y.tolist() == [3, 4, 5]


def test_make_windows_refuses_a_series_too_short_for_the_window():
    datasets.make_windows(np.arange(4.0), 3)   # one window, one target: just enough
    with pytest.raises(WorkshopError, match="The series has 3 values, too few for a window of 3"):
        datasets.make_windows(np.arange(3.0), 3)


def test_series_windows_splits_chronologically_without_overlap():
    config = helpers.lesson_config("rnn_forecaster")
    data = datasets.series_windows(config)
    prices = datasets.load_series(config)
    n = len(prices) - 1
    n_train, n_val = int(n * 0.7), int(n * 0.15)
    assert len(data["train_changes"]) == n_train
    assert [len(data["y_" + p]) for p in ("train", "val", "test")] == \
           [n_train - 20, n_val - 20, n - n_train - n_val - 20]
    assert data["day_train"][-1] < data["day_val"][0] and data["day_val"][-1] < data["day_test"][0]
    # each target is the change from the last close to the next one
    for part in ("train", "val", "test"):
        day = data["day_" + part]
        assert np.array_equal(data["next_" + part], prices[day - 1])
        assert np.array_equal(data["last_" + part], prices[day - 2])
        assert np.array_equal(data["y_" + part], prices[day - 1] - prices[day - 2])
        assert np.array_equal(data["x_" + part][1:, -1], data["y_" + part][:-1])


def test_series_windows_names_each_bad_input(data_copy):
    write_series(data_copy, [1.0, 2.0, 3.0])
    with pytest.raises(WorkshopError, match=r"^The window of 20 values is not shorter than the whole DAX series \(3 rows\)"):
        datasets.series_windows(config_for(data_copy))
    write_series(data_copy, np.arange(60.0))
    with pytest.raises(WorkshopError, match="The val part of the DAX series has 8 values, too few for a window of 20"):
        datasets.series_windows(config_for(data_copy))
    write_series(data_copy, [1.0, 2.0, "NaN", 4.0])
    with pytest.raises(WorkshopError, match=r"missing or non-numeric value \('NaN'\) on data row 3"):
        datasets.load_series(config_for(data_copy))
    write_series(data_copy, [1.0, "", 4.0])
    with pytest.raises(WorkshopError, match=r"missing or non-numeric value \(''\) on data row 2"):
        datasets.load_series(config_for(data_copy))


def test_r_reads_and_windows_the_same_doubles(tmp_path):
    """R's CSV parser and window code give the very same bits as Python's."""
    script = tmp_path / "dump.R"
    script.write_text(f"""
source("R/workshop.R")
data <- series_windows(lesson_config("rnn_forecaster"))
for (name in names(data)) {{
  v <- data[[name]]
  if (is.matrix(v)) v <- t(v)
  writeBin(as.numeric(v), file.path("{tmp_path}", paste0(name, ".bin")), endian = "little")
}}
""")
    done = subprocess.run(["Rscript", str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = datasets.series_windows(helpers.lesson_config("rnn_forecaster"))
    for name, values in data.items():
        from_r = np.fromfile(tmp_path / f"{name}.bin", dtype="<f8")
        assert np.array_equal(np.ravel(values).astype(np.float64), from_r), name
