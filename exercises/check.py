"""check("id") in a notebook or a Python console: the same check as ./workshop check <id>.

    import sys; sys.path.insert(0, "../exercises")   # from notebooks/ (from the workshop: "exercises")
    from check import check
    check("conv2d_stride")

It runs tools/check.py in its own process, found from this file's place, so it works from any
working directory, and prints the verdict. It gives back True when the exercise passes.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check(exercise, lang="python", file=None):
    command = [sys.executable, str(ROOT / "tools" / "check.py"), exercise, "--lang", lang]
    if file is not None:
        command += ["--file", str(Path(file).resolve())]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    print((done.stdout + done.stderr).strip())
    return done.returncode == 0
