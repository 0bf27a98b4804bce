"""Training on more than one device or machine (Python): which --distribute a lesson may take, the
cluster TF_CONFIG names, and the tf.distribute strategy the model is built in.
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
# of this machine; "multiworker" one on every machine TF_CONFIG names (see the README's "More hardware").
DISTRIBUTIONS = ("none", "mirrored", "multiworker")

# The lessons that train only through steps.train, the loop that runs across machines: the others
# also call fit or train_on_batch themselves, which fail there in Keras 3 (keras-team/keras#20585),
# or, as lenet5 in R, run R code inside the model, which the copies' threads cannot.
MULTIWORKER_LESSONS = ("cnn_mnist", "rnn_forecaster", "rnn_types")

# Lessons that refuse every --distribute but none, in both languages alike, with the reason.
ONE_DEVICE_LESSONS = {
    "lenet5": "its C3 wiring and its scaling are Lambda layers, which in R run R code, and TensorFlow's "
              "per-device threads cannot call R (the R process aborts)",
}

# One strategy of each kind per process, kept here: TensorFlow splits the CPU into devices, and
# joins a cluster, only once, so every later call returns the first one made.
STRATEGIES = {}


def multiworker_cluster(lesson):
    """The workers TF_CONFIG names, this one's index, and how long to wait for the others.

    Only "worker" jobs: every machine runs the same command, and worker 0 leads. Each problem
    is one sentence, before anything is trained, so nothing is overwritten.
    """
    if lesson not in MULTIWORKER_LESSONS:
        raise WorkshopError(f"{lesson} also trains with Keras' own fit, which fails across machines in Keras 3 "
                            f"(keras-team/keras#20585): use --distribute mirrored or none.")
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
    """Where the model lives: one device, or, with --distribute mirrored, a copy on every device
    (multiworker: on every machine, join_workers). Either way steps.train then trains with its own loop.

    MirroredStrategy gives each device a slice of every batch and adds up their gradients
    before each update. On a machine with GPUs it takes all of them. With none, it splits
    the CPU into config["logical_cpus"] logical devices, so the same code path runs, and is
    tested, on a laptop. Call it after seed_everything and before any model is built: the
    split must happen before TensorFlow starts its devices, so it is made once per process.
    """
    import tensorflow as tf
    if config["distribute"] == "none":
        return tf.distribute.get_strategy()   # the default strategy: what Keras uses anyway
    if config["distribute"] == "multiworker":
        return join_workers(config)
    if "mirrored" not in STRATEGIES:
        if not tf.config.list_physical_devices("GPU"):
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * config["logical_cpus"])
        STRATEGIES["mirrored"] = tf.distribute.MirroredStrategy()
        devices = STRATEGIES["mirrored"].extended.worker_devices
        print(f"MirroredStrategy: one copy of the model on each of {len(devices)} devices: {', '.join(devices)}")
    return STRATEGIES["mirrored"]


def join_workers(config):
    """MultiWorkerMirroredStrategy across the machines TF_CONFIG names: one copy of the model on each.

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
