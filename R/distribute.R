# Training on more than one device or machine (R): the machinery of the lesson more_hardware, which
# writes its strategy and its training loop out on its page. Here: the cluster TF_CONFIG names, the
# multiworker strategy with a bounded wait, and the one step of the loop that R takes from Python.
# python/distribute.py is its mirror, in the same order.
#
# A module of its own because only --distribute mirrored and multiworker need it, and the
# plumbing every run needs (helpers.R) stays short enough to read. R/workshop.R loads it into a
# namespace of its own, above helpers.R (it uses workshop_error and whole_number). helpers.R's
# lesson_config, which cannot see the modules above it, reaches into this one to refuse a bad
# --distribute while the options are read.


# ---- 3b. Distribution: one device, every device of this machine, or every machine ----------
# --distribute: "none" trains on one device; "mirrored" keeps a copy of the model on every device
# of this machine; "multiworker" one on every machine TF_CONFIG names (docs/more_hardware.md). Only the
# lesson more_hardware takes the option (DISTRIBUTE_LESSONS in helpers.R): the others train with fit.
DISTRIBUTIONS <- c("none", "mirrored", "multiworker")

# One strategy of each kind per process, kept here: TensorFlow splits the CPU into devices, and
# joins a cluster, only once, so every later call returns the first one made.
STRATEGIES <- new.env()

# The workers TF_CONFIG names, this one's index, and how long to wait for the others (only "worker"
# jobs: every machine runs the same command, worker 0 leads), or one sentence, before any training.
multiworker_cluster <- function(lesson) {
  example <- 'for example {"cluster": {"worker": ["hostA:12345", "hostB:12345"]}, "task": {"type": "worker", "index": 0}}'
  refuse <- function(problem) workshop_error(sprintf("%s: write it %s.", problem, example))
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

# The default strategy, one device: what the lessons not yet written top to bottom still enter
# (with(...$scope(), ...)) before they build a model. They take no --distribute any more; once none
# calls this, it can go.
distribution_strategy <- function(config) {
  reticulate::import("tensorflow")$distribute$get_strategy()
}

# MultiWorkerMirroredStrategy across the machines TF_CONFIG names: one copy of the model on each
# (more_hardware calls it as workshop_join_workers(settings)).
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

# more_hardware's step on one copy of the model: the sums of its rows' accuracy and loss and, when
# training, its share of the update. TensorFlow runs it in a thread per copy, and R code may run only
# on R's main thread (reticulate aborts the process otherwise): so R takes this one function from
# python/distribute.py, the same code as python/more_hardware.py writes out on its page.
replica_step <- function(model, training) {
  python_distribute <- reticulate::import_from_path("distribute", file.path(ROOT, "python"))
  python_distribute$replica_step(model, training)
}
