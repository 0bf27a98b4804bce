"""LeNet-5's shape and parameter counts, as LeCun et al. (1998) give them, in both languages: read
from the session's quick run of the lesson file itself (conftest.quick_outputs), so no network is
trained twice. tests/R/test-lenet5.R checks the R lesson file as keras3 code."""
import numpy as np
import pytest

import datasets
import foundations_pooling as foundations
import helpers
from conftest import read_results

LESSON = "lenet5"


@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    return read_results(quick_outputs(LESSON) / request.param / LESSON)


def layers_of(results):
    return {layer["name"]: layer for layer in results["model"]["layers"]}


def test_c3_table_is_lecuns_table_i(run):
    built = np.array(run["c3_table"])
    table = foundations.parse_connection_table(foundations.lenet_c3_table_rows("lecun"))
    assert built.shape == (6, 16) and np.array_equal(built, table)
    assert built.sum() == 60
    assert built.sum(axis=0).tolist() == [3] * 6 + [4] * 9 + [6]


def test_parameters_per_layer_and_total(run):
    assert run["parameters"] == {"c1": 156, "c3": 1516, "c5": 48120, "f6": 10164, "output": 850}
    assert run["model"]["total_params"] == 60806
    assert sum(layer["params"] for layer in run["model"]["layers"]) == 60806


def test_each_c3_map_has_one_kernel_per_connected_s2_map_plus_a_bias(run):
    layers = layers_of(run)
    for j, seen in enumerate(np.array(run["c3_table"]).T):
        assert layers[f"s2_for_c3_{j:02d}"]["class"] == "Lambda"
        assert layers[f"s2_for_c3_{j:02d}"]["output_shape"] == [None, 14, 14, int(seen.sum())]   # only its S2 maps
        assert layers[f"c3_{j:02d}"]["params"] == 5 * 5 * int(seen.sum()) + 1
        assert layers[f"c3_{j:02d}"]["output_shape"] == [None, 10, 10, 1]


def test_feature_map_sizes_follow_the_paper(run):
    shape = lambda name: tuple(layers_of(run)[name]["output_shape"][1:])
    assert shape("pad_to_32") == (32, 32, 1)
    assert shape("c1") == (28, 28, 6)
    assert shape("s2") == (14, 14, 6)
    assert shape("c3") == (10, 10, 16)
    assert shape("s4") == (5, 5, 16)
    assert shape("c5") == (1, 1, 120)
    assert shape("f6") == (84,)
    assert shape("output") == (10,)


@pytest.fixture(scope="module")
def model():
    """The Python lesson's model cell, run as it stands (built, not trained)."""
    import jupytext
    import keras
    from keras import layers, ops
    cells = jupytext.read(helpers.ROOT / "python" / "lenet5.py").cells
    heading = next(i for i, cell in enumerate(cells) if cell.cell_type == "markdown"
                   and cell.source.startswith("## 2. The model"))
    namespace = {"keras": keras, "layers": layers, "ops": ops}
    exec(cells[heading + 1].source, namespace)
    return namespace["model"]


def test_c3_map_sees_only_its_s2_maps(model):
    """Changing an S2 map that TABLE I does not connect to C3 map 0 leaves that map unchanged."""
    import keras
    probe = keras.Model(model.get_layer("s2").output, model.get_layer("c3_00").output)
    x = np.random.default_rng(0).normal(size=(1, 14, 14, 6)).astype("float32")
    y = x.copy()
    y[..., 3:] += 1.0          # maps 3, 4, 5: not in C3 map 0's row of TABLE I
    assert np.array_equal(probe(x), probe(y))
    y[..., 0] += 1.0
    assert not np.array_equal(probe(x), probe(y))


def test_the_scaling_is_the_papers(model):
    scaled = model.get_layer("scale")(np.array([[0.0, 255.0]]))
    assert np.allclose(scaled, [[-0.1, 1.175]], atol=1e-6)


def test_r_scales_as_python_does():
    code = (helpers.ROOT / "R" / "lenet5.R").read_text()
    assert 'layer_rescaling(scale = 1.275 / 255, offset = -0.1, name = "scale")' in code


def test_the_test_scores_and_the_error_rate(run):
    data = datasets.load_images(helpers.lesson_config(LESSON, "quick"))
    test = run["test"]
    confusion = np.array(test["confusion_matrix"])
    assert confusion.sum() == test["n"] == len(data["y_test"])
    assert np.array_equal(confusion.sum(axis=1), np.bincount(data["y_test"], minlength=10))
    assert np.trace(confusion) / confusion.sum() == pytest.approx(test["accuracy"], abs=1e-6)
    assert test["error_rate"] == 1 - test["accuracy"]
    assert run["predictions"]["classes"] == np.argmax(run["predictions"]["probabilities"], axis=1).tolist()


def test_the_lesson_trained_on_the_spec_settings(run):
    spec = helpers.load_spec()["lessons"][LESSON]
    assert run["config"]["epochs"] == spec["profiles"]["quick"]["epochs"] == len(run["history"]["loss"])
    assert run["config"]["learning_rate"] == spec["learning_rate"]
    assert set(run["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
