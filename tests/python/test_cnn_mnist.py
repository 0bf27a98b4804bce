"""What lesson 1 records of what its network learned (the first layer's kernels, one digit's
feature maps) and of its test images, in both languages: read from the session's quick run of
the lesson file itself (conftest.quick_outputs), so no network is trained twice."""
import numpy as np
import pytest

import datasets
import helpers
from conftest import read_results

LESSON = "cnn_mnist"


@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    results = read_results(quick_outputs(LESSON) / request.param / LESSON)
    return results, datasets.load_images(helpers.lesson_config(LESSON, "quick"))


def test_the_first_layers_kernels_are_its_32_three_by_three_weights(run):
    results, _ = run
    kernels = np.array(results["features"]["conv1_kernels"])
    assert kernels.shape == (32, 3, 3)
    first = results["model"]["layers"][2]
    assert first["params"] == kernels.size + 32   # the kernels and one bias each: all of the layer's weights
    assert np.abs(kernels).max() > 0


def test_one_digits_feature_maps_after_each_convolution(run):
    results, data = run
    found = results["features"]
    assert np.array_equal(found["digit"], data["x_test"][0]) and found["digit_label"] == int(data["y_test"][0])
    first, second = (np.array(maps) for maps in found["feature_maps"])
    assert first.shape == (8, 26, 26) and second.shape == (8, 11, 11)
    assert first.min() >= 0 and second.min() >= 0       # each convolution ends in its ReLU
    assert first.max() > 0 and second.max() > 0


def test_the_confusion_matrix_counts_every_test_image_and_agrees_with_the_accuracy(run):
    results, data = run
    confusion = np.array(results["test"]["confusion_matrix"])
    assert confusion.shape == (10, 10) and confusion.sum() == len(data["y_test"]) == results["test"]["n"]
    assert np.array_equal(confusion.sum(axis=1), np.bincount(data["y_test"], minlength=10))
    assert np.trace(confusion) / confusion.sum() == pytest.approx(results["test"]["accuracy"], abs=1e-6)
    predictions = results["predictions"]
    assert predictions["labels"] == data["y_test"][:len(predictions["labels"])].tolist()
    assert predictions["classes"] == np.argmax(predictions["probabilities"], axis=1).tolist()


def test_the_lesson_trained_on_the_spec_settings(run):
    results, _ = run
    spec = helpers.load_spec()["lessons"][LESSON]["profiles"]["quick"]
    assert results["config"]["epochs"] == spec["epochs"] == len(results["history"]["loss"])
    assert results["config"]["batch_size"] == spec["batch_size"]
    assert set(results["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert results["model"]["total_params"] == 225034
