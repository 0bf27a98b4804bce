# Training on more than one device or machine (R): which --distribute a lesson may take, the
# cluster TF_CONFIG names, and the tf.distribute strategy the model is built in.
# python/distribute.py is its mirror, in the same order.
#
# A module of its own because only --distribute mirrored and multiworker need it, and the
# plumbing every run needs (helpers.R) stays short enough to read. R/workshop.R loads it into a
# namespace of its own, above helpers.R (it uses workshop_error and whole_number) and below
# steps.R, whose train() asks it for the strategy. helpers.R's lesson_config, which cannot see
# the modules above it, reaches into this one to refuse a bad --distribute while the options
# are read.


# ---- 3b. Distribution: one device, every device of this machine, or every machine ----------
# --distribute: "none" trains on one device; "mirrored" keeps a copy of the model on every device
# of this machine; "multiworker" one on every machine TF_CONFIG names (see the README's "More hardware").
DISTRIBUTIONS <- c("none", "mirrored", "multiworker")

# The lessons that train only through train() in steps.R, the loop that runs across machines: the
# others also call fit or train_on_batch themselves, which fail there in Keras 3 (keras-team/keras#20585),
# or, as lenet5, run R code inside the model, which the copies' threads cannot (R runs on its main thread only).
MULTIWORKER_LESSONS <- c("cnn_mnist", "rnn_forecaster", "rnn_types")

# Lessons that refuse every --distribute but none, in both languages alike, with the reason.
ONE_DEVICE_LESSONS <- c(
  lenet5 = paste("its C3 wiring and its scaling are Lambda layers, which in R run R code, and TensorFlow's",
                 "per-device threads cannot call R (the R process aborts)")
)

# One strategy of each kind per process, kept here: TensorFlow splits the CPU into devices, and
# joins a cluster, only once, so every later call returns the first one made.
STRATEGIES <- new.env()

# The workers TF_CONFIG names, this one's index, and how long to wait for the others (only "worker"
# jobs: every machine runs the same command, worker 0 leads), or one sentence, before any training.
multiworker_cluster <- function(lesson) {
  example <- 'for example {"cluster": {"worker": ["hostA:12345", "hostB:12345"]}, "task": {"type": "worker", "index": 0}}'
  refuse <- function(problem) workshop_error(sprintf("%s: write it %s.", problem, example))
  if (!lesson %in% MULTIWORKER_LESSONS) {
    workshop_error(sprintf("%s also trains with Keras' own fit, which fails across machines in Keras 3 (keras-team/keras#20585): use --distribute mirrored or none.", lesson))
  }
  if (!nzchar(trimws(Sys.getenv("TF_CONFIG")))) {
    workshop_error(sprintf("--distribute multiworker reads the cluster from the environment variable TF_CONFIG, which is not set: set it on every machine, %s.", example))
  }
  tf_config <- tryCatch(jsonlite::parse_json(Sys.getenv("TF_CONFIG")), error = function(e) refuse("TF_CONFIG is not valid JSON"))
  named <- function(x) is.list(x) && !is.null(names(x))
  cluster <- if (named(tf_config)) tf_config[["cluster"]]
  task <- if (named(tf_config)) tf_config[["task"]]
  workers <- if (named(cluster) && identical(names(cluster), "worker")) cluster[["worker"]]
  address <- function(w) is.character(w) && length(w) == 1L && grepl("^\\S+:[0-9]+$", w, perl = TRUE)
  if (!(is.list(workers) && length(workers) > 0L && all(vapply(workers, address, TRUE)))) {
    refuse('TF_CONFIG must name the workers, and only them, as "cluster": {"worker": ["host:port", ...]}')
  }
  index <- if (named(task) && identical(task[["type"]], "worker")) task[["index"]]
  if (is.character(index) || is.null(whole_number(index, 0L, length(workers) - 1L))) {
    refuse(sprintf('TF_CONFIG must say which worker this machine is, as "task": {"type": "worker", "index": i} with i from 0 to %d', length(workers) - 1L))
  }
  timeout <- whole_number(Sys.getenv("WORKSHOP_WORKER_TIMEOUT", "300"), 1L) %||%
    workshop_error("WORKSHOP_WORKER_TIMEOUT must be a whole number of seconds above 0, the longest wait for the other workers.")
  list(workers = unlist(workers), index = whole_number(index, 0L), timeout = timeout)
}

