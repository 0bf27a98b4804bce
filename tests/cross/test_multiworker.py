"""The lesson more_hardware, --distribute mirrored and multiworker: one process per worker, each told
the cluster in TF_CONFIG, train one model; and the same loop on 2 logical CPUs in one process
(mirrored, the lesson's default), in both languages.

Tested here on localhost (127.0.0.1, ports picked free now): a Python and an R worker train one
model together, and give the bits of --distribute mirrored on 2 logical CPUs in one process, which
runs the same loop (written out on the lesson's page). That Python and R give the same bits when
mirrored, the lesson's default, is the parity test of its quick run (tests/cross/test_parity.py).
The processes run in two waves of three. Not tested here: two real machines.
"""
import ast
import json
import os
import socket
import subprocess
import sys
import tempfile

import pytest

import compare

from conftest import EARLIER, ROOT, error_sentence, read_results, workshop_copy

LESSON = "more_hardware"
# The quick profile, smaller: three processes train at once on two cores, beside the lessons' quick
# runs. (A profile of its own in spec.json would change the lesson's list of profiles, which --help
# and the docs quote.)
SMALL = {"epochs": 1, "n_train": 256, "n_val": 64, "n_test": 100}
TIMEOUT = 240   # every wait is bounded: a worker that hangs fails the test instead of the suite

R_CASES = r"""
source(file.path(commandArgs(trailingOnly = TRUE)[[1L]], "R", "workshop.R"))
cases <- jsonlite::read_json(commandArgs(trailingOnly = TRUE)[[2L]])
answers <- lapply(cases, function(case) {
  do.call(Sys.setenv, case$env)
  tryCatch({ lesson_config(case$lesson, distribute = "multiworker"); "accepted" },
           workshop_error = function(e) conditionMessage(e))
})
cat(jsonlite::toJSON(answers, auto_unbox = TRUE))
"""


def free_ports(n):
    """n ports on the loopback interface that nothing listens on now."""
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def tf_config(ports, index):
    return json.dumps({"cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
                       "task": {"type": "worker", "index": index}})


def start(language, tree, out, *args, env=None):
    script = [sys.executable, str(tree / "python" / f"{LESSON}.py")] if language == "python" else \
        ["Rscript", str(tree / "R" / f"{LESSON}.R")]
    out.mkdir(parents=True)
    (out / "results.json").write_text(EARLIER)   # what a refused run must leave as it was
    return subprocess.Popen([*script, "--profile", "quick", "--out", str(out), *args],
                            cwd=tempfile.gettempdir(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})


JOBS = {}   # (name, index) -> the process, so that stop_all can end any that a timeout left behind


def waves(root, tree):
    """The processes, in waves of three that run together: a cluster's workers must run at once, but
    more TensorFlow processes than that on two cores only spin their thread pools (and the lessons'
    quick runs are training beside them)."""
    def cluster(name, languages):
        ports = free_ports(2)
        return {(name, index): (lambda index=index, language=language: start(
                    language, tree, root / name / str(index), "--distribute", "multiworker",
                    env={"TF_CONFIG": tf_config(ports, index)})) for index, language in enumerate(languages)}

    def alone(index, language):   # a cluster of two with the other worker missing
        return {("alone", index): lambda: start(language, tree, root / "alone" / str(index), "--distribute", "multiworker",
                                                env={"TF_CONFIG": tf_config(free_ports(2), index),
                                                     "WORKSHOP_WORKER_TIMEOUT": "3"})}
    # --distribute mirrored on the small profile (the real quick profile, mirrored by default, is the
    # session's quick run of the lesson, conftest.quick_outputs); and the loop on one device.
    mirrored = {("mirrored", 0): lambda: start("python", tree, root / "mirrored", "--distribute", "mirrored")}
    one_device = {("none", 0): lambda: start("python", tree, root / "none", "--distribute", "none")}
    # a Python and an R worker; worker 0 (which leads) alone in Python, worker 1 alone in R
    return [lambda: {**cluster("python+r", ("python", "r")), **alone(0, "python")},
            lambda: {**mirrored, **one_device, **alone(1, "r")}]


