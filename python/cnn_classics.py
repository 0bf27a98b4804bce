"""Lesson 3b: the real ones, offline: AlexNet, VGG16, GoogLeNet's heir InceptionV3 and ResNet50 (Python).

Its twin is R/cnn_classics.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/cnn_classics.py

Nothing is trained and nothing is downloaded. AlexNet is built by hand, layer by layer as
Krizhevsky, Sutskever and Hinton (2012) describe it, and YOLO v1 from the layer table of Redmon
et al. (2016), its parameters checked against a count by hand; VGG16, InceptionV3 and ResNet50 come
from keras.applications with weights=None, which builds the architecture with random
weights instead of fetching the ImageNet ones. Then two numbers per network:

- parameters, against the published count;
- depth, counted as the papers count it: weight layers (convolutions and dense layers) on
  the longest path from the input to the output. A shortcut or a parallel branch does not
  add to the depth, and pooling, normalisation and activations have no weights, so VGG16
  is 16 deep, ResNet50 50 and InceptionV3 48 (GoogLeNet, its 2014 ancestor, was 22).

AlexNet as in the paper (section 3.5 and Figure 2), with two choices made explicit:
- the input is 227x227, not the 224x224 the paper writes: only 227 gives the paper's
  55x55 maps after an 11x11 convolution with stride 4 and no padding ((227 - 11) / 4 + 1 = 55);
- the network was split over two GPUs, so conv2, conv4 and conv5 see only the half of the
  previous layer's maps on their own GPU. Keras' groups=2 builds exactly that; this is the
  variant with 60,965,224 parameters, the paper's "60 million". Without the split
  (groups=1, as most re-implementations do) it has 62,378,344.
Local response normalisation (k = 2, n = 5, alpha = 1e-4, beta = 0.75) follows conv1 and
conv2; it has no weights. Keras has no such layer, so TensorFlow's own op does it.
"""
import helpers  # sets TensorFlow's environment, so it comes before keras
import keras
import tensorflow as tf
from keras import layers

LESSON = "cnn_classics"

# What the papers and keras.applications publish (parameters with the 1000-class ImageNet head).
PUBLISHED = {
    "alexnet": {"label": "AlexNet", "year": 2012, "params": 60965224, "depth": 8},
    "vgg16": {"label": "VGG16", "year": 2014, "params": 138357544, "depth": 16},
    "inception_v3": {"label": "InceptionV3", "year": 2015, "params": 23851784, "depth": 48},
    "resnet50": {"label": "ResNet50", "year": 2015, "params": 25636712, "depth": 50},
}

# The workshop material's slips, each beside the right value and the reason, in one line each.
CORRECTIONS = [
    {"topic": "VGG-16 / VGG-19",
     "material": "16 and 19 convolutional layers",
     "right": "16 and 19 weight layers: 13 and 16 convolutional + 3 fully connected",
     "why": "Simonyan and Zisserman count weight layers (their Table 1); the VGG16 built here has 13 Conv2D + 3 Dense"},
    {"topic": "GoogLeNet (Inception)",
     "material": "2015",
     "right": "2014: it won the ILSVRC 2014 classification task",
     "why": "Szegedy et al. posted it in September 2014; 2015 is the year of its CVPR paper"},
    {"topic": "ImageNet, as AlexNet used it",
     "material": "almost 14 million images across a thousand classes",
     "right": "about 1.2 million training images in 1,000 classes (ILSVRC-2012)",
     "why": "14 million is the whole of ImageNet, in about 22,000 categories; the 1,000-class challenge set is a subset"},
    {"topic": "What ResNet solved",
     "material": "the problem of vanishing gradients",
     "right": "the degradation problem: deeper plain networks trained worse, even on the training set",
     "why": "He et al.'s plain networks had batch normalisation and healthy gradients, yet the deeper one "
            "had the higher training error (their Figure 1)"},
]


# Step 1. AlexNet by hand: five convolutions, three dense layers.
def local_response_normalization(name):
    return layers.Lambda(lambda x: tf.nn.local_response_normalization(x, depth_radius=2, bias=2.0, alpha=1e-4,
                                                                       beta=0.75), name=name)


