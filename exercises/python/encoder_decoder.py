# Exercise encoder_decoder (rnn_types, build, 15 minutes)
# Many to many with unequal lengths, as lesson 6 wires it: an encoder SimpleRNN reads all steps_in
# steps and keeps its last h; RepeatVector hands that h to each of the steps_out output steps; a
# decoder SimpleRNN gives an h at every step; Dense(outputs) turns each into the outputs.
# Write build_encoder_decoder(steps_in, steps_out, features, units, outputs), giving back the
# keras.Model. Fill in the lines marked ____. Check: ./workshop check encoder_decoder, or
# check("encoder_decoder") in a notebook. The checker builds it with sizes you have not seen and
# compares its shapes and parameters with the lesson's (this check starts TensorFlow: ~10 s).
import sys

try:
    import helpers  # noqa: F401  (sets TensorFlow's environment before keras starts)
except ModuleNotFoundError:   # run as a script from the workshop folder
    sys.path.insert(0, "python")
    import helpers  # noqa: F401
import keras
from keras import layers


def build_encoder_decoder(steps_in, steps_out, features, units, outputs):
    inputs = keras.Input(shape=(steps_in, features))
    summary = ____  # the encoder: its last h only
    repeated = ____  # that h, once per output step
    hidden = ____  # the decoder: an h at every step
    y = layers.Dense(outputs)(hidden)
    return keras.Model(inputs, y)


if __name__ == "__main__":
    build_encoder_decoder(5, 3, 3, 4, 2).summary()   # output (None, 3, 2), 78 parameters
