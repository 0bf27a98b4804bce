# Exercise sunspot_baselines (sunspots, build, 10 minutes)
# Before any network, lesson 7 forecasts the next 12 months two simple ways. From a forecast
# origin t (the first month to forecast; months before t are known):
#   persistence: all 12 months equal the last month seen, values[t - 1]
#   mean12:      all 12 months equal the mean of the 12 months seen, values[t - 12] .. values[t - 1]
# Write sunspot_baselines(values, first, stop): one row of 12 forecasts per origin t = first, ...,
# stop - 12, for each baseline, given back as "persistence" and "mean12".
# Fill in the lines marked ____. Check: ./workshop check sunspot_baselines, or
# check("sunspot_baselines") in a notebook (hidden series).
import numpy as np


def sunspot_baselines(values, first, stop):
    origins = range(first, stop - 12 + 1)
    persistence = ____  # one row per origin
    mean12 = ____  # one row per origin
    return {"persistence": persistence, "mean12": mean12}


if __name__ == "__main__":
    values = np.arange(40.0)
    print(sunspot_baselines(values, 20, 33)["mean12"][:, 0])   # [13.5, 14.5]
