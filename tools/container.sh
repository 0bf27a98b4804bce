#!/usr/bin/env bash
# ./workshop container: build the image from the Dockerfile and smoke-test it (docs/container.md).
#
#   ./workshop container [--engine docker|podman] [--tag NAME] [--no-build] [--test] [--this-machine]
#
# Builds with Docker or podman, whichever the machine has (podman is installed on Debian when
# neither is). The smoke test: the quick run of one lesson in Python and R with no network
# (--network=none), which must end in an identical comparison; then the image's default command,
# JupyterLab, must answer on its port and start both kernels (python3 and ir). Prints the build
# time and the image size. --test also runs ./workshop test inside the image (about 10 minutes on a quiet 2-core machine).
#
# Only when the machine needs them (docs/container.md, "This machine's workarounds"):
#   - no registry answers: the debian:12 base is bootstrapped locally with mmdebstrap;
#   - podman cannot start a container (setrlimit fails, or crun refuses the cgroups): a private
#     containers.conf with default_ulimits, and runc as the runtime;
#   - the host's pip trusts its own CA bundle (PIP_CERT, or cert = in a pip.conf; an HTTPS proxy):
#     podman mounts that bundle and a pip.conf for the build only.
# --this-machine (or WORKSHOP_THIS_MACHINE=1) applies all three without waiting for the checks.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

ENGINE=${WORKSHOP_ENGINE:-}
IMAGE=dl-workshop
THIS_MACHINE=${WORKSHOP_THIS_MACHINE:-0}
BUILD=1
RUN_TESTS=0
LESSON=cnn_mnist
BASE=docker.io/library/debian:12   # the Dockerfile's FROM debian:12
SUITE=bookworm

say() { printf '%s\n' "$*" >&2; }
die() { say "Error: $*"; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --engine) [ $# -ge 2 ] || die "--engine needs docker or podman."; ENGINE=$2; shift 2 ;;
    --tag) [ $# -ge 2 ] || die "--tag needs an image name."; IMAGE=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --test) RUN_TESTS=1; shift ;;
    --this-machine) THIS_MACHINE=1; shift ;;
    *) die "Unknown option '$1' for ./workshop container: use --engine, --tag, --no-build, --test or --this-machine." ;;
  esac
done
grep -qx 'FROM debian:12' Dockerfile || die "tools/container.sh expects the Dockerfile's 'FROM debian:12'."

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/workshop-container.XXXXXX")   # never inside the repository
JUPYTER=""
cleanup() {
  [ -z "$JUPYTER" ] || "$ENGINE" rm -f "$JUPYTER" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need_debian_packages() {  # as ./workshop setup does for its own packages: install what is missing
  local missing=() pkg sudo=""
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "Install ${missing[*]} first (this is not a Debian machine)."
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "Installing ${missing[*]} needs root: run as root, or apt-get install them."
    sudo=sudo
  fi
  say "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

pick_engine() {
  if [ -n "$ENGINE" ]; then
    command -v "$ENGINE" >/dev/null || die "$ENGINE is not installed."
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    ENGINE=docker
  elif command -v podman >/dev/null; then
    ENGINE=podman
  elif command -v apt-get >/dev/null; then
    need_debian_packages podman
    ENGINE=podman
  else
    die "No container engine: install Docker (Docker Desktop on macOS and Windows) or podman."
  fi
  case $ENGINE in docker|podman) ;; *) die "Unknown engine '$ENGINE': docker or podman." ;; esac
}

bootstrap_base() {  # debian:12 from Debian's own mirror, for a machine no registry answers
  [ "$ENGINE" = podman ] || die "No registry answers and $BASE is missing: 'docker pull debian:12' on a machine with access, or use --engine podman."
  [ "$(id -u)" -eq 0 ] || die "Bootstrapping $BASE with mmdebstrap needs root here."
  need_debian_packages mmdebstrap debuerreotype
  say "No registry answers: bootstrapping $BASE from Debian $SUITE (mmdebstrap, minbase)"
  # minbase with merged /usr, as the official image; debuerreotype's minimizing config adds its apt
  # settings (downloaded .deb files are dropped, no translations, compressed lists). Its chroot
  # helper reads the build time from debuerreotype-epoch, which is removed again; apt's binary
  # caches, rebuilt on demand, are not in the official image either. (Deleting them from the tar
  # afterwards with GNU tar --delete left a header podman's importer rejects: "invalid tar header".)
  nice -n 10 mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --customize-hook='date +%s > "$1/debuerreotype-epoch"' \
    --customize-hook='debuerreotype-minimizing-config "$1"' \
    --customize-hook='rm "$1/debuerreotype-epoch"' \
    --customize-hook='rm -f "$1"/var/cache/apt/pkgcache.bin "$1"/var/cache/apt/srcpkgcache.bin' \
    "$SUITE" "$WORK/rootfs.tar" \
    "deb http://deb.debian.org/debian $SUITE main" \
    "deb http://deb.debian.org/debian $SUITE-updates main" \
    "deb http://deb.debian.org/debian-security $SUITE-security main"
  podman import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$WORK/rootfs.tar" "$BASE" >/dev/null
  rm -f "$WORK/rootfs.tar"
}

