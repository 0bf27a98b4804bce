# Exercise cnn_filters (cnn_mnist, change, 15 minutes)
# Change and compare: the exercise only a twin-language workshop can set.
# 1. In BOTH python/cnn_mnist.py and R/cnn_mnist.R (build_model), give the first Conv2D 16 filters
#    instead of 32. Change nothing else.
# 2. Before you run: predict the changed model's total parameters on the line marked ____.
# 3. Run both twins (about a minute): ./workshop run cnn_mnist --profile quick
# 4. Check: ./workshop check cnn_filters, or check("cnn_filters"). It reads both results
#    files and runs the compare: the two edits agree only if every row is identical.
# 5. Afterwards put the lessons back: git checkout -- python/cnn_mnist.py R/cnn_mnist.R

total_params = (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 64 + 64) + (1600 * 128 + 128) + (128 * 10 + 10)  #> total_params = ____  # conv1 + conv2 + dense + output
