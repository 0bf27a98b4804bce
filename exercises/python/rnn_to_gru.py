# Exercise rnn_to_gru (rnn_forecaster, change, 15 minutes)
# Change and compare, in both twins the same way.
# 1. In BOTH python/rnn_forecaster.py and R/rnn_forecaster.R (section 2, the model), make the
#    recurrent layer a GRU instead of a SimpleRNN (layers.GRU in Python, layer_gru() in R), with
#    the same units and the same name ("recurrent").
# 2. Before you run: predict the GRU's parameters with the exercise profile's 16 units (one input
#    value per step) on the line marked ____.
# 3. Run both twins (well under a minute): ./workshop run rnn_forecaster --profile exercise
# 4. Check: ./workshop check rnn_to_gru, or check("rnn_to_gru"). It reads both results files
#    and runs the compare.
# 5. Afterwards put the lessons back: git checkout -- python/rnn_forecaster.py R/rnn_forecaster.R

gru_params = ____  # the GRU layer only