ensure_base() {  # podman: the base must be here before the checks below (Docker's build pulls it itself)
  [ "$ENGINE" = podman ] || return 0
  podman image inspect "$BASE" >/dev/null 2>&1 && return 0
  say "Pulling $BASE"
  timeout 180 podman pull "$BASE" >/dev/null 2>&1 || bootstrap_base
}

RUN_FLAGS=()    # for every `run` of this engine
BUILD_FLAGS=()  # for the build only
podman_fixes() {  # only what this machine needs to start a container at all
  local conf=$WORK/containers.conf out ulimits=0 runc=0
  [ "$ENGINE" = podman ] || return 0
  if [ "$THIS_MACHINE" = 1 ]; then
    ulimits=1; runc=1
  else
    out=$(podman run --rm --network=none "$BASE" true 2>&1) && return 0
    grep -qi rlimit <<<"$out" && ulimits=1
    grep -qi -e cgroup -e crun <<<"$out" && runc=1
    [ $ulimits = 1 ] || [ $runc = 1 ] || die "podman cannot start a container: $out"
  fi
  : > "$conf"
  if [ $ulimits = 1 ]; then
    say "This machine: podman cannot raise the open-files limit (setrlimit): fixed limits (containers.conf)."
    printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' >> "$conf"
    RUN_FLAGS+=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
  fi
  if [ $runc = 1 ]; then
    say "This machine: crun refuses the cgroups: runc instead (containers.conf)."
    need_debian_packages runc
    printf '[engine]\nruntime = "runc"\n' >> "$conf"
    RUN_FLAGS+=(--runtime runc)
  fi
  export CONTAINERS_CONF=$conf   # a private copy: the user's own configuration stays as it is
  out=$(podman run --rm --network=none "${RUN_FLAGS[@]}" "$BASE" true 2>&1) || die "podman still cannot start a container: $out"
}

host_ca() {  # the CA bundle the host's pip trusts instead of its own, if any
  local file
  [ -n "${PIP_CERT:-}" ] && { echo "$PIP_CERT"; return; }
  for file in /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
    [ -f "$file" ] && sed -n 's/^[[:space:]]*cert[[:space:]]*=[[:space:]]*//p' "$file" | tail -1 | grep . && return
  done
  [ "$THIS_MACHINE" = 1 ] && echo /etc/ssl/certs/ca-certificates.crt
  return 0
}

build() {
  local ca start
  ca=$(host_ca)
  if [ -n "$ca" ]; then
    [ -f "$ca" ] || die "The host's pip trusts $ca, which does not exist."
    if [ "$ENGINE" = podman ]; then
      say "This machine: pip trusts $ca (an HTTPS proxy): mounted with a pip.conf for the build only."
      # pip's user configuration folder, mounted for the RUN step only (it leaves an empty folder)
      mkdir "$WORK/pip"
      cp "$ca" "$WORK/pip/host-ca.crt"
      printf '[global]\ncert = /root/.config/pip/host-ca.crt\n' > "$WORK/pip/pip.conf"
      BUILD_FLAGS+=(-v "$WORK/pip:/root/.config/pip:ro")
    else
      say "Note: the host's pip trusts $ca; Docker cannot mount it into the build. If pip fails on certificates, use --engine podman."
    fi
  fi
  # podman: the base is here (pulled or bootstrapped), so the build never asks a registry
  [ "$ENGINE" = podman ] && BUILD_FLAGS+=(--pull=never "${RUN_FLAGS[@]}")
  say "Building $IMAGE with $("$ENGINE" --version)"
  start=$(date +%s)
  nice -n 10 "$ENGINE" build "${BUILD_FLAGS[@]}" -t "$IMAGE" . >&2
  BUILD_SECONDS=$(( $(date +%s) - start ))
}

smoke_lesson() {  # the quick profile of one lesson, both languages, no network: an identical comparison
  local log=$WORK/lesson.log start
  say "Smoke test 1: ./workshop run --profile quick $LESSON, --network=none"
  start=$(date +%s)
  if ! nice -n 10 "$ENGINE" run --rm --network=none "${RUN_FLAGS[@]}" "$IMAGE" \
      ./workshop run --profile quick "$LESSON" >"$log" 2>&1; then
    tail -40 "$log" >&2; die "the quick run of $LESSON failed in the container (or Python and R differ)."
  fi
  grep -q "Python and R agree on every lesson compared." "$log" || { tail -40 "$log" >&2; die "no identical comparison."; }
  LESSON_RESULT="$LESSON quick run, no network: Python and R agree, $(( $(date +%s) - start )) s"
  grep -E "weights|identical" "$log" | tail -8 >&2 || true
  say "  $LESSON_RESULT"
}

