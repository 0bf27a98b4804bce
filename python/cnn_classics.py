"""Lesson 6: the real ones, offline: AlexNet, VGG16, GoogLeNet's heir InceptionV3 and ResNet50 (Python).

Its twin is R/cnn_classics.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/cnn_classics.py

Nothing is trained and nothing is downloaded. AlexNet is built by hand, layer by layer as
Krizhevsky, Sutskever and Hinton (2012) describe it; VGG16, InceptionV3 and ResNet50 come
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
    print(classics_table(rows))
    print("\nThe workshop material, corrected:\n" + corrections_text())
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, "examples": examples, "corrections": CORRECTIONS,
        "versions": helpers.versions(),
    }, plots={"classics.png": lambda p: plot_classics(rows, p)})
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
