# Exercise rnn_types_shapes (rnn_types, predict, 10 minutes)
# Lesson 6 builds the slides' five RNN types with the spec's sizes: x = 3 features, h = 4 units,
# 5 steps in, 3 steps out, k = 2 outputs; every type ends with Dense(k). A Dense layer from w to k
# has k(w + 1) parameters, a SimpleRNN from x to h has h(h + x) + h.
# Work out, on the lines marked ____:
#   one_to_one_params:           Dense(h) on x, then the head
#   many_to_one_params:          SimpleRNN(h), the last state only, then the head
#   many_to_many_unequal_params: encoder SimpleRNN(h), RepeatVector(3), decoder SimpleRNN(h), head
#   many_to_many_equal_shape:    the output shape of SimpleRNN(h, return_sequences = TRUE) + head,
#                                per example, as a vector c(steps, outputs)
# Check: ./workshop check rnn_types_shapes --lang r, or check("rnn_types_shapes") after
# source("exercises/check.R").

one_to_one_params <- ____
many_to_one_params <- ____
many_to_many_unequal_params <- ____
many_to_many_equal_shape <- ____
