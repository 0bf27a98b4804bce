"""`./workshop jupyter` serves every text file in notebooks/ as a notebook with its kernel, from a real JupyterLab.

One server for the module, started by the command attendees type, on a free localhost port with a
random token, and stopped (with its whole process group) however the tests end.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import jupyterlab_jupytext
import pytest

from conftest import ROOT

NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.py"), *(ROOT / "notebooks").glob("*.R")])
KERNELS = {".py": "python3", ".R": "ir"}
START_SECONDS = 120  # about 5 on 2 cores, set-up check included; a slow first start is not a failure
CELL_MARKER = re.compile(r"^# %%(.*)$", re.MULTILINE)
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never goes through a proxy


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, port, token, runtime_dir, pid):
        self.port, self.token, self.runtime_dir, self.pid = port, token, runtime_dir, pid

    def get(self, path, **query):
        url = f"http://127.0.0.1:{self.port}/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(url, headers={"Authorization": f"token {self.token}"})
        with NO_PROXY.open(request, timeout=30) as response:
            return json.load(response)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    runtime_dir = tmp_path_factory.mktemp("jupyter-runtime")  # where the server describes itself
    log = runtime_dir / "server.log"
    port, token = free_port(), secrets.token_hex(16)
    with log.open("w") as out:
        process = subprocess.Popen(
            ["./workshop", "jupyter", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}"],
            cwd=ROOT, env={**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime_dir)},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    running = Server(port, token, runtime_dir, process.pid)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"./workshop jupyter exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                running.get("api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {START_SECONDS} s:\n{log.read_text()[-3000:]}")
                time.sleep(0.25)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the session holds the server and any kernel it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_jupyterlab_listens_on_localhost_only_and_serves_the_workshop_folder(server):
    # `./workshop` execs JupyterLab, so the server's own description carries the pid we started.
    described = json.loads((server.runtime_dir / f"jpserver-{server.pid}.json").read_text())
    assert described["hostname"] == "127.0.0.1"
    assert described["port"] == server.port
    assert Path(described["root_dir"]).resolve() == ROOT


def test_the_python_and_r_kernels_are_registered(server):
    specs = server.get("api/kernelspecs")["kernelspecs"]
    assert specs["python3"]["spec"]["language"] == "python"
    assert specs["ir"]["spec"]["language"] == "R"


def test_the_file_browser_lists_every_text_notebook_as_a_notebook(server):
    listing = {item["name"]: item["type"] for item in server.get("api/contents/notebooks", content=1)["content"]}
    assert {p.name: listing.get(p.name) for p in NOTEBOOKS} == {p.name: "notebook" for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_each_text_file_opens_as_a_notebook_with_its_kernel(server, path):
    model = server.get(f"api/contents/notebooks/{path.name}", type="notebook", content=1)
    assert (model["type"], model["format"]) == ("notebook", "json")
    notebook = model["content"]
    assert notebook["metadata"]["kernelspec"]["name"] == KERNELS[path.suffix]
    # Cell by cell as the percent markers in the file say, not one block of text.
    markers = CELL_MARKER.findall(path.read_text())
    expected = ["markdown" if "[markdown]" in m or "[md]" in m else "code" for m in markers]
    assert [cell["cell_type"] for cell in notebook["cells"]] == expected


def test_a_double_click_opens_python_and_r_files_with_jupytexts_notebook_viewer(server):
    schema = server.get("lab/api/settings/@jupyterlab/docmanager-extension:plugin")["schema"]
    viewers = schema["properties"]["defaultViewers"]["default"]
    assert viewers["python"] == viewers["r"] == "Jupytext Notebook"
    # The name must be the one jupytext's JupyterLab extension registers its viewer under.
    static = Path(jupyterlab_jupytext.__file__).parent / "labextension" / "static"
    assert any('"Jupytext Notebook"' in js.read_text(errors="replace") for js in static.glob("*.js"))


# A real browser, as an attendee's double click: the lesson files (each a script and a notebook at
# once) and a notebook of notebooks/, in each language. Headless Chromium loads JupyterLab, opens
# the file by its URL (what a double click in the file browser does) and hands back the page.
BROWSER_FILES = ["python/cnn_mnist.py", "R/cnn_mnist.R", "notebooks/foundations_pooling.R"]
ELEMENT_CLASSES = re.compile(r'<[a-z]+ [^>]*class="([^"]*)"')


def opened_in_a_browser(server, path, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert browser, "no Chromium here: apt-get install chromium"
    url = (f"http://127.0.0.1:{server.port}/lab/workspaces/test-{secrets.token_hex(4)}/tree/{path}"
           f"?reset&token={server.token}")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=30000",
                           "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("path", BROWSER_FILES)
def test_a_double_click_in_a_real_browser_opens_the_file_as_a_notebook(server, path, tmp_path):
    page = opened_in_a_browser(server, path, tmp_path)
    widgets = [set(classes.split()) for classes in ELEMENT_CLASSES.findall(page)]
    assert any({"jp-MainAreaWidget", "jp-NotebookPanel"} <= w for w in widgets), f"{path} did not open as a notebook"
    assert not any("jp-FileEditor" in w for w in widgets), f"{path} opened in the text editor"
    # its cells, as the percent markers cut them: the first markdown heading is rendered as a heading
    title = next(line for line in (ROOT / path).read_text().splitlines() if line.startswith("# # "))[4:]
    assert title.split(":")[0] in page
    assert sum("jp-CodeCell" in w for w in widgets) >= 2


def test_the_course_page_is_current_and_opens_rendered_with_the_lessons_in_course_order(server, tmp_path):
    """JupyterLab's file browser sorts by name; COURSE.md, which ./workshop jupyter opens first, lists
    every lesson in the spec's teaching order, and opens as a rendered page, not as text."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    import course_page
    assert (ROOT / "COURSE.md").read_text() == course_page.page(), \
        "COURSE.md is out of date: .venv/bin/python tools/course_page.py > COURSE.md"
    page = opened_in_a_browser(server, "COURSE.md", tmp_path)
    widgets = [set(classes.split()) for classes in ELEMENT_CLASSES.findall(page)]
    assert any("jp-RenderedMarkdown" in w for w in widgets), "COURSE.md did not open as a rendered page"
    assert not any("jp-FileEditor" in w for w in widgets), "COURSE.md opened in the text editor"
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
    order = [lesson for deck in spec["course"]["decks"] for lesson in deck["lessons"]]
    # JupyterLab resolves each link to the file's /files/ address and opens it in the app on a click
    # (its rendermime link handler), with the default viewer: a lesson file opens as a notebook.
    where = [page.find(f"/files/{course_page.lesson_files(lesson)[0]}?") for lesson in order]
    assert all(at > 0 for at in where) and where == sorted(where), dict(zip(order, where))
