"""Print the figures issue 18 (part 2) asks for: which novel is this passage from? Test accuracy of
the majority class, naive Bayes, the LSTM and the bidirectional LSTM, with the names masked and as
written, the confusion matrices, and the time of the full profile per language.

    .venv/bin/python tools/bench_austen_books.py [--outputs DIR] [--reuse]

1. The full profile in Python and in R, each in its own process (under nice -n 19), one after the
   other, timed, with the load average beside the seconds; whether the two agree to the bit
   (tools/compare.py). With --reuse, the results already in DIR/<language>/austen_books/ are read.
2. Test accuracy per model, masked and unmasked, beside chance and the majority class.
3. The confusion matrices of the masked test passages (rows: the true novel).
4. The targets: the full profile within 10 minutes per language.

It prints figures and never fails on a target. About 10 to 15 minutes on 2 CPU cores.
"""

from bench_runs import full_profile_runs

LESSON = "austen_books"
MODELS = ("majority", "naive_bayes", "lstm", "bilstm")


def report(results, label):
    config = results["config"]
    print(f"\n2. Test accuracy ({label}): passages of {config['passage_words']} words, "
          f"{results['masked']['passages']['train']} training, {results['masked']['passages']['val']} validation and "
          f"{results['masked']['passages']['test']} test passages; vocabulary {config['vocabulary_size']} words; "
          f"Embedding({config['embedding_dim']}), LSTM({config['units']}), {config['epochs']} epochs, "
          f"batch {config['batch_size']}, Adam {config['learning_rate']}")
    print(f"  the mask hides {100 * results['data']['masked_share']:.2f}% of the words "
          f"({sum(results['data']['n_masked'].values())} of {sum(results['data']['n_words'].values())})")
    print(f"  {'model':<14}{'masked':>9}{'unmasked':>10}   (chance {results['masked']['test']['chance']:.3f}; "
          f"majority class: {results['masked']['test']['majority']['book']})")
    for model in MODELS:
        row = [results[c]["test"][model]["accuracy"] for c in ("masked", "unmasked")]
        print(f"  {model:<14}{row[0]:9.3f}{row[1]:10.3f}")
    for c in ("masked", "unmasked"):
        h = results["history"]
        print(f"  validation accuracy by epoch, {c}: naive Bayes {results[c]['test']['naive_bayes']['val_accuracy']:.3f}; "
              + "; ".join(f"{kind} " + " ".join(f"{v:.3f}" for v in h[f"{kind}_{c}"]["val_accuracy"])
                          for kind in ("lstm", "bilstm")))
    print(f"\n3. Confusion matrices of the masked test passages ({label}; rows: the true novel, columns: the prediction):")
    short = [book["short"] for book in config["books"].values()]
    for model in ("naive_bayes", "lstm", "bilstm"):
        print(f"  {model}")
        print("  " + f"{'':>6}" + "".join(f"{s:>6}" for s in short))
        for name, row in zip(short, results["masked"]["test"][model]["confusion_matrix"]):
            print("  " + f"{name:>6}" + "".join(f"{n:>6}" for n in row))
    t = results["timings"]
    minutes = t["total_seconds"] / 60
    print(f"\n4. The targets ({label}): full profile {minutes:.1f} minutes (fit of the four networks "
          f"{t['fit_seconds']:.0f} s; target at most 10 minutes): {'MET' if minutes <= 10 else 'NOT met'}")


def main():
    results = full_profile_runs(LESSON, "Austen books benchmark", __doc__.splitlines()[0], nice=19)
    for language, result in results.items():
        report(result, language)
        if language == "python" and "r" in results:
            break   # bit-identical runs: one report holds both (the times differ; see sections 1 and 4)
    if "r" in results and "python" in results:
        print(f"\n4. The targets (r): full profile {results['r']['timings']['total_seconds'] / 60:.1f} minutes")
    if "python" in results:
        p = results["python"]["masked"]["predictions"]
        names = list(results["python"]["config"]["books"])
        print("\n5. Some masked test passages (their first words), the truth and each model's pick:")
        for i, words in enumerate(p["first_words"]):
            print(f"  {words!r}: {names[p['truth'][i]]}; naive Bayes {names[p['naive_bayes'][i]]}, "
                  f"LSTM {names[p['lstm'][i]]}, BiLSTM {names[p['bilstm'][i]]}")


if __name__ == "__main__":
    main()
