"""Bad input that the CNN architectures lesson adds, in both languages: one plain sentence, exit
code 2, and an earlier results.json left as it was. The cases share one process per language
(conftest.refuse_all), with every other bad-input module's cases (conftest.start_refusals).

The Fashion-MNIST folder and the depth experiment's numbers come from shared_data/spec.json, not
from the command line, so those cases run the lesson from a copy of the workshop whose spec has
been changed (conftest.workshop_copy). The machine's own /usr/share/datasets is never touched.
"""
import gzip

import pytest

from conftest import assert_refused, broken_data, reseal, workshop_copy

LESSON = "cnn_architectures"
MISSING = "/nonexistent/no/fashion-mnist"
IMAGES = "mnist/t10k-images-idx3-ubyte.gz"


def cut_short(data):
    raw = gzip.decompress((data / IMAGES).read_bytes())
    (data / IMAGES).write_bytes(gzip.compress(raw[:-100]))
    reseal(data, IMAGES)


# name: (args, the sentence, how the spec of a workshop copy is changed or None, how a copy of shared_data is broken or None)
CASES = {
    "Fashion-MNIST not installed": (
        ["--dataset", "fashion"], f"The dataset 'fashion' is not installed at {MISSING}: "
                                  f"sudo apt-get install dataset-fashion-mnist.",
        lambda spec: spec["datasets"]["fashion"].update(dir=MISSING), None),
    # (the other depth numbers are checked by the same function: the unit tests cover them)
    "a depth experiment larger than the data": (
        [], "The depth experiment asks for 501 training images, but the quick profile has only 500: "
            "lower depth.n_train in the spec.",
        lambda spec: spec["lessons"][LESSON]["profiles"]["quick"]["depth"].update(n_train=501), None),
    "on mnist, a truncated file": (["--dataset", "mnist"], "t10k-images-idx3-ubyte.gz is truncated or padded",
                                   None, cut_short),
}


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    cases = {}
    for name, (args, _, edit_spec, breaking) in CASES.items():
        tree = (workshop_copy(root, name, edit_spec),) if edit_spec else ()
        cases[name] = (LESSON, breaking and broken_data(root, name, breaking), args, *tree)
    return {}, cases


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_before_training(case, language, refused):
    _, answers = refused
    done = answers[case, language]
    assert_refused(done, CASES[case][1], done.out)