def build_alexnet(groups=2):
    inputs = keras.Input(shape=(227, 227, 3), name="image")
    x = layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1")(inputs)            # -> 55x55x96
    x = local_response_normalization("norm1")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)                                   # -> 27x27 (overlapping)
    x = layers.Conv2D(256, 5, padding="same", groups=groups, activation="relu", name="conv2")(x)
    x = local_response_normalization("norm2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)                                   # -> 13x13
    x = layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3")(x)            # sees both GPUs' maps
    x = layers.Conv2D(384, 3, padding="same", groups=groups, activation="relu", name="conv4")(x)
    x = layers.Conv2D(256, 3, padding="same", groups=groups, activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)                                   # -> 6x6x256
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(4096, activation="relu", name="fc6")(x)
    x = layers.Dropout(0.5, name="dropout6")(x)
    x = layers.Dense(4096, activation="relu", name="fc7")(x)
    x = layers.Dropout(0.5, name="dropout7")(x)
    outputs = layers.Dense(1000, activation="softmax", name="fc8")(x)
    return keras.Model(inputs, outputs, name="alexnet" if groups == 2 else "alexnet_one_gpu")


def layer_params(model):
    """Parameters of each layer that has any, by name."""
    return {layer.name: int(layer.count_params()) for layer in model.layers if layer.count_params() > 0}


# Step 2. The others, from keras.applications: the architecture only, random weights, no download.
def build_famous(key):
    build = {"vgg16": keras.applications.VGG16, "inception_v3": keras.applications.InceptionV3,
             "resnet50": keras.applications.ResNet50}[key]
    return build(weights=None)


# Step 2b. YOLO v1 (Redmon et al., 2016) from the paper's layer table (its Figure 3): 24
# convolutions and 2 dense layers, 448x448x3 in, and out an S x S grid whose cells each hold B
# boxes (x, y, w, h, confidence) and C class probabilities: 7 x 7 x 30 for PASCAL VOC (S = 7,
# B = 2, C = 20). An entry is (kernel, filters, stride), or "pool" for a 2x2 max pool with
# stride 2; every convolution pads "same" and is followed by a leaky ReLU (slope 0.1).
YOLO_V1 = [(7, 64, 2), "pool", (3, 192, 1), "pool",
           (1, 128, 1), (3, 256, 1), (1, 256, 1), (3, 512, 1), "pool",
           *[(1, 256, 1), (3, 512, 1)] * 4, (1, 512, 1), (3, 1024, 1), "pool",
           *[(1, 512, 1), (3, 1024, 1)] * 2, (3, 1024, 1), (3, 1024, 2),
           (3, 1024, 1), (3, 1024, 1)]


def build_yolo_v1(S=7, B=2, C=20):
    """Untrained and never run, so every kernel starts at zero: Keras' random start of 272
    million weights would take longer than the rest of the lesson."""
    inputs = keras.Input(shape=(448, 448, 3), name="image")
    x, conv = inputs, 0
    for item in YOLO_V1:
        if item == "pool":
            x = layers.MaxPooling2D(2, strides=2, name=f"pool_after_conv{conv}")(x)
        else:
            kernel, filters, stride = item
            conv += 1
            x = layers.Conv2D(filters, kernel, strides=stride, padding="same", kernel_initializer="zeros",
                              name=f"conv{conv}")(x)
            x = layers.LeakyReLU(negative_slope=0.1, name=f"leaky{conv}")(x)
    x = layers.Flatten(name="flatten")(x)                                                     # 7 x 7 x 1024
    x = layers.Dense(4096, kernel_initializer="zeros", name="fc1")(x)
    x = layers.LeakyReLU(negative_slope=0.1, name="leaky_fc1")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    x = layers.Dense(S * S * (5 * B + C), kernel_initializer="zeros", name="fc2")(x)          # linear
    outputs = layers.Reshape((S, S, 5 * B + C), name="grid")(x)
    return keras.Model(inputs, outputs, name="yolo_v1")


def yolo_v1_params_by_hand(S=7, B=2, C=20):
    """From the layer table alone: (k * k * C_in + 1) * C_out per convolution and (n_in + 1) * n_out
    per dense layer; the map's side halves at each pool and at the one convolution of stride 2."""
    channels, side, total = 3, 448, 0
    for item in YOLO_V1:
        if item == "pool":
            side //= 2
        else:
            kernel, filters, stride = item
            total += (kernel * kernel * channels + 1) * filters
            channels, side = filters, side // stride
    return total + (side * side * channels + 1) * 4096 + (4096 + 1) * S * S * (5 * B + C)


# Step 3. Depth as the papers count it.
def weight_layers(model):
    """How many layers of each weighted kind: (convolutions, dense layers)."""
    kinds = [type(layer).__name__ for layer in model.layers]
    return kinds.count("Conv2D"), kinds.count("Dense")


def weight_depth(model):
    """Weight layers on the longest path from the input to the output.

    Keras keeps the graph in each layer's inbound nodes; model.layers lists every layer after
    the layers it reads, so one pass in that order finds each layer's longest path.
    """
    depth = {}
    for layer in model.layers:
        parents = [node.operation for inbound in layer._inbound_nodes for node in inbound.parent_nodes]
        longest = max((depth[id(parent)] for parent in parents if id(parent) in depth), default=0)
        depth[id(layer)] = longest + (type(layer).__name__ in ("Conv2D", "Dense"))
    return max(depth.values())


def describe(key, model):
    convs, dense = weight_layers(model)
    return {"key": key, **PUBLISHED[key], "built_params": int(model.count_params()), "convs": convs,
            "dense": dense, "built_depth": weight_depth(model), "input": list(model.input.shape[1:])}


def classics_table(rows):
    lines = [f"{'network':<13}{'year':>5}{'parameters':>14}{'published':>14}{'conv + dense':>14}"
             f"{'depth':>7}{'input':>15}"]
    for row in rows:
        lines.append(f"{row['label']:<13}{row['year']:>5}{row['built_params']:>14,}{row['params']:>14,}"
                     f"{str(row['convs']) + ' + ' + str(row['dense']):>14}{row['built_depth']:>7}"
                     f"{'x'.join(map(str, row['input'])):>15}")
    return "\n".join(lines)


def corrections_text():
    return "\n".join(f"- {c['topic']}: the material says \"{c['material']}\"; right: {c['right']} ({c['why']})."
                     for c in CORRECTIONS)


# Step 4. Picture: deeper did not mean bigger.
def plot_classics(rows, path):
    plt = helpers.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for k, row in enumerate(rows):
        ax.scatter(row["built_depth"], row["built_params"] / 1e6, s=80, color=f"C{k}")
        ax.annotate(f"{row['label']} ({row['year']})", (row["built_depth"], row["built_params"] / 1e6),
                    textcoords="offset points", xytext=(6, 6), fontsize=9)
    ax.set(xlabel="depth (weight layers on the longest path)", ylabel="parameters (millions)",
           yscale="log", xlim=(0, 60), title="Deeper, yet not bigger (Python)")
    helpers.save_figure(fig, path)


def main(argv=None):
    config = helpers.parse_cli(LESSON, argv)
    rows, examples = [], {}
    for key in PUBLISHED:
        model = build_alexnet() if key == "alexnet" else build_famous(key)
        row = describe(key, model)
        rows.append(row)
        for name in ("built_params", "convs", "dense", "built_depth"):
            examples[f"{key}_{name.removeprefix('built_')}"] = row[name]
        if key == "alexnet":
            examples["alexnet_layer_params"] = list(layer_params(model).values())
            examples["alexnet_one_gpu_params"] = int(build_alexnet(groups=1).count_params())
        del model   # VGG16 alone holds half a gigabyte of weights
    yolo = build_yolo_v1()
    convs, dense = weight_layers(yolo)
    examples.update(yolo_v1_params=int(yolo.count_params()), yolo_v1_params_by_hand=yolo_v1_params_by_hand(),
                    yolo_v1_convs=convs, yolo_v1_dense=dense, yolo_v1_depth=weight_depth(yolo),
                    yolo_v1_input_shape=list(yolo.input.shape[1:]), yolo_v1_output_shape=list(yolo.output.shape[1:]))
    del yolo
    print(classics_table(rows))
    print(f"\nYOLO v1 (S = 7, B = 2, C = 20): {examples['yolo_v1_params']:,} parameters "
          f"({examples['yolo_v1_params_by_hand']:,} by hand from the layer table), "
          f"{convs} convolutions + {dense} dense, output {'x'.join(map(str, examples['yolo_v1_output_shape']))}")
    print("\nThe workshop material, corrected:\n" + corrections_text())
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, "examples": examples, "corrections": CORRECTIONS,
        "versions": helpers.versions(),
    }, plots={"classics.png": lambda p: plot_classics(rows, p)})
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
