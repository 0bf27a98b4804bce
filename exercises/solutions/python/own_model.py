# Exercise own_model (cnn_mnist, train, 15 minutes)
# Write and train your own model, from scratch, after lesson 1 (python/cnn_mnist.py shows every step).
# The digits are loaded for you below. Write the model, compile it and fit it where the lines are
# marked ____, keeping the name `model`. The goal: at least 75% accuracy on the test images with
# at most 50,000 parameters (lesson 1's network has 225,034).
# Run it: .venv/bin/python exercises/python/own_model.py (or cell by cell, or paste it in a notebook).
# Check: ./workshop check own_model, or check("own_model") in a notebook. The checker runs this
# file, then scores the model you trained on the test images itself (about half a minute).
import sys
from pathlib import Path

try:
    import workshop   # the workshop's machinery (python/workshop.py), as in lesson 1
except ModuleNotFoundError:   # run as a script: the workshop's python/ folder, found above this file
    folder = next(p for p in Path(__file__).resolve().parents if (p / "python" / "workshop.py").is_file())
    sys.path.insert(0, str(folder / "python"))
    import workshop
settings = workshop.start("cnn_mnist", profile="quick")   # the quick data: 1,000 training images

import keras
from keras import layers

(x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)
print("training images:", x_train.shape, "labels:", y_train[:10])   # 28 x 28 pixels (0..255); digits 0..9

# BEGIN SOLUTION
#> model = keras.Sequential([
#>     ____,   # your layers: the input (28 x 28 images), ..., one output unit per digit
#> ])
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Rescaling(1 / 255),
    layers.Reshape((28, 28, 1)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
# END SOLUTION
model.summary()

model.compile(  #> model.compile(____)   # an optimizer, a loss for whole-number labels, metrics=["accuracy"]
    # BEGIN SOLUTION
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
    # END SOLUTION
history = model.fit(  #> history = model.fit(____)   # the training images and labels, a few epochs
    # BEGIN SOLUTION
    x_train, y_train,
    validation_data=(x_val, y_val),
    epochs=5,
    batch_size=32,
    verbose=2,
)
    # END SOLUTION

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"your test accuracy: {test_accuracy:.4f} with {model.count_params():,} parameters")
