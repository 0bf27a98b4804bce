"""Lesson 1: a convolutional network on MNIST digits (Python).

Its twin is R/cnn_mnist.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/cnn_mnist.py --profile quick
"""
import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
from keras import layers

LESSON = "cnn_mnist"


# Step 1. The model: two rounds of convolution + ReLU + max pooling learn
# edges, then strokes; a dense layer combines them; softmax gives 10 probabilities.
def build_model():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),              # raw pixels, 0..255
        layers.Rescaling(1 / 255),                # scaling lives in the model: one place
        layers.Reshape((28, 28, 1)),              # one grey channel
        layers.Conv2D(32, 3, activation="relu"),  # 32 filters of 3x3 -> 26x26x32
        layers.MaxPooling2D(2),                   # -> 13x13x32
        layers.Conv2D(64, 3, activation="relu"),  # -> 11x11x64
        layers.MaxPooling2D(2),                   # -> 5x5x64
        layers.Flatten(),                         # -> 1600
        layers.Dropout(0.25),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.5),                      # regularises: the slides' dropout
        layers.Dense(10, activation="softmax"),
    ], name=LESSON)


# Step 4b. What the trained network learned: the 32 kernels of its first convolution, and one
# test digit's feature maps after each convolution (and its ReLU), the first N_MAPS of each.
# These are the numbers behind the two pictures, so the compare checks them too.
N_MAPS = 8


def learned_features(model, data):
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    if not convs:   # a network without convolutions (the open exercise allows one) shows only the digit
        return {"digit": data["x_test"][0].tolist(), "digit_label": int(data["y_test"][0]),
                "conv1_kernels": [], "feature_maps": []}
    kernels = convs[0].get_weights()[0]                                     # 3 x 3 x 1 x 32
    probe = keras.Model(model.inputs, [conv.output for conv in convs])
    maps = probe.predict(data["x_test"][:1], verbose=0)                     # 26x26x32, 11x11x64
    return {"digit": data["x_test"][0].tolist(), "digit_label": int(data["y_test"][0]),
            "conv1_kernels": [kernels[:, :, 0, f].tolist() for f in range(kernels.shape[3])],
            "feature_maps": [[m[0, :, :, f].tolist() for f in range(min(N_MAPS, m.shape[3]))] for m in maps]}


def show_matrix(ax, m, vmin=None, vmax=None):
    """A matrix as a picture, row 1 on top, black to white."""
    ax.axis("on")
    ax.imshow(m, cmap="gray", vmin=vmin, vmax=vmax)
    ax.set(xticks=[], yticks=[])


def plot_learned_filters(features, path):
    """The kernels on one grey scale, white for the largest positive weight, black for the most negative."""
    plt = helpers.pyplot()
    kernels = features["conv1_kernels"]
    top = max((abs(w) for kernel in kernels for row in kernel for w in row), default=1.0)
    fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
    for ax in axes.flat:
        ax.axis("off")
    for ax, kernel in zip(axes.flat, kernels):
        show_matrix(ax, kernel, -top, top)
    fig.suptitle(f"The first layer's {len(kernels)} kernels, 3 x 3, after training (Python)")
    helpers.save_figure(fig, path)


def plot_feature_maps(features, path):
    """The digit, then the first maps after convolution 1 (top) and convolution 2 (bottom)."""
    plt = helpers.pyplot()
    fig, axes = plt.subplots(2, N_MAPS + 1, figsize=(9, 2.6))
    for ax in axes.flat:
        ax.axis("off")   # each picture turns its own axes back on
    show_matrix(axes[0, 0], features["digit"])
    axes[0, 0].set_title(f"digit {features['digit_label']}", fontsize=8)
    for row, maps in enumerate(features["feature_maps"]):
        for k, fmap in enumerate(maps):
            show_matrix(axes[row, k + 1], fmap)
            axes[row, k + 1].set_title(f"conv{row + 1} map {k + 1}", fontsize=6)
    fig.suptitle("One test digit after each convolution: bright = strong response (Python)", fontsize=9)
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    data = datasets.load_images(config)
    helpers.seed_everything(config["seed"], config["threads"])
    # Step 2. Loss, optimiser and metric, from the shared spec: the cross-entropy of the 10
    # classes, Adam, and a learning rate that follows a cosine from its start value down to 0
    # (steps.compile_classifier, which every classifier of the workshop shares).
    with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
        model = steps.compile_classifier(build_model(), config, n_train=len(data["y_train"]))
    model.summary()
    # Step 3. Train, watching the held-out validation rows after every epoch. The fit
    # loop is the one every lesson shares, in python/steps.py.
    fit_clock = helpers.stopwatch()
    history = helpers.history_lists(steps.train(model, data, config))
    fit_seconds = fit_clock()
    # Step 4. Judge it on the test images it has never seen: accuracy, the confusion
    # matrix (row i counts the true digit i) and the first few predictions.
    scores = steps.evaluate_classifier(model, data, config)
    print(f"Test accuracy on {scores['test']['n']} unseen images: {scores['test']['accuracy']:.4f}")
    features = learned_features(model, data)
    # Step 5. Write the results, with the learning curves, where the mistakes are, and what it learned.
    path = helpers.write_results(config, {
        "lesson": LESSON, **scores, "features": features,
        **helpers.training_record(config, history, model, fit_seconds, clock()),
    }, plots={
        "training_curves.png": lambda p: helpers.plot_history(history, p, "CNN on MNIST"),
        "confusion_matrix.png": lambda p: steps.plot_confusion(scores["test"]["confusion_matrix"], p),
        "learned_filters.png": lambda p: plot_learned_filters(features, p),
        "feature_maps.png": lambda p: plot_feature_maps(features, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
