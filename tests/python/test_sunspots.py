"""Sunspots: the reader, the slices, the windows, the baselines and the models, against values
worked out by hand. tests/R/test-sunspots.R mirrors it.

The lesson file is a script and a notebook at once (importing it would train), so its functions
are taken from its own definitions: its imports, functions and UPPER_CASE constants, run here as
they stand. The checked reader lives in the shared layer (datasets.py, workshop.sunspots)."""
import ast
import hashlib
import math
import types

import numpy as np
import pytest

import datasets
import helpers
from helpers import WorkshopError

PATH = helpers.ROOT / "python" / "sunspots.py"


def definitions(path):
    """A lesson file's imports (not the workshop's), functions and UPPER_CASE constants, as a module."""
    tree = ast.parse(path.read_text())
    keep = [node for node in tree.body
            if isinstance(node, ast.FunctionDef)
            or (isinstance(node, (ast.Import, ast.ImportFrom)) and "workshop" not in
                [getattr(node, "module", None), *(alias.name for alias in node.names)])
            or (isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets))]
    module = types.ModuleType(path.stem)
    exec(compile(ast.Module(body=keep, type_ignores=[]), str(path), "exec"), module.__dict__)
    return module


lesson = definitions(PATH)
SUNSPOT_FILE = datasets.SUNSPOT_FILE


def config_for(data_dir=None, profile="full", **changes):
    config = helpers.lesson_config("sunspots", profile, data_dir=None if data_dir is None else str(data_dir))
    config.update(changes)
    return config


def write_months(data_dir, rows):
    """Replace the sunspot CSV in a copy of shared_data; the copy's manifest gets its new checksum."""
    path = data_dir / SUNSPOT_FILE
    path.write_text("\n".join(['"year","month","value"', *rows]) + "\n")
    manifest = data_dir / "MANIFEST.sha256"
    kept = [line for line in manifest.read_text().splitlines() if not line.endswith(" " + SUNSPOT_FILE)]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text("\n".join([*kept, f"{digest}  {SUNSPOT_FILE}"]) + "\n")


def months(n, first_year=1749, value=lambda i: f"{i}.5"):
    return [f"{first_year + i // 12},{i % 12 + 1},{value(i)}" for i in range(n)]


def test_the_reader_gives_the_shipped_months():
    series = datasets.load_sunspots(config_for())
    assert len(series["value"]) == 3177 and series["value"].dtype == np.float64
    assert series["value"][:3].tolist() == [58.0, 62.6, 70.0] and series["value"][-1] == 37.0
    assert series["year"][0] == 1749.0 and series["year"][12] == 1750.0
    assert series["year"][-1] == (2013 * 12 + 8) / 12   # September 2013
    assert series["value"].min() == 0.0 and series["value"].max() == 253.8


@pytest.mark.parametrize("rows, message", [
    (months(5)[:2] + months(5)[3:], "Data row 3 of {csv} is 1749-04, not the month after the row before it"),
    (months(3, value=lambda i: "NaN" if i == 1 else "1"), "missing, negative or non-numeric value ('NaN') on data row 2"),
    (months(3, value=lambda i: "" if i == 2 else "1"), "missing, negative or non-numeric value ('') on data row 3"),
    (months(3, value=lambda i: "many" if i == 0 else "1"), "non-numeric value ('many') on data row 1"),
    (months(3, value=lambda i: "-4" if i == 0 else "1"), "negative or non-numeric value ('-4') on data row 1"),
    (months(3)[:1] + ["1749,13,2"], "Data row 2 of {csv} has no valid year and month ('1749', '13')"),
    (months(3)[:2] + ["1749,3,2,7"], "Data row 3 of {csv} has 4 fields, not 3"),
    ([], "{csv} holds only a header, no data rows"),
])
def test_the_reader_names_each_bad_month(data_copy, rows, message):
    write_months(data_copy, rows)
    with pytest.raises(WorkshopError) as caught:
        datasets.load_sunspots(config_for(data_copy))
    assert message.format(csv=data_copy / SUNSPOT_FILE) in str(caught.value)


def test_forecast_windows_by_hand():
    values = np.arange(10.0)
    x, y, origins = lesson.forecast_windows(values, 3, 2, 3, 10)
    assert origins.tolist() == [3, 4, 5, 6, 7, 8]          # the last origin leaves room for 2 months
    assert x[0].tolist() == [0, 1, 2] and y[0].tolist() == [3, 4]
    assert x[-1].tolist() == [5, 6, 7] and y[-1].tolist() == [8, 9]
    x, y, origins = lesson.forecast_windows(values, 3, 2, 5, 8)   # targets inside [5, 8), inputs before
    assert origins.tolist() == [5, 6] and x.tolist() == [[2, 3, 4], [3, 4, 5]] and y.tolist() == [[5, 6], [6, 7]]


