"""The comparison as one self-contained HTML page: outputs/report.html.

    python tools/report.py [lesson ...] [--outputs DIR] [--tolerance X]

./workshop run and ./workshop compare call this: it compares every lesson once, through
compare.py (which it imports, never the other way round), prints the tables as compare.py
does, and writes the page. Per lesson: the Python vs R table with its verdicts and the
values that differ, the training curves of both languages drawn on the same axes, and every
plot the lessons saved. Pictures are embedded as base64 PNG and the styles are inline, so
the page opens offline and can be mailed as one file. The page is written even when Python
and R differ (it shows where); the exit status is compare.py's: 0 agree, 1 differ, 2 unusable.
"""
import argparse
import base64
import html
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402

LANGUAGES = {"python": "Python", "r": "R"}
VERDICT_CLASS = {"identical": "ok", "within tol": "near", "DIFFERENT": "bad"}

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { font-family: monospace; text-align: right; }
.ok { background: #d9f2d9; } .near { background: #fff1c2; } .bad { background: #f8c9c9; font-weight: bold; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
.pair figure { flex: 1 1 45%; max-width: 540px; }
figcaption { font-size: 0.85em; color: #555; }
ul.differs { color: #a00; font-size: 0.9em; }
.meta { color: #555; font-size: 0.9em; }
"""


def png_data_uri(data):
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def read_results(outputs, language, lesson):
    path = Path(outputs) / language / lesson / "results.json"
    return json.loads(path.read_text()) if path.exists() else None


def validation_key(metric):
    """loss -> val_loss, and lstm_seed42_loss -> lstm_seed42_val_loss (lessons with several models)."""
    head, _, last = metric.rpartition("_")
    return f"{head}_val_{last}" if head else f"val_{last}"


def flat_history(history):
    """A lesson with several models may nest its history by run ({"lstm_masked": {"loss": [...]}});
    flattened, that is lstm_masked_loss, the form the other lessons write. best_epoch is no curve."""
    flat = {}
    for key, value in history.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{metric}": v for metric, v in value.items() if metric != "best_epoch"})
        else:
            flat[key] = value
    return flat


def curves_png(histories):
    """One panel per training series (loss, accuracy, ...), with its validation twin, both languages.

    R is drawn as open markers over Python's lines: when the two are bit-identical
    the markers sit exactly on the lines, and any gap is visible at a glance.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [m for m in histories["python"] if "val_" not in m]
    columns = min(len(metrics), 3)
    rows = -(-len(metrics) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.4 * rows), squeeze=False)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    for ax, metric in zip(axes.flat, metrics):
        for split, key, colour in (("training", metric, "tab:blue"), ("validation", validation_key(metric), "tab:orange")):
            for language, style in (("python", dict(linestyle="-", marker="o", markersize=4)),
                                    ("r", dict(linestyle="none", marker="s", markersize=9, fillstyle="none"))):
                values = histories[language].get(key)
                if values:
                    ax.plot(range(1, len(values) + 1), values, color=colour,
                            label=f"{split}, {LANGUAGES[language]}", **style)
        ax.set(xlabel="epoch", ylabel=metric.rpartition("_")[2], title=metric)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def cell(value):
    if isinstance(value, str):
        return f"<td>{html.escape(value)}</td>"
    return f'<td class="num">{html.escape(compare.show(value))}</td>'


def table_html(rows):
    head = "".join(f"<th>{h}</th>" for h in ("metric", "Python", "R", "max abs diff", "verdict"))
    body = []
    for metric, py, r, diff, verdict in rows:
        css = VERDICT_CLASS.get(verdict, "")
        body.append(f"<tr><td>{html.escape(str(metric))}</td>{cell(py)}{cell(r)}{cell(diff)}"
                    f'<td class="{css}">{html.escape(str(verdict))}</td></tr>')
    return f'<table class="compare"><tr>{head}</tr>{"".join(body)}</table>'


def lesson_verdict(rows):
    verdicts = {row[4] for row in rows}
    return "DIFFERENT" if "DIFFERENT" in verdicts else "within tol" if "within tol" in verdicts else "identical"


def figure_html(data, caption):
    return (f'<figure><img src="{png_data_uri(data)}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def lesson_html(outputs, lesson, rows, details):
    results = {language: read_results(outputs, language, lesson) for language in LANGUAGES}
    parts = [f'<section id="{lesson}"><h2>{html.escape(lesson)}</h2>']
    versions = [f"{LANGUAGES[l]}: " + ", ".join(f"{k} {v}" for k, v in r.get("versions", {}).items())
                for l, r in results.items() if r]
    parts.append(f'<p class="meta">{html.escape(" | ".join(versions))}</p>')
    parts.append(table_html(rows))
    parts.append(differences_html(details))
    if all(r and r.get("history") for r in results.values()):
        histories = {language: flat_history(r["history"]) for language, r in results.items()}
        curves = figure_html(curves_png(histories), "training curves, Python (lines) and R (squares) overlaid")
        parts.append(f'<div class="figures">{curves}</div>')
    # The lessons' own plots: one row per plot, Python beside R.
    names = sorted({p.name for language in LANGUAGES for p in (Path(outputs) / language / lesson).glob("*.png")})
    for name in names:
        pair = [figure_html(path.read_bytes(), f"{label}: {name}")
                for language, label in LANGUAGES.items()
                if (path := Path(outputs) / language / lesson / name).exists()]
        parts.append(f'<div class="figures pair">{"".join(pair)}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def differences_html(details):
    """Under the table: how many values were compared, and the first values that differ."""
    items = "".join(f"<li><code>{html.escape(path)}</code>: Python {html.escape(compare.show(a))}, "
                    f"R {html.escape(compare.show(b))}</li>" for path, a, b in details["differences"][:20])
    more = len(details["differences"]) - 20
    listed = f'<ul class="differs">{items}{f"<li>and {more} more</li>" if more > 0 else ""}</ul>' if items else ""
    return (f'<p class="meta">{details["n_values"]} values compared, both ways; not compared: '
            f'{html.escape(", ".join(compare.NOT_COMPARED))}.</p>{listed}')


def write_report(outputs, tables, tolerance=0.0, path=None):
    """Write the page and return its path (default: <outputs>/report.html).

    tables maps lesson -> (rows, details), as compare.compare_all returns them: the lessons
    are compared once, and the page shows what the printed tables show.
    """
    outputs = Path(outputs)
    summary = "".join(
        f'<tr><td><a href="#{lesson}">{html.escape(lesson)}</a></td>'
        f'<td class="{VERDICT_CLASS[lesson_verdict(rows)]}">{lesson_verdict(rows)}</td></tr>'
        for lesson, (rows, _) in tables.items())
    reasons = "".join(f"<li><code>{html.escape(lesson)}</code> <code>{html.escape(where)}</code>: "
                      f"{how} {bound:g}, because {html.escape(why)}</li>"
                      for lesson, where, how, bound, why in compare.TOLERANCES)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Python vs R: workshop comparison</title>
<style>{STYLE}</style></head>
<body><h1>Python vs R: the workshop's lessons compared</h1>
<p class="meta">Results from {html.escape(str(outputs.resolve()))}. Every value of both results files is
compared, both ways, and must be equal to the last bit (tolerance {tolerance:g}); the weights are compared
by the sha256 of their float32 bytes. The only values allowed to differ:</p><ul class="meta">{reasons}</ul>
<table class="summary"><tr><th>lesson</th><th>verdict</th></tr>{summary}</table>
{"".join(lesson_html(outputs, lesson, rows, details) for lesson, (rows, details) in tables.items())}
</body></html>
"""
    path = Path(path) if path else outputs / "report.html"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv=None):
    args = compare.parse_args(argv, "./workshop compare")
    try:
        tables = compare.compare_all(args.outputs, args.lessons, args.tolerance)
    except compare.CompareError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    failed = compare.print_tables(tables, args.outputs)
    path = write_report(args.outputs, tables, tolerance=args.tolerance)
    print(f"Report with tables and plots of both languages: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
