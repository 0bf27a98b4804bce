# R/keras3_subset.R and R/keras3_training.R read as keras3 to someone who knows keras3: each function it provides under a
# keras3 name takes keras3's argument names, in keras3's order, with keras3's defaults.
# docs/keras3_reference.json holds keras3's signatures (tools/keras3_reference.R reads keras3's
# sources); the subset may leave arguments out (it covers what the workshop needs; `...` passes
# the others on to Keras, wherever it stands), never rename, reorder or change a default.
reference <- jsonlite::read_json(file.path(ROOT, "docs", "keras3_reference.json"))$functions
subset_envs <- lapply(c("workshop:keras3_subset", "workshop:keras3_training"), as.environment)
provided <- unlist(lapply(subset_envs, function(env) Filter(function(name) is.function(get(name, envir = env)), ls(env, all.names = TRUE))))
subset_env <- new.env()   # both parts' functions, looked up by name below
for (env in subset_envs) for (name in ls(env, all.names = TRUE)) assign(name, get(name, envir = env), envir = subset_env)
own_helpers <- c("keras_module", "given_args", "as_count", "as_count_or_tuple", "as_shape", "as_axis", "as_verbose",
                 "create_layer", "%||%", "compile", "fit", "evaluate", "register_methods")

test_that("every function with a keras3-style name is keras3's", {
  keras3_style <- grep("^(layer_|keras_|optimizer_|learning_rate_|callback_|metric_|loss_)|[.]keras[.]src[.]|^(adapt|bidirectional|count_params|get_weights|set_weights|get_layer)$",
                       provided, value = TRUE)
  expect_identical(setdiff(keras3_style, c(names(reference), own_helpers, "keras_training_history")), character())
  expect_gte(length(intersect(provided, names(reference))), 40L)
})

for (name in intersect(provided, names(reference))) {
  test_that(sprintf("%s takes keras3's arguments, in keras3's order, with keras3's defaults", name), {
    ours <- formals(get(name, envir = subset_env))
    theirs <- reference[[name]]
    named <- setdiff(names(ours), "...")
    expect_identical(setdiff(named, unlist(theirs$args)), character())
    expect_identical(named, intersect(unlist(theirs$args), named))
    for (arg in setdiff(names(ours), "...")) {
      our_default <- if (identical(ours[[arg]], quote(expr = ))) NULL else paste(deparse(ours[[arg]]), collapse = " ")
      expect_identical(our_default, theirs$defaults[[arg]], label = sprintf("%s(%s = ) default", name, arg))
    }
  })
}
