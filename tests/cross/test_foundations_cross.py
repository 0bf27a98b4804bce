"""numpy and base R on the same stored random inputs, and the two results files, topic by topic.

rpy2 runs only pure base-R code in-process (the topics' mechanics);
anything that touches reticulate runs in its own Rscript process (the session's quick_outputs), because
reticulate inside rpy2 crashes at interpreter exit.
"""

import importlib
import json

import numpy as np
import pytest

from conftest import ROOT as REPO  # conftest puts python/ on the path

TOPICS = [name for name in json.loads((REPO / "shared_data" / "spec.json").read_text())["lessons_by_hand"]
          if name.startswith("foundations_")]   # the lessons by hand of the foundations deck
PLOTS = {"foundations_convolution": "feature_maps.png", "foundations_pooling": "c3_table.png",
         "foundations_backpropagation": "gradient_check.png", "foundations_recurrence": "gradient_norms.png"}

EXACT = 1e-12   # for the single R functions below: compare.TOLERANCES says why by-hand float64 may differ


def agree(topic, name, a, b):
    """The judgement of ./workshop compare, value by value: exact, or within the tolerance it names."""
    import compare  # noqa: PLC0415  (tools/ is on the path through conftest)

    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    return a.shape == b.shape and all(compare.judge(topic, f"examples/{name}/{i}", float(x), float(y), 0.0)[0]
                                      != "DIFFERENT" for i, (x, y) in enumerate(zip(a, b)))


def r_to_numpy(value):
    """An R vector or matrix as numpy, keeping R's [i, j] indexing."""
    import rpy2.robjects as ro  # noqa: PLC0415

    arr = np.array(value, dtype=float)
    dims = ro.r["dim"](value)
    if dims is not ro.NULL:
        arr = arr.reshape(tuple(int(d) for d in dims), order="F")
    return arr


def r_topic(topic):
    """The topic's R functions, sourced into an environment of their own (their names overlap)."""
    import rpy2.robjects as ro  # noqa: PLC0415

    env = ro.r["new.env"]()
    ro.r["source"](str(REPO / "R" / f"{topic}.R"), local=env)
    return env


@pytest.fixture(scope="module")
def r_random_examples():
    import rpy2.robjects as ro  # noqa: PLC0415

    ro.r["setwd"](str(REPO / "tests"))   # a topic finds its helpers from its own place, not the working directory
    examples = {}
    for topic in TOPICS:
        env = r_topic(topic)
        res = ro.r("""function(env) with(env, c(
            if (exists("slide_examples", inherits = FALSE)) slide_examples(),
            if (exists("random_examples", inherits = FALSE)) random_examples(read_shared_inputs(LESSON))))""")(env)
        examples[topic] = {name: r_to_numpy(res.rx2(name)) for name in res.names}
    assert not ro.r('"reticulate" %in% loadedNamespaces()')[0], "the mechanics must not load reticulate"
    return examples


@pytest.fixture(scope="module")
def py_random_examples():
    examples = {}
    for topic in TOPICS:
        module = importlib.import_module(topic)
        ex = module.slide_examples() if hasattr(module, "slide_examples") else {}
        if hasattr(module, "random_examples"):
            ex |= module.random_examples(module.read_shared_inputs(topic))
        examples[topic] = ex
    return examples


@pytest.mark.parametrize("topic", TOPICS)
def test_same_examples_in_process(r_random_examples, py_random_examples, topic):
    r_examples, py_examples = r_random_examples[topic], py_random_examples[topic]
    assert py_examples and set(r_examples) == set(py_examples)
    for name, mine in py_examples.items():
        theirs = r_examples[name]
        mine = np.asarray(mine, dtype=float)
        assert theirs.shape == mine.shape or (mine.ndim == 0 and theirs.shape == (1,)), name
        assert agree(topic, name, mine, theirs.reshape(mine.shape)), name


