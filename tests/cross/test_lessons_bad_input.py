"""Bad input for the lessons the other bad-input files leave out, in both languages: one plain
sentence, exit code 2, the same sentence from Python and R, and an earlier results.json left as
it was. The cases share one process per language (conftest.refuse_all), with every other bad-input module's cases (conftest.start_refusals).

What no option reaches (the spec, the Fashion-MNIST folder it names, the foundations' shared
inputs) is changed in a copy of the workshop (conftest.workshop_copy); the machine's own
/usr/share/datasets is never touched. One run per language goes the good way instead, for the
options no refusal proves: a seed given and the default --out.
"""
import gzip
import hashlib
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from conftest import ROOT, assert_refused, broken_data, reseal, workshop_copy

IDX = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
       "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def write_idx(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def small_fashion(n_images, n_labels, seal):
    """A Fashion-MNIST folder of a few images in the copy (the spec of the fashion tree reads it
    from data_dir/fashion); with seal, the copy's manifest vouches for it, so the content check fires."""
    def breaking(data_dir):
        for name, shape in zip(IDX, [(n_images, 28, 28), (n_labels,), (5, 28, 28), (5,)]):
            write_idx(data_dir / "fashion" / name, np.arange(np.prod(shape)).reshape(shape) % 10)
            if seal:
                reseal(data_dir, f"fashion/{name}")
    return breaking


def full_mnist_present(corrupt):
    """mnist-full downloaded (the shipped digits stand in for it, with their MANIFEST.local.sha256), then changed."""
    def breaking(data_dir):
        lines = []
        for name in IDX:
            target = data_dir / "mnist-full" / name
            target.parent.mkdir(exist_ok=True)
            target.write_bytes((data_dir / "mnist" / name).read_bytes())
            lines.append(f"{hashlib.sha256(target.read_bytes()).hexdigest()}  mnist-full/{name}\n")
        (data_dir / "MANIFEST.local.sha256").write_text("".join(lines))
        corrupt(data_dir / "mnist-full")
    return breaking


def flip_a_byte(path):
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def delete(key):
    return lambda data_dir: (data_dir / key).unlink()


def set_spec(lesson, profile, key, value):
    def edit(spec):
        settings = spec["lessons"][lesson]["profiles"][profile]
        *parents, last = key.split(".")
        for part in parents:
            settings = settings[part]
        if value is None:
            del settings[last]
        else:
            settings[last] = value
    return edit


def fashion_here(spec):
    spec["datasets"]["fashion"]["dir"] = "fashion"   # relative: read from each case's --data-dir


def fashion_missing(spec):
    spec["datasets"]["fashion"]["dir"] = "/nonexistent/fashion-mnist"


def bad_inputs_json(seal):
    def breaking(data_dir):
        (data_dir / "foundations_inputs.json").write_text('{"schema": "foundations-inputs/1", "conv": [1, 2,\n')
        if seal:
            reseal(data_dir, "foundations_inputs.json")
    return breaking


MNIST_IMAGES = "mnist/train-images-idx3-ubyte.gz"
TRAIN_LABELS = "mnist/train-labels-idx1-ubyte.gz"
BY_HAND = "trains nothing, so it takes only --out: leave out --"
ONLY_MORE_HARDWARE = "only the lesson more_hardware trains on several devices; "

