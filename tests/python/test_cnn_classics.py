"""The real ones, offline: AlexNet counted by hand, the keras.applications networks against their
published counts, and depth on small graphs drawn by hand. tests/R/test-cnn_classics.R mirrors it."""
import keras
import pytest
from keras import layers

import cnn_classics as lesson

# AlexNet layer by layer, weights + biases; conv2, conv4 and conv5 see half the maps (two GPUs).
ALEXNET = {
    "conv1": 11 * 11 * 3 * 96 + 96,             # 34,944
    "conv2": 5 * 5 * (96 // 2) * 256 + 256,     # 307,456
    "conv3": 3 * 3 * 256 * 384 + 384,           # 885,120
    "conv4": 3 * 3 * (384 // 2) * 384 + 384,    # 663,936
    "conv5": 3 * 3 * (384 // 2) * 256 + 256,    # 442,624
    "fc6": 6 * 6 * 256 * 4096 + 4096,           # 37,752,832
    "fc7": 4096 * 4096 + 4096,                  # 16,781,312
    "fc8": 4096 * 1000 + 1000,                  # 4,097,000
}


@pytest.fixture(scope="module")
def alexnet():
    return lesson.build_alexnet()


@pytest.fixture(scope="module")
def famous():
    """Built once: VGG16 alone allocates 138 million random weights."""
    return {key: lesson.describe(key, lesson.build_famous(key)) for key in ("vgg16", "inception_v3", "resnet50")}


def test_alexnet_parameters_layer_by_layer(alexnet):
    assert lesson.layer_params(alexnet) == ALEXNET
    assert alexnet.count_params() == sum(ALEXNET.values()) == 60_965_224 == lesson.PUBLISHED["alexnet"]["params"]


def test_alexnet_without_the_two_gpu_split():
    one_gpu = lesson.build_alexnet(groups=1)
    extra = (5 * 5 * 48 * 256) + (3 * 3 * 192 * 384) + (3 * 3 * 192 * 256)   # the other halves' kernels
    assert one_gpu.count_params() == 60_965_224 + extra == 62_378_344


def test_alexnet_feature_maps_follow_the_paper(alexnet):
    shape = lambda name: tuple(alexnet.get_layer(name).output.shape[1:])
    assert shape("conv1") == (55, 55, 96)          # (227 - 11) / 4 + 1
    assert shape("pool1") == (27, 27, 96)          # overlapping 3x3 pools, stride 2
    assert shape("conv2") == (27, 27, 256)
    assert shape("pool2") == (13, 13, 256)
    assert shape("conv5") == (13, 13, 256)
    assert shape("pool5") == (6, 6, 256) and shape("flatten") == (9216,)
    assert shape("norm1") == shape("conv1")         # response normalisation keeps the shape, adds no weights
    assert alexnet.get_layer("norm1").count_params() == 0


def test_alexnet_depth(alexnet):
    assert lesson.weight_layers(alexnet) == (5, 3)
    assert lesson.weight_depth(alexnet) == 8


@pytest.mark.parametrize("key, params, convs, dense, depth", [
    ("vgg16", 138_357_544, 13, 3, 16),
    ("inception_v3", 23_851_784, 94, 1, 48),
    ("resnet50", 25_636_712, 53, 1, 50),
])
def test_keras_applications_match_the_published_counts(famous, key, params, convs, dense, depth):
    row = famous[key]
    assert row["built_params"] == row["params"] == params
    assert (row["convs"], row["dense"]) == (convs, dense)
    assert row["built_depth"] == row["depth"] == depth


def test_resnet50_depth_skips_its_four_projection_shortcuts(famous):
    """53 convolutions, but 4 are 1x1 projections beside a block: 1 + 16 blocks * 3 + 1 dense = 50."""
    assert famous["resnet50"]["convs"] - 4 + famous["resnet50"]["dense"] == 1 + 16 * 3 + 1 == 50


def graph(build):
    inputs = keras.Input(shape=(8, 8, 2))
    return keras.Model(inputs, build(inputs))


def test_weight_depth_counts_the_longest_path_of_weight_layers():
    chain = graph(lambda x: layers.Dense(3)(layers.Flatten()(layers.MaxPooling2D()(layers.Conv2D(4, 3)(
        layers.Conv2D(4, 3)(x))))))
    assert lesson.weight_depth(chain) == 3                       # pooling and flatten have no weights

    def residual(x):
        y = layers.Conv2D(4, 3, padding="same")(layers.Conv2D(4, 3, padding="same")(x))
        shortcut = layers.Conv2D(4, 1)(x)                        # a projection beside the block
        return layers.Dense(3)(layers.Flatten()(layers.Add()([y, shortcut])))
    assert lesson.weight_depth(graph(residual)) == 3             # the two-convolution path, not 4 layers

    def branches(x):
        one = layers.Conv2D(2, 1)(x)
        deep = layers.Conv2D(2, 3, padding="same")(layers.Conv2D(2, 1)(layers.Conv2D(2, 1)(x)))
        return layers.Concatenate()([one, deep])
    assert lesson.weight_depth(graph(branches)) == 3             # the longest branch


def test_the_corrections_are_one_line_each_and_the_vgg_one_matches_the_network(famous):
    assert [c["topic"] for c in lesson.CORRECTIONS] == [
        "VGG-16 / VGG-19", "GoogLeNet (Inception)", "ImageNet, as AlexNet used it", "What ResNet solved"]
    for c in lesson.CORRECTIONS:
        assert set(c) == {"topic", "material", "right", "why"} and all(c.values())
    vgg = famous["vgg16"]
    assert f"{vgg['convs']} Conv2D + {vgg['dense']} Dense" in lesson.CORRECTIONS[0]["why"]
    assert vgg["convs"] + vgg["dense"] == 16 and vgg["convs"] != 16
    lines = lesson.corrections_text().splitlines()
    assert len(lines) == 4
    assert lines[1] == ('- GoogLeNet (Inception): the material says "2015"; right: 2014: it won the ILSVRC 2014 '
                        'classification task (Szegedy et al. posted it in September 2014; 2015 is the year of its '
                        'CVPR paper).')


def test_classics_table(alexnet):
    row = lesson.describe("alexnet", alexnet)
    assert row["input"] == [227, 227, 3]
    assert lesson.classics_table([row]).splitlines() == [
        "network       year    parameters     published  conv + dense  depth          input",
        "AlexNet       2012    60,965,224    60,965,224         5 + 3      8      227x227x3",
    ]


# YOLO v1 counted by hand from the paper's Figure 3, layer by layer: (k, C_in, C_out) per
# convolution, (k * k * C_in + 1) * C_out each; then the dense layers on the 7 x 7 x 1024 map.
YOLO_CONVS = [(7, 3, 64), (3, 64, 192),
              (1, 192, 128), (3, 128, 256), (1, 256, 256), (3, 256, 512),
              *[(1, 512, 256), (3, 256, 512)] * 4, (1, 512, 512), (3, 512, 1024),
              *[(1, 1024, 512), (3, 512, 1024)] * 2, (3, 1024, 1024), (3, 1024, 1024),
              (3, 1024, 1024), (3, 1024, 1024)]
YOLO_DENSE = (7 * 7 * 1024 + 1) * 4096 + (4096 + 1) * 7 * 7 * (5 * 2 + 20)
YOLO_HAND = sum((k * k * c_in + 1) * c_out for k, c_in, c_out in YOLO_CONVS) + YOLO_DENSE


@pytest.fixture(scope="module")
def yolo():
    """Built once: 272 million weights (zeros, so the build is quick)."""
    return lesson.build_yolo_v1()


def test_yolo_v1_has_the_papers_layers_and_output(yolo):
    assert len(YOLO_CONVS) == 24
    assert lesson.weight_layers(yolo) == (24, 2) and lesson.weight_depth(yolo) == 26
    assert tuple(yolo.input.shape[1:]) == (448, 448, 3)
    assert tuple(yolo.get_layer("conv1").output.shape[1:]) == (224, 224, 64)     # 7x7, stride 2
    assert tuple(yolo.get_layer("conv22").output.shape[1:]) == (7, 7, 1024)      # the one stride-2 convolution
    assert tuple(yolo.get_layer("flatten").output.shape[1:]) == (7 * 7 * 1024,)
    assert tuple(yolo.output.shape[1:]) == (7, 7, 30)                            # S x S x (5B + C)


def test_yolo_v1_parameters_against_the_hand_count(yolo):
    assert yolo.count_params() == YOLO_HAND == 271_703_550
    assert lesson.yolo_v1_params_by_hand() == YOLO_HAND
    # Other settings change only the last dense layer: (4096 + 1) * S * S * (5B + C).
    assert lesson.yolo_v1_params_by_hand(S=7, B=3, C=80) == YOLO_HAND + (4096 + 1) * 7 * 7 * (95 - 30)
