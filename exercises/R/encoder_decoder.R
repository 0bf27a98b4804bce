# Exercise encoder_decoder (rnn_types, build, 15 minutes)
# Many to many with unequal lengths, as lesson 6 wires it: an encoder SimpleRNN reads all steps_in
# steps and keeps its last h; RepeatVector hands that h to each of the steps_out output steps; a
# decoder SimpleRNN gives an h at every step; Dense(outputs) turns each into the outputs.
# Write build_encoder_decoder(steps_in, steps_out, features, units, outputs), giving back the
# Keras model. Fill in the lines marked ____. Check: ./workshop check encoder_decoder --lang r, or
# check("encoder_decoder") after source("exercises/check.R"). The checker builds it with sizes you
# have not seen and compares its shapes and parameters with the lesson's (it starts TensorFlow).

if (!exists("import_keras")) {   # in RStudio the workshop folder is the working directory
  source(if (file.exists("R/workshop.R")) "R/workshop.R" else "R/helpers.R")
}
keras <- import_keras()

build_encoder_decoder <- function(steps_in, steps_out, features, units, outputs) {
  inputs <- keras$Input(shape = list(steps_in, features))
  summary <- ____  # the encoder: its last h only
  repeated <- ____  # that h, once per output step
  hidden <- ____  # the decoder: an h at every step
  y <- keras$layers$Dense(outputs)(hidden)
  keras$Model(inputs, y)
}

if (!isTRUE(getOption("exercise.checking"))) {
  build_encoder_decoder(5L, 3L, 3L, 4L, 2L)$summary()   # output (None, 3, 2), 78 parameters
}