def stop_all():
    for key, job in JOBS.items():
        if key != "root" and job.poll() is None:
            job.kill()
            job.wait()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("multiworker")
    tree = workshop_copy(root, "small", edit_spec=lambda spec: spec["lessons"][LESSON]["profiles"]["quick"].update(SMALL))
    done = {}
    try:
        for wave in waves(root, tree):
            started = {key: begin() for key, begin in wave().items()}
            JOBS.update(started)
            for key, job in started.items():
                stdout, stderr = job.communicate(timeout=TIMEOUT)
                done[key] = subprocess.CompletedProcess(job.args, job.returncode, stdout, stderr)
    finally:
        stop_all()   # only if a wait above timed out
    for key in [("python+r", 0), ("python+r", 1), ("mirrored", 0), ("none", 0)]:
        ran = done[key]
        assert ran.returncode == 0, f"{key}:\n{ran.stdout[-2000:]}\n{ran.stderr[-2000:]}"
    return root, done


def results(root, cluster, index=None):
    return read_results(root / cluster / ("" if index is None else str(index)))


def test_a_python_and_an_r_worker_train_one_model(runs):
    root, done = runs
    for index, language in enumerate(("python", "r")):
        assert ("MultiWorkerMirroredStrategy: one copy of the model on each of 2 workers; "
                f"this is worker {index}: 127.0.0.1:") in done["python+r", index].stdout, language
    py, r = results(root, "python+r", 0), results(root, "python+r", 1)
    assert r["language"] == "r" and py["language"] == "python"
    assert py["config"]["distribute"] == "multiworker" and py["replicas"] == 2
    assert not compare.compare_trees(LESSON, py, r, 0.0)[1]