smoke_jupyter() {  # the image's default command: JupyterLab on 8888, with both kernels starting
  local port token i
  say "Smoke test 2: the default command, JupyterLab, published on a port of 127.0.0.1"
  JUPYTER=$("$ENGINE" run -d "${RUN_FLAGS[@]}" -p 127.0.0.1::8888 "$IMAGE")
  for i in $(seq 120); do
    token=$("$ENGINE" logs "$JUPYTER" 2>&1 | grep -o 'token=[0-9a-f]*' | head -1 | cut -d= -f2) || true
    [ -n "$token" ] && break
    sleep 1
  done
  [ -n "$token" ] || { "$ENGINE" logs "$JUPYTER" 2>&1 | tail -20 >&2; die "JupyterLab printed no address with a token."; }
  port=$("$ENGINE" port "$JUPYTER" 8888 | head -1 | sed 's/.*://')
  JUPYTER_RESULT=$(python3 - "$port" "$token" "$ENGINE" "$JUPYTER" <<'EOF'
import json, subprocess, sys, time, urllib.request
port, token, engine, container = sys.argv[1:]
base = f"http://127.0.0.1:{port}"
def call(path, method="GET", body=None):
    request = urllib.request.Request(base + path, method=method, data=body and json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or "null")
for _ in range(60):
    try:
        specs = call("/api/kernelspecs"); break
    except OSError:
        time.sleep(1)
else:
    sys.exit(f"JupyterLab does not answer on {base}")
names = sorted(specs["kernelspecs"])
assert {"python3", "ir"} <= set(names), f"kernels {names}: python3 and ir expected"
# A kernel the server started runs code: a client inside the container connects to it as JupyterLab would.
CLIENT = """
import sys, time
from jupyter_client import BlockingKernelClient
from jupyter_core.paths import jupyter_runtime_dir
kernel, code = sys.argv[1:]
client = BlockingKernelClient(connection_file=f"{jupyter_runtime_dir()}/kernel-{kernel}.json")
client.load_connection_file(); client.start_channels()
for attempt in range(24):  # R takes a while to start: until then the heartbeat looks dead
    try:
        client.wait_for_ready(timeout=10); break
    except RuntimeError:
        if attempt == 23: raise
        time.sleep(5)
sent, out = client.execute(code), ""
while True:
    msg = client.get_iopub_msg(timeout=120)
    if msg["parent_header"].get("msg_id") != sent: continue
    kind, content = msg["msg_type"], msg["content"]
    if kind == "stream": out += content["text"]
    elif kind in ("execute_result", "display_data"): out += content["data"].get("text/plain", "")
    elif kind == "error": sys.exit(f"{content['ename']}: {content['evalue']}")
    elif kind == "status" and content["execution_state"] == "idle": break
print(out.strip())
"""
ran = []
for name, code in (("python3", "import platform; print('Python', platform.python_version(), 6 * 7)"),
                   ("ir", "cat(R.version.string, 6 * 7)")):
    kernel = call("/api/kernels", "POST", {"name": name})["id"]
    done = subprocess.run([engine, "exec", container, ".venv/bin/python", "-c", CLIENT, kernel, code],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("42"), f"kernel {name}: {done.stdout}{done.stderr}"
    ran.append(f"{name} ({done.stdout.strip()[:-3]})")
    call(f"/api/kernels/{kernel}", "DELETE")
print(f"JupyterLab answers on the published port, kernels {', '.join(names)}; ran 6 * 7 = 42 in {' and '.join(ran)}")
EOF
) || { "$ENGINE" logs "$JUPYTER" 2>&1 | tail -20 >&2; die "the JupyterLab check failed."; }
  say "  $JUPYTER_RESULT"
  "$ENGINE" rm -f "$JUPYTER" >/dev/null; JUPYTER=""
}

in_image_tests() {
  local start status=0
  say "./workshop test inside the image, --network=none"
  start=$(date +%s)
  nice -n 10 "$ENGINE" run --rm --network=none "${RUN_FLAGS[@]}" "$IMAGE" ./workshop test || status=$?
  TEST_RESULT="./workshop test in the image: exit $status, $(( $(date +%s) - start )) s"
  say "  $TEST_RESULT"
}

command -v python3 >/dev/null || die "The JupyterLab smoke test needs python3 on this machine."
pick_engine
ensure_base
podman_fixes
BUILD_SECONDS=""
[ "$BUILD" = 0 ] || build
"$ENGINE" image inspect "$IMAGE" >/dev/null 2>&1 || die "There is no image $IMAGE: build it first (without --no-build)."
SIZE=$("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE")
smoke_lesson
smoke_jupyter
TEST_RESULT=""
[ "$RUN_TESTS" = 0 ] || in_image_tests

say ""
say "Image $IMAGE, $("$ENGINE" --version)"
[ -z "$BUILD_SECONDS" ] || say "  build time: ${BUILD_SECONDS} s"
say "  image size: $(awk -v b="$SIZE" 'BEGIN { printf "%.2f GB (%d MB)", b / 1e9, b / 1e6 }')"
say "  $LESSON_RESULT"
say "  $JUPYTER_RESULT"
[ -z "$TEST_RESULT" ] || say "  $TEST_RESULT"
[ -z "$TEST_RESULT" ] || [ "${TEST_RESULT#*exit 0,}" != "$TEST_RESULT" ]
