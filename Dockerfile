# The workshop's tested set-up in a container, for macOS and Windows laptops (docs/container.md).
# The base is the Debian release the tests and CI run on (tests/cross/test_container.py checks it),
# and the only installer is ./workshop setup, the command a Debian laptop runs: no second list of
# packages to drift. On Apple silicon this builds natively as linux/arm64, where the pins choose
# TensorFlow's aarch64 wheel (requirements-lock.txt); x86 TensorFlow under emulation aborts (AVX).
# Build and smoke-test it with ./workshop container.
FROM debian:12

ENV LANG=C.UTF-8
# No pip download cache in the image: it would hold a second copy of every wheel (a dev container
# builds its own .venv by downloading them again).
ENV PIP_NO_CACHE_DIR=1
WORKDIR /workshop
# First only what ./workshop setup reads, then the set-up (root here, so apt needs no sudo): this
# layer of several GB is rebuilt only when one of these files changes, not after an edit to a
# lesson, a test or the docs.
COPY workshop apt-packages.txt requirements-lock.txt ./
COPY tools/setup_jupyter.sh tools/
COPY tools/rpackage/workshop tools/rpackage/workshop/
RUN ./workshop setup
# Then the rest of the workshop (.dockerignore leaves out .git and what git ignores).
COPY . .

EXPOSE 8888
# JupyterLab for `docker run -p 8888:8888`; a terminal instead: `docker run -it <image> bash`.
CMD ["./workshop", "jupyter", "--ip", "0.0.0.0", "--no-browser"]