# Where the model lives: one device, or, with --distribute mirrored, a copy on every device
# (multiworker: on every machine, join_workers). Either way train() in steps.R then trains with its own loop.
# MirroredStrategy gives each device a slice of every batch and adds up their gradients
# before each update. On a machine with GPUs it takes all of them. With none, it splits
# the CPU into config$logical_cpus logical devices, so the same code path runs, and is
# tested, on a laptop. Call it after seed_everything and before any model is built: the
# split must happen before TensorFlow starts its devices, so it is made once per process.
distribution_strategy <- function(config) {
  tf <- reticulate::import("tensorflow")
  if (config$distribute == "none") return(tf$distribute$get_strategy())   # the default: what Keras uses anyway
  if (config$distribute == "multiworker") return(join_workers(config))
  if (is.null(STRATEGIES$mirrored)) {
    if (length(tf$config$list_physical_devices("GPU")) == 0L) {
      cpu <- tf$config$list_physical_devices("CPU")[[1L]]
      tf$config$set_logical_device_configuration(
        cpu, rep(list(tf$config$LogicalDeviceConfiguration()), config$logical_cpus))
    }
    STRATEGIES$mirrored <- tf$distribute$MirroredStrategy()
    devices <- unlist(STRATEGIES$mirrored$extended$worker_devices)
    cat(sprintf("MirroredStrategy: one copy of the model on each of %d devices: %s\n",
                length(devices), paste(devices, collapse = ", ")))
  }
  STRATEGIES$mirrored
}

# MultiWorkerMirroredStrategy across the machines TF_CONFIG names: one copy of the model on each.
# TensorFlow waits for every worker forever by default, worker 0 included; the bound on that wait
# (and on each all-reduce) is set through its private context, the only place it can be, so a
# TensorFlow upgrade must re-test this (tests/cross/test_multiworker.py).
join_workers <- function(config) {
  tf <- reticulate::import("tensorflow")
  if (is.null(STRATEGIES$multiworker)) {
    cluster <- multiworker_cluster(config$lesson)
    coordination <- reticulate::import("tensorflow.compiler.xla.tsl.protobuf.coordination_config_pb2")
    context <- reticulate::import("tensorflow.python.eager.context")$context()
    context$configure_coordination_service(
      "standalone", service_leader = "/job:worker/replica:0/task:0", cluster_register_timeout_in_ms = 1000L * cluster$timeout,
      coordinated_jobs = list(coordination$CoordinatedJob(name = "worker", num_tasks = length(cluster$workers))))
    reticulate::py_set_attr(context$coordination_service, "cluster_register_with_barrier", TRUE)   # worker 0 waits, bounded, too
    options <- tf$distribute$experimental$CommunicationOptions(timeout_seconds = cluster$timeout)
    STRATEGIES$multiworker <- tryCatch(tf$distribute$MultiWorkerMirroredStrategy(communication_options = options), error = function(e) {
      workshop_error(sprintf("Not every worker TF_CONFIG names (%s) answered within %d s: start the same command on each, or wait longer with WORKSHOP_WORKER_TIMEOUT.",
                             paste(cluster$workers, collapse = ", "), cluster$timeout))
    })
    cat(sprintf("MultiWorkerMirroredStrategy: one copy of the model on each of %d workers; this is worker %d: %s\n",
                length(cluster$workers), cluster$index, cluster$workers[[cluster$index + 1L]]))
  }
  STRATEGIES$multiworker
}
