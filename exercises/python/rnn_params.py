# Exercise rnn_params (rnn_forecaster, predict, 5 minutes)
# Lesson 4's forecaster (python/rnn_forecaster.py, section 2) reads a window of 20 daily changes
# as 20 steps of 1 value each: SimpleRNN(units) -> Dense(1). The full profile has 32 units, the
# quick profile 16. A SimpleRNN has h(t) = tanh(W h(t-1) + U x(t) + b).
# Work out, on the lines marked ____:
#   rnn_params:       the SimpleRNN's parameters with 32 units
#   head_params:      the Dense(1) head's parameters, on 32 units
#   rnn_params_quick: the SimpleRNN's parameters with 16 units
# Check: ./workshop check rnn_params, or check("rnn_params") in a notebook.

rnn_params = ____
head_params = ____
rnn_params_quick = ____
