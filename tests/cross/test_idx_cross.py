"""The two IDX readers, written independently in NumPy and in base R, give identical arrays.

R's reader is pure base R, so it runs in-process through rpy2 (no reticulate involved).
"""
import numpy as np
import pytest
import rpy2.robjects as ro

import helpers
import datasets
from conftest import ROOT

FILES = [ROOT / "shared_data" / "mnist" / name for name in
         ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")]
FILES += [helpers.Path("/usr/share/datasets/fashion-mnist") / name for name in
          ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")]


@pytest.fixture(scope="module")
def r_read_idx():
    ro.r(f'setwd("{ROOT}"); source("R/helpers.R"); source("R/datasets.R")')
    # R arrays are column-major; aperm() back to row-major and flatten, so NumPy can reshape in C order.
    return ro.r("function(path) { a <- read_idx(path); d <- dim(a); "
                "if (is.null(d)) list(a, length(a)) else list(as.vector(aperm(a)), d) }")


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_numpy_and_base_r_readers_agree(r_read_idx, path):
    from_python = datasets.read_idx(path)
    values, dims = r_read_idx(str(path))
    from_r = np.asarray(values, dtype=np.int64).reshape(tuple(int(d) for d in dims))
    assert from_r.shape == from_python.shape
    assert np.array_equal(from_r, from_python)
