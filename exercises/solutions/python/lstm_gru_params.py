# Exercise lstm_gru_params (lstm_vs_gru, predict, 10 minutes)
# Lesson 5 races SimpleRNN, LSTM and GRU layers of 32 units on the DAX, one value per step (x = 1).
# With h units and x inputs: a SimpleRNN has one block of weights h(h + x) + h; an LSTM has one
# such block per gate and for the candidate; Keras' GRU (reset_after=True) has three blocks, each
# with two biases. Work out each layer's parameters, on the lines marked ____.
# Check: ./workshop check lstm_gru_params, or check("lstm_gru_params") in a notebook.

simple_rnn = 32 * (32 + 1) + 32  #> simple_rnn = ____
lstm = 4 * (32 * (32 + 1) + 32)  #> lstm = ____
gru = 3 * (32 * (32 + 1) + 2 * 32)  #> gru = ____