def test_workers_give_the_bits_of_mirrored_on_two_logical_cpus(runs):
    root, done = runs
    assert "MirroredStrategy: one copy of the model on each of 2 devices" in done["mirrored", 0].stdout
    mirrored, workers = results(root, "mirrored"), results(root, "python+r", 1)
    differences = compare.compare_trees(LESSON, mirrored, workers, 0.0)[1]
    assert differences == [("config/distribute", "mirrored", "multiworker")], differences[:10]
    assert list(workers["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]   # fit's keys


def test_the_loop_reports_fits_keys_as_means_over_every_row(runs):
    """Each epoch's accuracy is right answers over every row, the short last batch included: a whole
    number of rows, on one device as on two copies (fit's keys, in fit's order)."""
    root, done = runs
    for name in ("none", "mirrored"):
        run = results(root, name)
        assert list(run["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
        for key, rows in (("accuracy", SMALL["n_train"]), ("val_accuracy", SMALL["n_val"])):
            for value in run["history"][key]:
                assert abs(value * rows - round(value * rows)) < 1e-9, (name, key, value)
    assert run["replicas"] == 2 and results(root, "none")["replicas"] == 1
    assert "copies of the model: 1" in done["none", 0].stdout


# A copy of the model per device: each adds the gradients of its half of the batch and the halves
# are then added, in another order than one device adds them, and the loop reads the rows in
# tf.data's shuffled order, not fit's: the two trainings drift apart a little (docs/more_hardware.md).
# Measured on the quick profile's 500 test images: lesson 1 (fit) 78.4%, more_hardware mirrored 80.4%.
ACCURACY_TOLERANCE = 0.03


def test_mirrored_accuracy_stays_close_to_lesson_1_on_one_device(quick_outputs):
    single = read_results(quick_outputs("cnn_mnist") / "python" / "cnn_mnist")
    mirrored = read_results(quick_outputs(LESSON) / "python" / LESSON)
    assert single["config"]["distribute"] == "none" and mirrored["config"]["distribute"] == "mirrored"
    assert mirrored["replicas"] == 2
    assert single["weights_sha256"] != mirrored["weights_sha256"]   # it really is another sum order
    assert abs(single["test"]["accuracy"] - mirrored["test"]["accuracy"]) <= ACCURACY_TOLERANCE


def test_the_step_r_takes_from_python_is_the_one_the_python_lesson_writes_out():
    """R cannot write replica_step (TensorFlow runs it in its own threads): it takes python/distribute.py's,
    which must be the very code python/more_hardware.py shows on its page."""
    def step(path):
        found = [node for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, ast.FunctionDef) and node.name == "replica_step"]
        assert len(found) == 1, path
        inner = next(node for node in found[0].body if isinstance(node, ast.FunctionDef) and node.name == "step")
        return ast.dump(inner), [arg.arg for arg in found[0].args.args]
    assert step(ROOT / "python" / "more_hardware.py") == step(ROOT / "python" / "distribute.py")
    assert "workshop_replica_step(model, training)" in (ROOT / "R" / "more_hardware.R").read_text()


@pytest.mark.parametrize("index", [0, 1])
def test_a_worker_that_never_comes_ends_in_one_sentence(runs, index):
    root, done = runs
    ran = done["alone", index]
    assert ran.returncode == 2, f"exit {ran.returncode}\n{ran.stdout[-2000:]}\n{ran.stderr[-2000:]}"
    assert error_sentence(ran).startswith("Error: Not every worker TF_CONFIG names (127.0.0.1:")
    assert error_sentence(ran).endswith("answered within 3 s: start the same command on each, "
                                        "or wait longer with WORKSHOP_WORKER_TIMEOUT.")
    assert "Traceback" not in ran.stderr and "Epoch" not in ran.stdout
    out = root / "alone" / str(index)
    assert (out / "results.json").read_text() == EARLIER and sorted(p.name for p in out.iterdir()) == ["results.json"]


EXAMPLE = 'for example {"cluster": {"worker": ["hostA:12345", "hostB:12345"]}, "task": {"type": "worker", "index": 0}}'
BAD = {   # name -> (lesson, environment, the sentence)
    "no TF_CONFIG": (LESSON, {"TF_CONFIG": ""},
                     "--distribute multiworker reads the cluster from the environment variable TF_CONFIG, "
                     f"which is not set: set it on every machine, {EXAMPLE}."),
    "malformed JSON": (LESSON, {"TF_CONFIG": '{"cluster": {"worker": ["127.0.0.1:2222"]'},
                       f"TF_CONFIG is not valid JSON: write it {EXAMPLE}."),
    "no workers": (LESSON, {"TF_CONFIG": '{"cluster": {"chief": ["a:1"], "worker": ["b:1"]}, "task": {"type": "worker", "index": 0}}'},
                   'TF_CONFIG must name the workers, and only them, as "cluster": {"worker": ["host:port", ...]}: '
                   f"write it {EXAMPLE}."),
    "missing task": (LESSON, {"TF_CONFIG": '{"cluster": {"worker": ["127.0.0.1:2222", "127.0.0.1:2223"]}}'},
                     'TF_CONFIG must say which worker this machine is, as "task": {"type": "worker", "index": i} '
                     f"with i from 0 to 1: write it {EXAMPLE}."),
    "index too big": (LESSON, {"TF_CONFIG": '{"cluster": {"worker": ["h:1", "h:2"]}, "task": {"type": "worker", "index": 2}}'},
                      'TF_CONFIG must say which worker this machine is, as "task": {"type": "worker", "index": i} '
                      f"with i from 0 to 1: write it {EXAMPLE}."),
    "bad timeout": (LESSON, {"TF_CONFIG": tf_config([2222], 0), "WORKSHOP_WORKER_TIMEOUT": "soon"},
                    "WORKSHOP_WORKER_TIMEOUT must be a whole number of seconds above 0, the longest wait for the other workers."),
    "a lesson that trains with fit": ("sunspots", {"TF_CONFIG": tf_config([2222], 0)},
                                      "sunspots trains on one device and takes no --distribute: "
                                      "training on several devices is the lesson more_hardware."),
    "lesson 1": ("cnn_mnist", {"TF_CONFIG": tf_config([2222], 0)},
                 "cnn_mnist trains on one device and takes no --distribute: "
                 "training on several devices is the lesson more_hardware."),
    "good": (LESSON, {"TF_CONFIG": tf_config([2222, 2223], 1), "WORKSHOP_WORKER_TIMEOUT": "300"}, "accepted"),
}


def test_bad_tf_config_is_refused_in_one_sentence_alike_in_both_languages(monkeypatch, tmp_path):
    """Refused while the options are read, before any data or TensorFlow: the lesson's run_lesson makes
    each a one-sentence exit 2, as the workers that never come above show end to end."""
    import helpers
    python = {}
    for name, (lesson, env, _) in BAD.items():
        for key, value in {"WORKSHOP_WORKER_TIMEOUT": "300", **env}.items():
            monkeypatch.setenv(key, value)
        try:
            helpers.lesson_config(lesson, distribute="multiworker")
            python[name] = "accepted"
        except helpers.WorkshopError as e:
            python[name] = str(e)
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"lesson": lesson, "env": {"WORKSHOP_WORKER_TIMEOUT": "300", **env}}
                                 for lesson, env, _ in BAD.values()]))
    ran = subprocess.run(["Rscript", "-e", R_CASES, str(ROOT), str(cases)], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-2000:]
    r = dict(zip(BAD, json.loads(ran.stdout)))
    for name, (_, _, sentence) in BAD.items():
        assert python[name] == r[name] == sentence, name
