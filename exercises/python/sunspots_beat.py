# Exercise sunspots_beat (sunspots, open, 15 minutes)
# Open goal: on the exercise profile's one slice, make the GRU's RMSE at least 15% below
# persistence's (out of the box it reaches 14.9%). Change anything in your language's twin
# (python/sunspots.py or R/sunspots.R): the units, the layers, the training; or the exercise
# profile in shared_data/spec.json (both languages read it).
# Run it: ./workshop run sunspots --profile exercise (or only your twin, with --profile exercise)
# Write one line about what you changed on the line marked ____, then check:
# ./workshop check sunspots_beat, or check("sunspots_beat"). It reads your own results file.
# Afterwards put things back: git checkout -- python/sunspots.py R/sunspots.R shared_data/spec.json

what_i_changed = "____"