def test_r_cells_called_directly_match_numpy():
    """Call single base-R functions with Python-side numbers, not just whole examples."""
    import rpy2.robjects as ro  # noqa: PLC0415

    import foundations_convolution  # noqa: PLC0415
    import foundations_recurrence  # noqa: PLC0415

    inputs = foundations_convolution.read_shared_inputs("foundations_convolution")

    def r_matrix(a):
        a = np.asarray(a, dtype=float)
        return ro.r["matrix"](ro.FloatVector(a.ravel(order="F")), nrow=a.shape[0], ncol=a.shape[1])

    conv = r_topic("foundations_convolution")
    c = inputs["conv"]
    got = r_to_numpy(conv["conv2d"](r_matrix(c["image2d"]), r_matrix(c["kernel2d"]),
                                    stride=ro.IntVector([2, 1]), padding=1))
    want = foundations_convolution.conv2d(c["image2d"], c["kernel2d"], stride=(2, 1), padding=1)
    assert got.shape == want.shape and np.allclose(got, want, rtol=0, atol=EXACT)

    rec = r_topic("foundations_recurrence")
    s = inputs["lstm"]
    p = rec["keras_lstm_to_slide"](r_matrix(s["kernel"]), r_matrix(s["recurrent_kernel"]),
                                   ro.FloatVector(s["bias"]))
    h0 = ro.FloatVector([0.1, -0.2, 0.3, 0.0])
    got = r_to_numpy(rec["lstm_forward"](r_matrix(s["x"]), p, h0, h0).rx2("c"))
    want = foundations_recurrence.lstm_forward(
        s["x"], foundations_recurrence.keras_lstm_to_slide(s["kernel"], s["recurrent_kernel"], s["bias"]),
        np.array(h0), np.array(h0))["c"]
    assert np.allclose(got, want, rtol=0, atol=EXACT)


@pytest.fixture(scope="module")
def lesson_outputs(quick_outputs):
    """Each topic as a program in each language, each in its own process, from outside the workshop
    (the session's runs, shared with the parity, report and slide tests)."""
    for topic in TOPICS:
        root = quick_outputs(topic)
    return root


@pytest.fixture(scope="module")
def results(lesson_outputs, quick_outputs):
    loaded = {topic: {lang: json.loads((lesson_outputs / lang / topic / "results.json").read_text())
                      for lang in ("python", "r")} for topic in TOPICS}
    printed = {topic: {lang: quick_outputs.printed[lang, topic] for lang in ("python", "r")} for topic in TOPICS}
    return loaded, printed


def test_every_example_belongs_to_exactly_one_topic(results):
    loaded, _ = results
    names = [name for topic in TOPICS for name in loaded[topic]["python"]["examples"]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("topic", TOPICS)
def test_results_files_have_the_agreed_shape(results, lesson_outputs, topic):
    loaded, _ = results
    for lang, res in loaded[topic].items():
        assert res["schema"] == "workshop-results/1"
        assert res["lesson"] == topic
        assert res["language"] == lang
        assert isinstance(res["versions"], dict) and res["versions"]
        assert (lesson_outputs / lang / topic / PLOTS[topic]).stat().st_size > 1000


# That the two results files agree, value by value, is tests/cross/test_parity.py's business: it runs
# every lesson of the spec through ./workshop compare's code, the foundations topics included.


def test_results_carry_the_slide_values(results):
    loaded, _ = results
    for lang in ("python", "r"):
        ex = {name: value for topic in TOPICS for name, value in loaded[topic][lang]["examples"].items()}
        assert ex["sobel_valid"][0] == [0, -1020, -1020, 0]
        assert ex["kernel2x2_output"] == [[9, 32], [14, 26]]
        assert ex["rgb_output"] == -25
        assert ex["stride_found"] == [[3, 2]]
        assert ex["pool_avg"] == [[5, 4.5], [6, 4.5]]
        assert [ex["lenet_c3_params"], ex["lenet_c5_params"], ex["lenet_f6_params"]] == [1516, 48120, 10164]
        assert ex["rnn_hidden"] == [2, 6, 12, 20, 30]


def test_full_precision_in_json(results, r_random_examples, py_random_examples):
    # Each file must read back bit for bit what its own language computed:
    # 15 significant digits (jsonlite's limit) would fail this.
    loaded, _ = results
    for topic, name in (("foundations_recurrence", "lstm_a"), ("foundations_recurrence", "gru_h_reset_after"),
                        ("foundations_backpropagation", "tiny_cnn_dW"),
                        ("foundations_convolution", "random_multichannel")):
        assert np.array_equal(np.asarray(loaded[topic]["r"]["examples"][name]), r_random_examples[topic][name]), name
        assert np.array_equal(np.asarray(loaded[topic]["python"]["examples"][name]),
                              py_random_examples[topic][name]), name


def test_printed_walkthrough_mentions_the_corrections(results):
    _, printed = results
    for lang in ("python", "r"):
        out = "".join(printed[topic][lang] for topic in TOPICS)
        assert "stride 3 down and 2 across" in out
        assert "12, not 10" in out
        assert "1541" in out and "2,416" in out
