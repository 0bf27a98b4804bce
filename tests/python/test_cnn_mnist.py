"""What lesson 1 records of what its network learned: the first layer's kernels and one digit's
feature maps, with the shapes the model implies. tests/R/test-cnn_mnist.R mirrors it."""
import helpers
import datasets
import keras
import numpy as np
import pytest

import cnn_mnist as lesson


@pytest.fixture(scope="module")
def features():
    config = helpers.lesson_config("cnn_mnist", "quick")
    data = datasets.load_images(config)
    keras.utils.set_random_seed(config["seed"])   # seed_everything would also pin threads, fixed once per session
    model = lesson.build_model()   # untrained: the shapes do not depend on training
    return lesson.learned_features(model, data), model, data


def test_the_first_layers_kernels_are_its_weights(features):
    found, model, _ = features
    kernels = np.array(found["conv1_kernels"])
    assert kernels.shape == (32, 3, 3)
    weights = model.layers[2].get_weights()[0]          # Keras keeps k, k, C_in, C_out
    assert np.array_equal(kernels, np.moveaxis(weights[:, :, 0, :], -1, 0))


def test_one_digits_feature_maps_after_each_convolution(features):
    found, model, data = features
    assert np.array_equal(found["digit"], data["x_test"][0]) and found["digit_label"] == int(data["y_test"][0])
    first, second = (np.array(maps) for maps in found["feature_maps"])
    assert first.shape == (lesson.N_MAPS, 26, 26) and second.shape == (lesson.N_MAPS, 11, 11)
    assert first.min() >= 0 and second.min() >= 0       # each convolution ends in its ReLU