# name: (lesson, args, the words of the sentence, how a copy of shared_data is broken or None,
#        how the spec of a workshop copy is changed or None, how that copy's shared_data is broken or None)
CASES = {
    # the lessons done by hand take only --out
    "foundations_convolution with a seed": (
        "foundations_convolution", ["--seed", "-5"], f"foundations_convolution {BY_HAND}seed.", None, None, None),
    "foundations_pooling with a profile": (
        "foundations_pooling", ["--profile", "x"], f"foundations_pooling {BY_HAND}profile.", None, None, None),
    "foundations_backpropagation with a dataset": (
        "foundations_backpropagation", ["--dataset", "mnist"], f"foundations_backpropagation {BY_HAND}dataset.",
        None, None, None),
    "foundations_recurrence with --distribute": (
        "foundations_recurrence", ["--distribute", "mirrored"], f"Unknown option '--distribute': {ONLY_MORE_HARDWARE}",
        None, None, None),
    "cnn_classics with a profile": ("cnn_classics", ["--profile", "quick"], f"cnn_classics {BY_HAND}profile.",
                                    None, None, None),
    "cnn_classics with a data folder": ("cnn_classics", ["--data-dir", "/tmp"], f"cnn_classics {BY_HAND}data-dir.",
                                        None, None, None),
    # the foundations' shared inputs are checked like every data file
    "foundations inputs changed": (
        "foundations_pooling", [], "foundations_inputs.json does not match its checksum in the manifest",
        None, None, bad_inputs_json(seal=False)),
    "foundations inputs not JSON": (
        "foundations_convolution", [], "foundations_inputs.json is not valid JSON: restore it with "
                                       "git checkout -- shared_data", None, None, bad_inputs_json(seal=True)),
    # a value forgotten
    "a profile without its value": ("cnn_mnist", ["--profile", "--out", "{out}"],
                                    "The option '--profile' needs a value.", None, None, None),
    # lenet5
    "lenet5 unknown profile": ("lenet5", ["--profile", "huge"],
                               "Unknown profile 'huge': choose one of quick, full, fashion-full.", None, None, None),
    "lenet5 one label fewer than images": (
        "lenet5", [], "train-labels-idx1-ubyte.gz holds 3999 labels",
        lambda data: (write_idx(data / TRAIN_LABELS, np.zeros(3999)), reseal(data, TRAIN_LABELS)), None, None),
    "lenet5 fashion-full, Fashion-MNIST not installed": (
        "lenet5", ["--profile", "fashion-full"], "The dataset 'fashion' is not installed at /nonexistent/fashion-mnist: "
                                                 "sudo apt-get install dataset-fashion-mnist.", None, fashion_missing, None),
    "lenet5 fashion-full, a corrupt Fashion-MNIST file": (
        "lenet5", ["--profile", "fashion-full"], "fashion/train-images-idx3-ubyte.gz does not match its checksum",
        small_fashion(10, 10, seal=False), fashion_here, None),
    "lenet5 on a corrupt mnist-full": (
        "lenet5", ["--dataset", "mnist-full"], "mnist-full/train-images-idx3-ubyte.gz does not match its checksum",
        full_mnist_present(lambda folder: flip_a_byte(folder / IDX[0])), None, None),
    # rnn_types
    "rnn_types unknown dataset": ("rnn_types", ["--dataset", "cifar"], "Unknown dataset 'cifar' for rnn_types",
                                  None, None, None),
    "rnn_types a label outside 0..9": (
        "rnn_types", [], "train-labels-idx1-ubyte.gz holds the label 12, but labels must be 0 to 9",
        lambda data: (write_idx(data / TRAIN_LABELS, np.full(4000, 12)), reseal(data, TRAIN_LABELS)), None, None),
    # Fashion-MNIST files that pass their checksums but do not belong together
    "cnn_mnist mismatched Fashion-MNIST files": (
        "cnn_mnist", ["--dataset", "fashion"], "fashion/train-images-idx3-ubyte.gz holds 10 images but",
        small_fashion(10, 9, seal=True), fashion_here, None),
    "cnn_mnist an incomplete mnist-full": (
        "cnn_mnist", ["--dataset", "mnist-full"], "mnist-full/t10k-labels-idx1-ubyte.gz is missing",
        full_mnist_present(lambda folder: (folder / IDX[3]).unlink()), None, None),
    # lstm_vs_gru's adding problem
    "adding problem too short": ("lstm_vs_gru", [], "shared_data/spec.json sets adding.length to 1 for the quick "
                                                    "profile of lstm_vs_gru: use a whole number above 1.",
                                 None, set_spec("lstm_vs_gru", "quick", "adding.length", 1), None),
    "adding problem without units": ("lstm_vs_gru", [], "shared_data/spec.json sets adding.units to null for the "
                                                        "quick profile of lstm_vs_gru: use a whole number above 0.",
                                     None, set_spec("lstm_vs_gru", "quick", "adding.units", None), None),
    "adding problem learning rate 0": ("lstm_vs_gru", [], "sets adding.learning_rate to 0 for the quick profile of "
                                                          "lstm_vs_gru: use a number above 0.",
                                       None, set_spec("lstm_vs_gru", "quick", "adding.learning_rate", 0), None),
}

