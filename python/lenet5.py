"""Lesson 2: LeNet-5, as LeCun, Bottou, Bengio and Haffner built it in 1998 (Python).

Its twin is R/lenet5.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/lenet5.py --profile quick

The layers, as the slides and the paper name them:

    input 32x32  ->  C1 6@28x28  ->  S2 6@14x14  ->  C3 16@10x10  ->  S4 16@5x5
                 ->  C5 120      ->  F6 84       ->  output 10

C3 is the interesting one. Its 16 maps do not all see the 6 maps of S2: TABLE I
of the paper says which ones each sees. Maps 0-5 see 3 neighbouring S2 maps,
maps 6-11 see 4 neighbours, maps 12-14 see 4 non-neighbours and map 15 sees
all 6: 60 connections instead of 96. The paper gives two reasons: it keeps the
number of connections within bounds, and it breaks the symmetry, so different
C3 maps are forced to learn different features. Each connection is a 5x5
kernel and each map has one bias, so C3 has 60 * 25 + 16 = 1,516 parameters
rather than the 96 * 25 + 16 = 2,416 of a full convolution. The lesson builds
it literally: for each C3 map, pick its S2 maps and convolve them.

Where this lesson differs from the paper, and why:
- The paper squashes with a scaled tanh, 1.7159 * tanh(2/3 * a); we use plain
  tanh, which has the same shape and trains the same way with Adam.
- S2 and S4 in the paper multiply the 2x2 average by a trainable coefficient,
  add a trainable bias and squash it (12 and 32 parameters); we use plain
  average pooling, which has no parameters.
- The paper's output layer is 10 Euclidean RBF units compared to fixed 7x12
  bitmaps of the digits; we use a 10-way softmax with cross-entropy, which is
  what every modern LeNet-5 does.
- The paper trains with a stochastic diagonal Levenberg-Marquardt method for
  20 passes over 60,000 digits; we use Adam on the shipped 4,000-digit subset.
The paper's input scaling is kept: white background -0.1, black ink 1.175.
"""
import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
from keras import layers, ops

LESSON = "lenet5"

# TABLE I of LeCun et al. (1998): for each C3 map, the S2 maps it sees.
C3_TABLE = [
    [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
    [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
    [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
    [0, 1, 2, 3, 4, 5],
]


# Step 1. The model, layer by layer as in the paper.
def c3_map(s2, j):
    """C3 map j: a 5x5 convolution over only the S2 maps TABLE I gives it."""
    maps = C3_TABLE[j]
    picked = layers.Lambda(lambda x: ops.take(x, maps, axis=-1), name=f"s2_for_c3_{j:02d}")(s2)
    return layers.Conv2D(1, 5, activation="tanh", name=f"c3_{j:02d}")(picked)


def build_model():
    inputs = keras.Input(shape=(28, 28), name="pixels")              # raw pixels, 0..255
    x = layers.Rescaling(1.275 / 255, offset=-0.1, name="scale")(inputs)  # the paper's -0.1..1.175
    x = layers.Reshape((28, 28, 1), name="channel")(x)
    x = layers.ZeroPadding2D(2, name="pad_to_32")(x)                 # the paper's 32x32 input
    x = layers.Conv2D(6, 5, activation="tanh", name="c1")(x)         # -> 28x28x6
    s2 = layers.AveragePooling2D(2, name="s2")(x)                    # -> 14x14x6
    x = layers.Concatenate(name="c3")([c3_map(s2, j) for j in range(16)])  # -> 10x10x16
    x = layers.AveragePooling2D(2, name="s4")(x)                     # -> 5x5x16
    x = layers.Conv2D(120, 5, activation="tanh", name="c5")(x)       # -> 1x1x120, each unit sees all of S4
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation="tanh", name="f6")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=LESSON)


def layer_params(model):
    """Parameters per paper layer: the 16 c3_NN convolutions count together as C3."""
    counts = {}
    for layer in model.layers:
        name = "c3" if layer.name.startswith("c3_") else layer.name
        counts[name] = counts.get(name, 0) + int(layer.count_params())
    return {name: n for name, n in counts.items() if n > 0}


# Step 2. Loss, optimiser and metric, from the shared spec.
def compile_model(model, config):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# Step 4. Judge it on the test images, as every classifier in the workshop is judged
# (python/steps.py). The paper reports errors, so the error rate is added.
def evaluate(model, data, config):
    scores = steps.evaluate_classifier(model, data, config)
    scores["test"]["error_rate"] = 1 - scores["test"]["accuracy"]
    return scores


# Step 5. Pictures: the learning curves, the confusion matrix, and what C1 learned to look for.
def plot_c1_kernels(model, path):
    plt = helpers.pyplot()
    kernels = model.get_layer("c1").get_weights()[0]   # 5 x 5 x 1 x 6
    fig, axes = plt.subplots(1, 6, figsize=(9, 1.9))
    for k, ax in enumerate(axes):
        ax.imshow(kernels[:, :, 0, k], cmap="gray")
        ax.set(title=f"C1 map {k}", xticks=[], yticks=[])
    fig.suptitle("The six 5x5 kernels of C1 (Python)")
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    data = datasets.load_images(config)
    helpers.seed_everything(config["seed"], config["threads"])
    with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
        model = compile_model(build_model(), config)
    model.summary()
    print("Parameters per layer:", layer_params(model))
    # Step 3. Train with the fit loop every lesson shares (python/steps.py).
    fit_clock = helpers.stopwatch()
    history = helpers.history_lists(steps.train(model, data, config))
    fit_seconds = fit_clock()
    scores = evaluate(model, data, config)
    print(f"Test accuracy on {scores['test']['n']} unseen images: {scores['test']['accuracy']:.4f} "
          f"(error {100 * scores['test']['error_rate']:.2f}%; LeCun et al. report 0.95% on full MNIST)")
    path = helpers.write_results(config, {
        "lesson": LESSON, **scores,
        **helpers.training_record(config, history, model, fit_seconds, clock()),
    }, plots={
        "training_curves.png": lambda p: helpers.plot_history(history, p, "LeNet-5"),
        "confusion_matrix.png": lambda p: steps.plot_confusion(scores["test"]["confusion_matrix"], p),
        "c1_kernels.png": lambda p: plot_c1_kernels(model, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
