"""The README's examples, run as written, in order, on a fresh demo.

The ```sh blocks under "The command line" and "The API in one minute" are
read from README.md (nothing of them is copied here) and run one after the
other in a single ``bash`` with ``set -euo pipefail``, so that the variables
of a block (``$INC``, ``$TOKEN``...) reach the later ones. Before them,
``servista demo --no-serve`` fills a fresh SERVISTA_HOME (SQLite, as for the
README's reader, whatever DATABASE_URL the suite runs with; the demo's secret
key stays in SERVISTA_HOME/secret_key, where the later commands find it: no
SECRET_KEY is exported), and the demo server runs in the background for the
curl examples.

One substitution: the server listens on a free port chosen for the run, not
on 8000, which a developer's own demo often holds (and two runs at once would
share); ``http://127.0.0.1:8000`` in the blocks becomes its address.

Not run, on purpose: the blocks under "The two commands" (``scripts/demo``
serves until stopped, ``scripts/test`` runs this suite) and "Running in
production" (a template naming a PostgreSQL host, a broker and a real host
name). A shell block under any other heading fails this test until it is run
here or named as not run.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import servista

README = Path(__file__).resolve().parents[2] / "README.md"
RUN = ("The command line", "The API in one minute",
       "The service desk's dashboard, views and exports",
       "Problems, known errors and knowledge", "Service levels", "Attachments",
       "The agent's daily tools",
       "The e-mail channel", "Configuration management and the service portfolio")
NOT_RUN = ("The two commands", "Running in production")
SHELLS = ("sh", "bash", "shell")
README_URL = "http://127.0.0.1:8000"
DEMO_INCIDENTS = "20"  # enough for the examples, quick to load
MARK = "@@ README block {} @@"


def shell_blocks(markdown: str) -> list[tuple[str, str]]:
    """(heading above it, code) of each fenced shell block, in order."""
    blocks, heading, fence, lang, code = [], "", None, "", []
    for line in markdown.splitlines():
        if fence is None:
            opening = re.match(r" {0,3}(`{3,}|~{3,})\s*([\w-]*)", line)
            if opening:
                fence, lang, code = opening.group(1), opening.group(2).lower(), []
            elif title := re.match(r" {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line):
                heading = title.group(1)
        elif closes(fence, line):
            if lang in SHELLS:
                blocks.append((heading, "\n".join(code) + "\n"))
            fence = None
        else:
            code.append(line)
    assert fence is None, "README.md: a code block is not closed"
    return blocks


def closes(fence: str, line: str) -> bool:
    """A closing fence: the opening's character, at least as many, nothing else."""
    mark = line.strip()
    return (len(line) - len(line.lstrip(" ")) <= 3 and len(mark) >= len(fence)
            and set(mark) == {fence[0]})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(home: Path, bin_dir: Path) -> dict[str, str]:
    """The README reader's shell: no settings of this suite, the same code."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("SERVISTA_")
           and name not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                            "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")}
    source = str(Path(servista.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    env["SERVISTA_HOME"] = str(home)
    return env


def servista_on_path(bin_dir: Path) -> None:
    """``servista`` as the README types it, run by this interpreter."""
    bin_dir.mkdir()
    script = bin_dir / "servista"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m servista.cli "$@"\n')
    script.chmod(0o755)


def wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the demo server exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the demo server did not answer {url}/healthz in 90 s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server and its workers (its own process group)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture
def readme_blocks() -> list[str]:
    blocks = shell_blocks(README.read_text())
    headings = {heading for heading, _ in blocks}
    unknown = headings - set(RUN) - set(NOT_RUN)
    assert not unknown, f"README shell blocks neither run nor named as not run: {unknown}"
    assert set(RUN) <= headings, f"README sections without their examples: {set(RUN) - headings}"
    return [code for heading, code in blocks if heading in RUN]


def test_readme_examples_run_in_order_on_the_demo(readme_blocks, tmp_path):
    if shutil.which("curl") is None:
        pytest.fail("curl is needed by the README's API examples: apt-get install curl "
                    "(scripts/test installs it)")
    home, work, bin_dir = tmp_path / "home", tmp_path / "work", tmp_path / "bin"
    work.mkdir()
    servista_on_path(bin_dir)
    env = clean_environment(home, bin_dir)

    demo = subprocess.run(["servista", "demo", "--no-serve", "--incidents", DEMO_INCIDENTS],  # noqa: S607
                          env=env, cwd=work, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "agent (" in demo.stdout and "manager (" in demo.stdout
    assert (home / "secret_key").is_file()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with open(log, "w") as log_file:
        server = subprocess.Popen(["servista", "demo", "--port", str(port)],  # noqa: S607
                                  env=env, cwd=work, stdout=log_file, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        wait_for_health(url, server, log)
        assert any(README_URL in code for code in readme_blocks)
        script = ["set -euo pipefail",
                  "trap 'echo \"README example failed: $BASH_COMMAND\" >&2' ERR"]
        for index, code in enumerate(readme_blocks):
            script += [f"echo '{MARK.format(index)}'", code.replace(README_URL, url)]
        started = time.monotonic()
        result = subprocess.run(["bash", "-c", "\n".join(script)], env=env, cwd=work,  # noqa: S607
                                capture_output=True, text=True, timeout=600)
        seconds = time.monotonic() - started
    finally:
        stop(server)
    assert result.returncode == 0, (
        f"README examples failed (exit {result.returncode}) after {seconds:.0f} s\n"
        f"--- stderr\n{result.stderr[-4000:]}\n--- stdout (end)\n{result.stdout[-4000:]}")
    outputs = re.split(r"^@@ README block \d+ @@\n", result.stdout, flags=re.M)[1:]
    assert len(outputs) == len(readme_blocks) == 10
    cli, api, desk, learning, levels, defining, files, tools, mail, cmdb = outputs

    # The command line: one incident, logged, listed, worked and resolved.
    assert re.search(r"^servista \d+\.\d+", cli, re.M)
    assert re.search(r"^sv_[\w-]+$", cli, re.M)  # the token, alone on its line
    number = re.search(r"^(INC\d{7}): In progress$", cli, re.M).group(1)
    assert re.search(rf"^{number}\s+New\s+2\s+Service Desk ", cli, re.M)  # priority 2, matrix
    assert re.search(rf"^Number:\s+{number}$", cli, re.M)
    assert re.search(r"^Priority:\s+2 - High$", cli, re.M)
    assert re.search(r"^Channel:\s+Command line$", cli, re.M)
    assert re.search(rf"^{number}\s+In progress\s+\d\s+Network ", cli, re.M)  # the search
    assert re.search(rf"^{number}: Resolved$", cli, re.M)
    assert re.search(r"^Loaded [\d,]+ incidents INC\d+\.\.INC\d+", cli, re.M)

    # The API: created with priority 2, listed, changed with If-Match, then 412.
    assert re.search(r"^HTTP/1.1 200 OK", api, re.M) and re.search(r'^ETag: "1"', api, re.M)
    shown, listing, patched = json_lines(api)
    created = shown["number"]
    assert created != number and created.startswith("INC")
    assert (shown["priority"], shown["impact"], shown["urgency"]) == (2, 1, 2)
    assert (shown["state"], shown["channel"], shown["caller"]["username"]) == (
        "new", "api", "requester")
    assert created in {item["number"] for item in listing["items"]}
    assert all(item["state"] == "new" and item["assignment_group"]["display"] == "Service Desk"
               for item in listing["items"])
    assert (patched["number"], patched["urgency"], patched["priority"], patched["version"]) == (
        created, 3, 3, 2)
    assert api.rstrip().splitlines()[-1] == "412"

    # The dashboard: the figures on the command line, then the same as JSON.
    assert re.search(r"^Open incidents: \d+$", desk, re.M)
    assert re.search(r"^First-contact resolution: (\d+%|—) \(\d+ of \d+\)$", desk, re.M)
    board, saved = json_lines(desk)
    # A saved view through the API, shared with the desk, then listed.
    assert (saved["name"], saved["shared_with"]["display"]) == ("Open P1", "Service Desk")
    assert [v["name"] for v in json.loads(desk.rstrip().splitlines()[-1])] == ["Open P1"]
    assert board["days"] == 7 and len(board["trend"]) == 7
    assert [row["priority"] for row in board["open_by_priority"]] == [1, 2, 3, 4, 5]
    assert board["open_total"] == sum(row["count"] for row in board["open_by_priority"])
    assert all(row["url"].startswith("/incidents/?") for row in board["aging"])

    # Problems, known errors and knowledge: the learning loop.
    problem = re.search(r"^(PRB\d{7}): Assessed$", learning, re.M).group(1)
    assert re.search(rf"^{problem}: Known error$", learning, re.M)
    assert re.search(rf"^{problem}\s+Known error\s+2\s", learning, re.M)  # risk 2 x 1
    suggested = json_lines(learning)[0]
    top = suggested["items"][0]
    assert (top["kind"], top["number"]) == ("known_error", problem)
    assert "Credential Manager" in top["workaround"]
    assert re.search(rf"^{problem}: Resolved$", learning, re.M)
    assert re.search(r"^State:\s+Resolved$", learning, re.M)
    assert re.search(r"^KB\d{7}\s+Published", learning, re.M)
    hits = json.loads(learning.rstrip().splitlines()[-1])
    assert any("<mark>Printer</mark>" in hit["snippet"] for hit in hits), hits

    # Service levels: Friday 16:00 plus 8 business hours is Monday 16:00.
    assert re.search(r"2026-03-09T16:00:00\+01:00", levels), levels

    # Defining service levels: a calendar, a group's hours, an OLA's target;
    # an unknown time zone is refused.
    calendar, group_hours, ola = json_lines(defining)[:3]
    assert calendar["name"] == "Network on call" and calendar["time_zone"] == "Europe/Rome"
    assert defining.rstrip().splitlines()[-1] == "422"

    # The agent's daily tools: time spent, a watcher, a template, a mention.
    assert re.search(r"watchers: manager", tools), tools
    assert '"mentions"' in tools and "manager" in tools
    spent = json.loads(tools.rstrip().splitlines()[-1])
    assert "35" in json.dumps(spent), spent

    # Attachments: a work note with its file, then the record's files.
    note, listed = json_lines(files)[0], json.loads(files.rstrip().splitlines()[-1])
    [attached] = note["attachments"]
    assert (note["kind"], attached["name"], attached["internal"]) == (
        "work_note", "trace.txt", True)
    assert attached["sha256"] == hashlib.sha256(b"ping 10.8.0.1: request timed out\n").hexdigest()
    assert [item["id"] for item in listed] == [attached["id"]]

    # Mail: a message from the demo's requester logs an incident, once.
    first = re.search(r"^Created a record: (INC\d{7})$", mail, re.M).group(1)
    assert re.search(rf"^Already read: Created a record: {first}$", mail, re.M), mail

    # The CMDB: impact with the services reached; a wrong attribute type refused.
    assert "Services reached:" in cmdb, cmdb
    assert cmdb.rstrip().splitlines()[-1] == "422"
