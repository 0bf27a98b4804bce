"""LeNet-5's shape and parameter counts, as LeCun et al. (1998) give them. tests/R/test-lenet5.R mirrors it."""
import numpy as np
import pytest

import foundations_pooling as foundations
import lenet5


@pytest.fixture(scope="module")
def model():
    return lenet5.build_model()


def test_c3_table_is_lecuns_table_i():
    table = foundations.parse_connection_table(foundations.lenet_c3_table_rows("lecun"))
    built = np.zeros((6, 16))
    for j, maps in enumerate(lenet5.C3_TABLE):
        built[maps, j] = 1
    assert np.array_equal(built, table)
    assert built.sum() == 60
    assert [len(m) for m in lenet5.C3_TABLE] == [3] * 6 + [4] * 9 + [6]


def test_parameters_per_layer_and_total(model):
    assert lenet5.layer_params(model) == {"c1": 156, "c3": 1516, "c5": 48120, "f6": 10164, "output": 850}
    assert model.count_params() == 60806
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 60806


def test_each_c3_map_has_one_kernel_per_connected_s2_map_plus_a_bias(model):
    for j, maps in enumerate(lenet5.C3_TABLE):
        kernel, bias = model.get_layer(f"c3_{j:02d}").get_weights()
        assert kernel.shape == (5, 5, len(maps), 1) and bias.shape == (1,)


def test_feature_map_sizes_follow_the_paper(model):
    shape = lambda name: tuple(model.get_layer(name).output.shape[1:])
    assert shape("pad_to_32") == (32, 32, 1)
    assert shape("c1") == (28, 28, 6)
    assert shape("s2") == (14, 14, 6)
    assert shape("c3") == (10, 10, 16)
    assert shape("s4") == (5, 5, 16)
    assert shape("c5") == (1, 1, 120)
    assert shape("f6") == (84,)
    assert shape("output") == (10,)


def test_c3_map_sees_only_its_s2_maps(model):
    """Changing an S2 map that TABLE I does not connect to C3 map 0 leaves that map unchanged."""
    import keras
    s2 = model.get_layer("s2").output
    probe = keras.Model(s2, model.get_layer("c3_00").output)
    x = np.random.default_rng(0).normal(size=(1, 14, 14, 6)).astype("float32")
    y = x.copy()
    y[..., 3:] += 1.0          # maps 3, 4, 5: not in C3 map 0's row of TABLE I
    assert np.array_equal(probe(x), probe(y))
    y[..., 0] += 1.0
    assert not np.array_equal(probe(x), probe(y))


def test_scaling_is_the_papers(model):
    scaled = model.get_layer("scale")(np.array([[0.0, 255.0]]))
    assert np.allclose(scaled, [[-0.1, 1.175]], atol=1e-6)
