"""Bad input, at the command line, in both languages: one plain sentence, a non-zero
exit, and results already written are left alone.

The cases run in one process per language (conftest.refuse_all), with every other bad-input module's
cases (conftest.start_refusals); test_a_refusal_is_exit_2_at_the_command_line runs a real command
line in each language, so the exit code itself is tested too.
"""
import gzip
import os
import subprocess

import numpy as np
import pytest

from conftest import ROOT, assert_refused, broken_data, error_sentence, reseal, run_lesson

LANGUAGES = ["python", "r"]
IMAGES = "mnist/t10k-images-idx3-ubyte.gz"
TRAIN_IMAGES, TRAIN_LABELS = "mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz"


def rewrite_idx(data_dir, key, change):
    """Replace an IDX file of the copy by change(its array), written as a valid IDX file, and reseal it."""
    path = data_dir / key
    raw = gzip.decompress(path.read_bytes())
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(ndim)]
    array = change(np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims).copy())
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.write_bytes(gzip.compress(header + array.tobytes()))
    reseal(data_dir, key)


def set_first(value):
    def change(array):
        array[0] = value
        return array
    return change


def delete_images(data):
    (data / IMAGES).unlink()


def flip_a_byte(data):
    raw = bytearray((data / IMAGES).read_bytes())
    raw[100] ^= 0xFF
    (data / IMAGES).write_bytes(bytes(raw))


def claim_float_values(data):
    raw = bytearray(gzip.decompress((data / IMAGES).read_bytes()))
    raw[2] = 0x0D                       # the header claims float32 values instead of bytes
    (data / IMAGES).write_bytes(gzip.compress(bytes(raw)))
    reseal(data, IMAGES)


def cut_short(data):
    raw = gzip.decompress((data / IMAGES).read_bytes())
    (data / IMAGES).write_bytes(gzip.compress(raw[: len(raw) - 784 * 3 - 5]))
    reseal(data, IMAGES)


# name: (how a copy of shared_data is broken, or None for the real data; the options; the words of
# the sentence). Files that pass their checksum (a learner's own data and a fresh manifest) but do
# not fit come last; images that are not 28x28 and labels that are not 1-d are the unit tests' cases.
CASES = {
    "unknown profile": (None, ["--profile", "huge"], ["Unknown profile 'huge': choose one of quick, full."]),
    "unknown dataset": (None, ["--dataset", "cifar"], ["Unknown dataset 'cifar'"]),
    # only more_hardware takes --distribute (its bad values: tests/cross/test_lessons_bad_input.py)
    "--distribute in lesson 1": (None, ["--distribute", "mirrored"],
                                 ["Unknown option '--distribute': only the lesson more_hardware trains on several "
                                  "devices; use --profile, --dataset, --seed, --out, --data-dir."]),
    "negative seed": (None, ["--seed", "-5"], ["The seed must be a whole number from 0 to 2147483647, not '-5'."]),
    "dataset that is not installed": (None, ["--dataset", "mnist-full", "--data-dir", "/nonexistent"],
                                      ["./workshop data full-mnist"]),
    "out under a regular file": (None, ["--out", "{out}/results.json/run"],
                                 ["The output folder {out}/results.json/run lies under {out}/results.json, "
                                  "which is a file, not a folder: choose another with --out."]),
    "missing data file": (delete_images, [], ["is missing: run ./workshop setup"]),
    "checksum mismatch": (flip_a_byte, [], ["does not match its checksum"]),
    "corrupt idx header": (claim_float_values, [], ["header is corrupt"]),
    "truncated idx file": (cut_short, [], ["is truncated or padded"]),
    "one label fewer than images": (lambda data: rewrite_idx(data, TRAIN_LABELS, lambda a: a[:-1]), [],
                                    ["train-images-idx3-ubyte.gz holds 4000 images but",
                                     "train-labels-idx1-ubyte.gz holds 3999 labels",
                                     "restore the dataset's files with git checkout -- shared_data"]),
    "a label outside 0..9": (lambda data: rewrite_idx(data, TRAIN_LABELS, set_first(12)), [],
                             ["train-labels-idx1-ubyte.gz holds the label 12, but labels must be 0 to 9",
                              "restore the dataset's files with git checkout -- shared_data"]),
}


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    return {}, {name: ("cnn_mnist", breaking and broken_data(root, name, breaking), args)
                for name, (breaking, args, _) in CASES.items()}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_one_sentence_and_leaves_earlier_results(case, language, refused):
    _, answers = refused
    done = answers[case, language]
    for words in CASES[case][2]:
        assert_refused(done, words.format(out=done.out), done.out)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_is_exit_2_at_the_command_line(language, previous_results):
    """The real command line, in its own process: the sentence on stderr and exit code 2."""
    done = run_lesson(language, "cnn_mnist", "--seed", "-5", "--out", str(previous_results))
    assert_refused(done, "The seed must be a whole number from 0 to 2147483647, not '-5'.", previous_results)
    assert "ValueError" not in done.stderr


def test_r_without_the_venv(previous_results):
    done = run_lesson("r", "cnn_mnist", "--out", str(previous_results),
                      env={"WORKSHOP_PYTHON": "/nonexistent/.venv/bin/python"})
    assert_refused(done, "Python environment is missing (/nonexistent/.venv/bin/python): run ./workshop setup",
                   previous_results)


def test_r_already_on_another_python():
    script = ('reticulate::use_python("/usr/bin/python3", required = TRUE); invisible(reticulate::py_config()); '
              'source("R/helpers.R"); keras <- import_keras()')
    done = subprocess.run(["Rscript", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    sentence = error_sentence(done)
    assert "R is already using the Python at /usr/bin/python3" in sentence and "restart R" in sentence, sentence


@pytest.mark.parametrize("args, message", [
    (["run", "nope"], "Unknown lesson 'nope': choose one of foundations_convolution, foundations_pooling, "
                        "foundations_backpropagation, foundations_recurrence, cnn_mnist, more_hardware, lenet5"),   # the course's order
    (["run", "--profile", "huge"], "Unknown profile 'huge': choose one of quick, full."),
    (["frobnicate"], "Unknown command 'frobnicate'"),
    (["compare", "nope"], "Unknown lesson 'nope'"),
])
def test_workshop_command_refuses_unknown_names(args, message):
    done = subprocess.run([str(ROOT / "workshop"), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert message in error_sentence(done)


def test_full_mnist_offline_gets_one_sentence(tmp_path):
    """./workshop data full-mnist with no way to the internet: a proxy on a closed port, so this holds
    on an online machine too, and a KERAS_HOME of its own, so no earlier download is found instead."""
    full = ROOT / "shared_data" / "mnist-full"
    before = full.exists()
    closed = "http://127.0.0.1:9"
    done = subprocess.run([str(ROOT / "workshop"), "data", "full-mnist"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "https_proxy": closed, "HTTPS_PROXY": closed,
                                            "KERAS_HOME": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    sentence = error_sentence(done)
    assert sentence.startswith("Error: Downloading full MNIST failed (") and sentence.endswith(
        "): it needs the internet once, so connect and run ./workshop data full-mnist again."), sentence
    assert "Traceback" not in done.stderr and full.exists() == before
