# The workshop's tested set-up in a container, for macOS and Windows laptops (docs/container.md).
# The base is the Debian release the tests and CI run on (tests/cross/test_container.py checks it),
# and the only installer is ./workshop setup, the command a Debian laptop runs: no second list of
# packages to drift. On Apple silicon this builds natively as linux/arm64, where the pins choose
# TensorFlow's aarch64 wheel (requirements-lock.txt); x86 TensorFlow under emulation aborts (AVX).
FROM debian:12

ENV LANG=C.UTF-8
WORKDIR /workshop
COPY . .
# Root here, so apt needs no sudo. pip's download cache stays in the image: a dev container builds
# its own .venv with the same command (postCreateCommand) and then needs no second download.
RUN ./workshop setup

EXPOSE 8888
# JupyterLab for `docker run -p 8888:8888`; a terminal instead: `docker run -it <image> bash`.
CMD ["./workshop", "jupyter", "--ip", "0.0.0.0", "--no-browser"]
