"""Training on more than one device or machine (Python): the machinery of the lesson more_hardware,
which writes its strategy and its training loop out on its page. Here: the cluster TF_CONFIG names,
the multiworker strategy with a bounded wait, and the one step of the loop that R takes from Python.
R/distribute.R is its mirror, in the same order.

A module of its own because only --distribute mirrored and multiworker need it, and the plumbing
every run needs (helpers.py) stays short enough to read. It imports helpers, never the other way
round at the top: helpers is imported first by every lesson (it sets TensorFlow's environment),
and its lesson_config imports this module only when it runs, to refuse a bad --distribute while
the options are read.
"""
import json
import os
import re

from helpers import WorkshopError, whole_number


# ---- 3b. Distribution: one device, every device of this machine, or every machine ----------
# --distribute: "none" trains on one device; "mirrored" keeps a copy of the model on every device
# of this machine; "multiworker" one on every machine TF_CONFIG names (docs/more_hardware.md). Only the
# lesson more_hardware takes the option (helpers.DISTRIBUTE_LESSONS): the others train with fit.
DISTRIBUTIONS = ("none", "mirrored", "multiworker")

# One strategy of each kind per process, kept here: TensorFlow splits the CPU into devices, and
# joins a cluster, only once, so every later call returns the first one made.
STRATEGIES = {}


def multiworker_cluster(lesson):
    """The workers TF_CONFIG names, this one's index, and how long to wait for the others.

    Only "worker" jobs: every machine runs the same command, and worker 0 leads. Each problem
    is one sentence, before anything is trained, so nothing is overwritten.
    """
    example = 'for example {"cluster": {"worker": ["hostA:12345", "hostB:12345"]}, "task": {"type": "worker", "index": 0}}'
    text = os.environ.get("TF_CONFIG", "")
    if not text.strip():
        raise WorkshopError(f"--distribute multiworker reads the cluster from the environment variable TF_CONFIG, "
                            f"which is not set: set it on every machine, {example}.")
    try:
        tf_config = json.loads(text)
    except ValueError:
        raise WorkshopError(f"TF_CONFIG is not valid JSON: write it {example}.") from None
    cluster = tf_config.get("cluster") if isinstance(tf_config, dict) else None
    workers = cluster.get("worker") if isinstance(cluster, dict) and list(cluster) == ["worker"] else None
    if not (isinstance(workers, list) and workers
            and all(isinstance(w, str) and re.fullmatch(r"\S+:[0-9]+", w) for w in workers)):
        raise WorkshopError(f'TF_CONFIG must name the workers, and only them, as "cluster": {{"worker": ["host:port", ...]}}: '
                            f"write it {example}.")
    task = tf_config.get("task")
    index = task.get("index") if isinstance(task, dict) and task.get("type") == "worker" else None
    if isinstance(index, str) or whole_number(index, 0, len(workers) - 1) is None:
        raise WorkshopError(f'TF_CONFIG must say which worker this machine is, as "task": {{"type": "worker", "index": i}} '
                            f"with i from 0 to {len(workers) - 1}: write it {example}.")
    timeout = whole_number(os.environ.get("WORKSHOP_WORKER_TIMEOUT", "300"), 1)
    if timeout is None:
        raise WorkshopError("WORKSHOP_WORKER_TIMEOUT must be a whole number of seconds above 0, "
                            "the longest wait for the other workers.")
    return {"workers": workers, "index": whole_number(index, 0), "timeout": timeout}


def distribution_strategy(config):
    """The default strategy, one device: what the lessons not yet written top to bottom still enter
    (with ... .scope()) before they build a model. They take no --distribute any more; once none
    calls this, it can go."""
    import tensorflow as tf
    return tf.distribute.get_strategy()


def join_workers(config):
    """MultiWorkerMirroredStrategy across the machines TF_CONFIG names: one copy of the model on each
    (more_hardware calls it as workshop.join_workers(settings)).

    TensorFlow waits for every worker forever by default, its first worker included; the bound
    on that wait (and on each all-reduce) is set through TensorFlow's own context, the only place
    it can be (tensorflow.python is not public API, so a TensorFlow upgrade must re-test this).
    """
    import tensorflow as tf
    from tensorflow.python.eager import context
    from tensorflow.compiler.xla.tsl.protobuf import coordination_config_pb2
    if "multiworker" not in STRATEGIES:
        cluster = multiworker_cluster(config["lesson"])
        workers, timeout = cluster["workers"], cluster["timeout"]
        context.context().configure_coordination_service(
            "standalone", service_leader="/job:worker/replica:0/task:0",
            cluster_register_timeout_in_ms=1000 * timeout,
            coordinated_jobs=[coordination_config_pb2.CoordinatedJob(name="worker", num_tasks=len(workers))])
        context.context().coordination_service.cluster_register_with_barrier = True   # worker 0 waits, bounded, too
        try:
            STRATEGIES["multiworker"] = tf.distribute.MultiWorkerMirroredStrategy(
                communication_options=tf.distribute.experimental.CommunicationOptions(timeout_seconds=timeout))
        except Exception:
            raise WorkshopError(f"Not every worker TF_CONFIG names ({', '.join(workers)}) answered within {timeout} s: "
                                f"start the same command on each, or wait longer with WORKSHOP_WORKER_TIMEOUT.") from None
        print(f"MultiWorkerMirroredStrategy: one copy of the model on each of {len(workers)} workers; "
              f"this is worker {cluster['index']}: {workers[cluster['index']]}")
    return STRATEGIES["multiworker"]


def replica_step(model, training):
    """more_hardware's step on one copy of the model, for its R twin: the same code as the Python lesson
    writes out on its page (tests/cross/test_multiworker.py holds the two equal).

    One copy's step on its share of a global batch of n rows: the sums of its rows' accuracy and loss
    and, when training, the gradient of its rows' loss divided by n; apply_gradients adds the copies'
    gradients (an all-reduce) before the update. TensorFlow runs it in a thread per copy, and R code may
    run only on R's main thread (reticulate aborts the process otherwise), so R takes it from here.
    """
    import keras
    import tensorflow as tf

    def step(x, y, n):
        with tf.GradientTape() as tape:
            predicted = model(x, training=training)
            per_row = keras.losses.sparse_categorical_crossentropy(y, predicted)
            loss = tf.nn.compute_average_loss(per_row, global_batch_size=n)
        if training:
            variables = model.trainable_variables
            model.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        right = keras.metrics.sparse_categorical_accuracy(y, predicted)
        return {"accuracy": tf.reduce_sum(right), "loss": tf.reduce_sum(per_row)}
    return step
