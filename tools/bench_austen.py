"""Print the figures issue 18 asks for about the Austen language model: the n-gram and the network
side by side, novel by novel, with tokens (characters) per second.

    .venv/bin/python tools/bench_austen.py [--outputs DIR] [--reuse]

1. The full profile in Python and in R, each in its own process (under nice -n 10), timed, with
   the load average beside the seconds; whether the two agree to the bit (tools/compare.py).
   With --reuse, the results already in DIR/<language>/austen/ are read instead (no run).
2. Per novel (four training novels, the validation novel, the test novel): bits per character and
   perplexity of the unigram, the chosen Kneser-Ney n-gram, the GRU and the mixture of GRU and
   n-gram (its weight chosen on the validation novel), on the same characters.
3. Speed: characters per second of training, of scoring (network and n-gram) and of writing.
4. The targets: on the test novel the network's perplexity at least 10% below the n-gram's
   (about 0.15 bits per character), the full profile within 10 minutes per language.

It prints figures and never fails on a target. About 20 minutes on 2 CPU cores.
"""
import json
import sys
from pathlib import Path

from bench_runs import full_profile_runs



def novels_table(results, indent="  "):
    lines = [indent + f"{'novel':<23}{'part':<11}{'chars':>8}   {'unigram':>14}   {'n-gram':>14}   {'network':>14}"
             f"   {'mixture':>14}   network vs n-gram (+: network better)",
             indent + f"{'':<42}" + "   bpc  perplex" * 4]
    for name, row in results["per_novel"].items():
        gain = 1 - row["network_perplexity"] / row["ngram_perplexity"]
        lines.append(indent + f"{name:<23}{row['part']:<11}{row['n_chars']:>8}"
                     + "".join(f"   {row[m + '_bpc']:5.3f} {row[m + '_perplexity']:7.3f}"
                               for m in ("unigram", "ngram", "network", "mixture"))
                     + f"   {row['ngram_bpc'] - row['network_bpc']:+.3f} bpc, perplexity {100 * gain:+.1f}%")
    return lines


def n_windows(results):
    """The training windows of the run: n_windows of the spec, or every non-overlapping window of the
    training novels (their lengths from the scores: n_chars counts the scored characters only, so
    this reads the novels' lengths from the shipped data when the spec keeps them all)."""
    config = results["config"]
    if config["n_windows"] is not None:
        return config["n_windows"]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
    import austen_chars
    novels = austen_chars.load_novels(config)
    return sum((len(novels["ids"][name]) - 1) // config["window"] for name in config["split"]["train"])


def report(results, label):
    config, t, ngram = results["config"], results["timings"], results["baseline"]["ngram"]
    print(f"\n2. Per novel ({label}); the n-gram and the network score the same characters, each after at "
          f"least {config['burn_in']} characters of context:")
    print(f"  GRU({config['units']}) over Embedding({results['vocabulary']['size']}, {config['embedding_dim']}), "
          f"windows of {config['window']}, {config['epochs']} epochs of {config['n_windows'] or 'all'} windows, "
          f"batch {config['batch_size']}, Adam {config['learning_rate']} with cosine decay")
    print(f"  n-gram: interpolated modified Kneser-Ney, order {ngram['order']} and discount scale {ngram['scale']:g} "
          f"chosen on {config['split']['val']} (validation {ngram['val_bpc']:.3f} bpc) among orders "
          f"1-{config['max_order']} and scales {', '.join(f'{s:g}' for s in config['discount_scales'])}")
    print(f"  mixture: weight {results['baseline']['mixture']['weight']:g} on the network and the rest on the n-gram, "
          f"chosen on {config['split']['val']} (validation {results['baseline']['mixture']['val_bpc']:.3f} bpc)")
    for line in novels_table(results):
        print(line)
    print(f"\n3. Speed ({label}), characters per second:")
    # The lesson times each fit (fit_seconds) and the scoring; the characters trained on follow from the spec.
    train_chars = n_windows(results) * config["window"] * config["epochs"]
    print(f"  training the network {train_chars / t['fit_seconds']:9.0f}   (fit {t['fit_seconds']:.0f} s)")
    print(f"  scoring, network     {t['network_eval_chars_per_second']:9.0f}")
    print(f"  scoring, n-gram      {t['ngram_eval_chars_per_second']:9.0f}")
    print(f"  whole run            {t['total_seconds']:9.0f} s")
    test = results["test"]
    print(f"\n4. The targets ({label}):")
    better = test["perplexity_reduction"] >= 0
    print(f"  test novel {test['novel']}: network {test['network_bpc']:.3f} bpc, n-gram {test['ngram_bpc']:.3f} bpc: "
          f"the network's perplexity is {abs(100 * test['perplexity_reduction']):.1f}% "
          f"{'lower' if better else 'HIGHER'} ({abs(test['bpc_below_ngram']):.3f} bits per character "
          f"{'fewer' if better else 'more'}); target 10% lower (about 0.15 bpc): {'MET' if test['target_met'] else 'NOT met'}")
    print(f"  (not the target, which is the network's alone) the mixture: {test['mixture_bpc']:.3f} bpc, a perplexity "
          f"{100 * test['mixture_reduction']:.1f}% below the n-gram's")
    minutes = t["total_seconds"] / 60
    print(f"  full profile {minutes:.1f} minutes (target at most 10): {'MET' if minutes <= 10 else 'NOT met'}")


def main():
    results = full_profile_runs("austen", "Austen benchmark", __doc__.splitlines()[0], nice=10)
    for language, result in results.items():
        report(result, language)
        if language == "python" and "r" in results:
            break   # bit-identical runs: one report holds both (the speeds differ; see section 1)
    if "python" in results:
        print("\n5. What the network writes (temperature: text), from the prompt:")
        for t, text in results["python"]["generated"].items():
            print(f"  {t}: {json.dumps(text, ensure_ascii=False)}")
        print("\n6. Its embedding: the nearest characters by cosine similarity:")
        for char, found in results["python"]["embedding"]["neighbours"].items():
            print(f"  {json.dumps(char):>5}: " + ", ".join(f"{json.dumps(c)} {v:.2f}" for c, v in
                                                           zip(found["chars"], found["cosine"])))


if __name__ == "__main__":
    main()
