#!/usr/bin/env bash
# Register the R kernel (Debian's IRkernel) with the workshop venv's Jupyter, so that
# the R notebooks in notebooks/ open with "R" next to "Python 3". Idempotent: when the
# kernel is already registered it returns at once, without starting R.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
KERNEL_DIR=.venv/share/jupyter/kernels/ir
SPEC='{"argv": ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"], "display_name": "R", "language": "R"}'

[ -x .venv/bin/python ] || { echo "Error: the workshop's .venv is missing: run ./workshop setup first." >&2; exit 2; }
[ -f "$KERNEL_DIR/kernel.json" ] && [ "$(cat "$KERNEL_DIR/kernel.json")" = "$SPEC" ] && exit 0

# IRkernel lives in R's library; ask R where, so a CRAN install works as well as Debian's.
irkernel=$(Rscript -e 'cat(system.file(package = "IRkernel"))')
[ -n "$irkernel" ] || { echo "Error: R's IRkernel package is missing: apt-get install r-cran-irkernel." >&2; exit 2; }
mkdir -p "$KERNEL_DIR"
cp "$irkernel"/kernelspec/logo-* "$KERNEL_DIR"/ 2>/dev/null || true
printf '%s' "$SPEC" > "$KERNEL_DIR/kernel.json"
echo "Registered the R kernel with .venv's Jupyter ($KERNEL_DIR)."