def test_the_slices_move_forward_and_never_overlap():
    cuts = lesson.rolling_slices(3177, config_for())
    assert cuts[0] == {"train": (0, 800), "val": (800, 1200), "test": (1200, 1800)}
    assert cuts[5] == {"train": (1320, 2120), "val": (2120, 2520), "test": (2520, 3120)}
    for k, cut in enumerate(cuts):
        assert cut["train"][0] == 264 * k
        assert cut["train"][1] == cut["val"][0] and cut["val"][1] == cut["test"][0]   # test after train, no gap, no overlap
        assert cut["train"][0] < cut["train"][1] < cut["val"][1] < cut["test"][1] <= 3177
    assert len(lesson.rolling_slices(3177, config_for(profile="quick"))) == 2
    shifted = config_for(n_slices=5)
    shifted["slices"] = {**shifted["slices"], "offset": 132}   # the benchmark's second set: 11 years later
    assert [cut["test"] for cut in lesson.rolling_slices(3177, shifted)] == \
           [(1332, 1932), (1596, 2196), (1860, 2460), (2124, 2724), (2388, 2988)]


def test_each_part_predicts_only_its_own_months():
    values = np.arange(3177.0) ** 2
    cut = {"train": (264, 1064), "val": (1064, 1464), "test": (1464, 2064)}
    data = lesson.slice_data(values, cut, 24, 12)
    assert data["origin_train"][0] == 264 + 24 and data["origin_train"][-1] == 1064 - 12   # inputs and targets inside
    assert data["origin_val"][0] == 1064 and data["origin_val"][-1] == 1464 - 12
    assert data["origin_test"][0] == 1464 and data["origin_test"][-1] == 2064 - 12
    first = 1464   # the first test window: the 24 months before the test part in, its first 12 months out
    assert np.array_equal(data["x_test"][0], np.arange(first - 24, first, dtype=float))   # sqrt(t^2) = t
    assert np.array_equal(data["y_test"][0], np.arange(first, first + 12, dtype=float))
    assert np.array_equal(data["y_test"][-1], np.arange(2052, 2064, dtype=float))
    assert np.array_equal(data["train_roots"], np.arange(264, 1064, dtype=float))


def test_the_normaliser_sees_only_the_training_part():
    series = datasets.load_sunspots(config_for())
    cut = lesson.rolling_slices(3177, config_for())[0]
    changed = series["value"].copy()
    changed[cut["val"][0]:] *= 100                     # validation, test and later months
    adapted = []
    for values in (series["value"], changed):
        scale, unscale = lesson.scaling_layers(lesson.slice_data(values, cut, 24, 12)["train_roots"])
        adapted.append([w.tolist() for w in scale.get_weights()])
    assert adapted[0] == adapted[1]
    mean, variance = adapted[0][:2]
    roots = np.sqrt(series["value"][:800])
    assert mean == pytest.approx(roots.mean(), rel=1e-6)
    assert variance == pytest.approx(roots.var(), rel=1e-5)


def test_forecast_rmse_by_hand():
    actual = np.array([[1.0, 2.0], [3.0, 4.0]])
    forecasts = np.array([[2.0, 2.0], [3.0, 6.0]])     # errors (1, 0) and (0, 2)
    assert lesson.forecast_rmse(actual, forecasts) == pytest.approx((math.sqrt(0.5) + math.sqrt(2.0)) / 2, abs=1e-15)


def test_the_baselines_on_a_straight_line():
    values = np.arange(40.0)                           # month t holds t
    cut = {"train": (0, 20), "val": (20, 28), "test": (28, 40)}
    forecasts, actual = lesson.baselines(values, cut, {"horizon": 2, "ar_order": 3})
    assert actual.tolist() == [[t, t + 1] for t in range(28, 39)]
    assert forecasts["persistence"].tolist() == [[t - 1, t - 1] for t in range(28, 39)]
    assert forecasts["mean12"].tolist() == [[t - 6.5, t - 6.5] for t in range(28, 39)]   # mean of t-12 .. t-1
    assert np.allclose(forecasts["ar"], actual, atol=1e-9)   # a line is an exact autoregression
    # persistence misses by 1 and 2, the mean of the last year by 6.5 and 7.5, at every origin
    assert lesson.forecast_rmse(actual, forecasts["persistence"]) == pytest.approx(math.sqrt(2.5))
    assert lesson.forecast_rmse(actual, forecasts["mean12"]) == pytest.approx(math.sqrt((6.5**2 + 7.5**2) / 2))


