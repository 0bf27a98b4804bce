"""Lesson 1: a convolutional network on MNIST digits (Python).

Its twin is R/cnn_mnist.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/cnn_mnist.py --profile quick
"""
import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
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


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    data = datasets.load_images(config)
    helpers.seed_everything(config["seed"], config["threads"])
    # Step 2. Loss, optimiser and metric, from the shared spec: the cross-entropy of the 10
    # classes, Adam, and a learning rate that follows a cosine from its start value down to 0
    # (steps.compile_classifier, which every classifier of the workshop shares).
    with helpers.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
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
    # Step 5. Write the results, with the learning curves and where the mistakes are.
    path = helpers.write_results(config, {
        "lesson": LESSON, **scores,
        **helpers.training_record(config, history, model, fit_seconds, clock()),
    }, plots={
        "training_curves.png": lambda p: helpers.plot_history(history, p, "CNN on MNIST"),
        "confusion_matrix.png": lambda p: steps.plot_confusion(scores["test"]["confusion_matrix"], p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