# --distribute is taken by the lesson more_hardware only: a beginner's lesson refuses it in one sentence,
# in both languages alike, and in more_hardware a refusal of the data still comes first.
for lesson in ("cnn_mnist", "lenet5", "sunspots"):
    CASES[f"{lesson} with --distribute"] = (lesson, ["--distribute", "mirrored"], f"Unknown option '--distribute': "
                                            f"{ONLY_MORE_HARDWARE}use --profile, --dataset, --seed, --out, --data-dir.",
                                            None, None, None)
CASES["more_hardware, an unknown distribution"] = (
    "more_hardware", ["--distribute", "tpu"], "Unknown distribution 'tpu': choose one of none, mirrored, multiworker.",
    None, None, None)
CASES["more_hardware mirrored, a data file missing"] = (
    "more_hardware", ["--distribute", "mirrored"], f"{MNIST_IMAGES} is missing: run ./workshop setup",
    delete(MNIST_IMAGES), None, None)
for lesson, key in [("cnn_mnist", MNIST_IMAGES), ("cnn_architectures", MNIST_IMAGES),
                    ("rnn_types", MNIST_IMAGES), ("rnn_forecaster", "series/eustockmarkets.csv"),
                    ("lstm_vs_gru", "series/eustockmarkets.csv"), ("sunspots", "series/sunspots.csv")]:
    CASES[f"{lesson}, a data file missing"] = (
        lesson, [], f"{key} is missing: run ./workshop setup", delete(key), None, None)


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    cases, trees = {}, {}
    for name, (lesson, args, _, breaking, edit_spec, tree_breaking) in CASES.items():
        data_dir = breaking and broken_data(root, name, breaking)
        tree = ()
        if edit_spec or tree_breaking:
            key = (edit_spec, tree_breaking)
            trees.setdefault(key, workshop_copy(root, name, edit_spec, tree_breaking))
            tree = (trees[key],)
        cases[name] = (lesson, data_dir, args, *tree)
    return {}, cases


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_the_same_sentence_in_both_languages(case, refused):
    sentences = {}
    _, answers = refused
    for language in ("python", "r"):
        done = answers[case, language]
        assert_refused(done, CASES[case][2], done.out)
        sentences[language] = done.stderr.strip().splitlines()[-1].replace(str(done.out), "{out}")
    assert sentences["python"] == sentences["r"]


def test_the_manifest_vouches_for_the_foundations_inputs():
    lines = (ROOT / "shared_data" / "MANIFEST.sha256").read_text().splitlines()
    digest = hashlib.sha256((ROOT / "shared_data" / "foundations_inputs.json").read_bytes()).hexdigest()
    assert f"{digest}  foundations_inputs.json" in lines


def test_a_seed_is_recorded_and_the_default_out_is_used(tmp_path):
    """The good path of two options, in one run per language: --seed 7 trains with seed 7 and records
    it; without --out the results land in outputs/<language>/<lesson>/ of the workshop (a copy here,
    so the real outputs/ stays as it is). Python and R still agree to the bit. The lesson is the
    lightest that trains, rnn_forecaster, on its default profile, the quick one.
    (--distribute mirrored, good and bad: tests/cross/test_multiworker.py, on more_hardware.)"""
    tree = workshop_copy(tmp_path, "seed")
    commands = {"python": [sys.executable, str(tree / "python" / "rnn_forecaster.py")],
                "r": ["Rscript", str(tree / "R" / "rnn_forecaster.R")]}
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(commands, pool.map(lambda cmd: subprocess.run(
            [*cmd, "--seed", "7"], cwd=tmp_path, capture_output=True, text=True,
            timeout=600), commands.values())))
    results = {}
    for language, done in runs.items():
        assert done.returncode == 0, f"{language}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        results[language] = json.loads((tree / "outputs" / language / "rnn_forecaster" / "results.json").read_text())
        config = results[language]["config"]
        assert (config["seed"], config["distribute"], config["profile"]) == (7, "none", "quick")
        assert config["out"] == str(tree / "outputs" / language / "rnn_forecaster")
    assert results["python"]["weights_sha256"] == results["r"]["weights_sha256"]
    assert results["python"]["test"] == results["r"]["test"]