def test_the_models_read_24_or_12_months_and_forecast_12():
    config = config_for()
    scale, _ = lesson.scaling_layers(np.arange(1.0, 101.0))
    gru = lesson.build_model(scale, config)
    blog = lesson.build_blog_model(scale, config)
    assert tuple(gru.input.shape) == (None, 24) and tuple(gru.output.shape) == (None, 12)
    assert tuple(blog.input.shape) == (None, 12) and tuple(blog.output.shape) == (None, 12)
    h = 32
    assert gru.get_layer("recurrent").count_params() == 3 * (h * (h + 1) + 2 * h)     # GRU, reset_after
    assert gru.get_layer("next_12_months").count_params() == h * 12 + 12
    assert blog.get_layer("recurrent").count_params() == 4 * (128 * (128 + 1) + 128)  # 66,560
    assert blog.get_layer("time_distributed").count_params() == 129


def test_with_a_silent_dense_layer_the_gru_forecasts_the_last_years_mean():
    config = config_for()
    scale, _ = lesson.scaling_layers(np.arange(1.0, 101.0))
    model = lesson.build_model(scale, config)
    dense = model.get_layer("next_12_months")
    dense.set_weights([np.zeros_like(w) for w in dense.get_weights()])
    x = np.linspace(1.0, 9.0, 48).reshape(2, 24)
    scaled = np.asarray(scale(x))
    expected = scaled[:, -12:].mean(axis=1)
    assert np.allclose(model.predict(x, verbose=0), np.repeat(expected[:, None], 12, axis=1), atol=1e-6)


def test_the_spec_rebuilds_the_blogs_configuration():
    config = config_for()
    assert config["blog"] == {**config["blog"], "window": 12, "units": 128, "dropout": 0.2, "recurrent_dropout": 0.2,
                              "loss": "log_cosh", "optimizer": "sgd", "learning_rate": 0.003, "momentum": 0.9,
                              "batch_size": 10, "patience": 10}
    assert config["n_slices"] == 6 and config["slices"] == {"offset": 0, "train": 800, "val": 400, "test": 600, "step": 264}


def test_too_short_a_series_is_refused_in_one_sentence():
    with pytest.raises(WorkshopError, match=r"^The sunspot series has 30 months, too few for a window of 24 months "
                                            r"plus the 12 to predict: use a smaller window or a longer series\.$"):
        datasets.check_sunspot_slices(30, config_for())
    with pytest.raises(WorkshopError, match=r"has 1000 months, but 6 slices of 800 \+ 400 \+ 600 months, 264 apart from month 0, "
                                            r"need 3120: use fewer slices"):
        datasets.check_sunspot_slices(1000, config_for())
    config = config_for()
    config["slices"] = {**config["slices"], "val": 11}
    with pytest.raises(WorkshopError, match=r"^shared_data/spec.json cuts slices of 800, 11 and 600 months, too short "
                                            r"for a window of 24 and 12 months ahead: use longer slices\.$"):
        datasets.check_sunspot_slices(3177, config)


def test_the_lessons_reader_checks_the_file_and_the_slices(data_copy):
    series = datasets.sunspots(config_for())          # what workshop.sunspots(settings) gives the lesson
    assert np.array_equal(series["value"], datasets.load_sunspots(config_for())["value"])
    write_months(data_copy, months(1000))
    assert len(datasets.load_sunspots(config_for(data_copy))["value"]) == 1000   # a good file, but
    with pytest.raises(WorkshopError, match=r"has 1000 months, but 6 slices"):     # too short for 6 slices
        datasets.sunspots(config_for(data_copy))


def test_the_numpy_sums_the_r_twin_calls_give_the_pages_numbers():
    """R's forecast_rmse and baselines call datasets' NumPy helpers (workshop_row_means, workshop_mean,
    workshop_least_squares); composed as R composes them, they give the Python page's bits."""
    rng = np.random.default_rng(7)
    values = np.round(rng.gamma(2.0, 40.0, size=400), 1)
    cut = {"train": (0, 200), "val": (200, 260), "test": (260, 400)}
    forecasts, actual = lesson.baselines(values, cut, {"horizon": 12, "ar_order": 24})
    for f in forecasts.values():
        as_r = datasets.numpy_mean(np.sqrt(datasets.numpy_row_means(np.square(f - actual))))
        assert as_r == lesson.forecast_rmse(actual, f)
    recent, _, _ = lesson.forecast_windows(values, 12, 12, 260, 400)
    assert np.array_equal(np.repeat(datasets.numpy_row_means(recent)[:, None], 12, axis=1), forecasts["mean12"])
    x_fit, y_fit, _ = lesson.forecast_windows(values, 24, 12, 24, 200)
    x_test, _, _ = lesson.forecast_windows(values, 24, 12, 260, 400)
    assert np.array_equal(datasets.numpy_least_squares(x_fit, y_fit, x_test), forecasts["ar"])


def test_the_lesson_file_is_the_notebook():
    text = PATH.read_text()
    assert text.startswith("# ---\n# jupyter:") and "\ndef main(" not in text
    assert not (helpers.ROOT / "notebooks" / "sunspots.py").exists()
    assert not (helpers.ROOT / "notebooks" / "sunspots.R").exists()
