"""Servista benchmarks: API incident creation and the filtered incident list.

Starts `servista serve` against a database (PostgreSQL by default), makes
sure it holds at least --size incidents (bulk-loaded with `servista
loaddemo`), then drives it with wrk from a second process:

  creates  POST /api/v1/incidents at concurrency 8       target >= 500/s
  list     GET first page ?state=S&assignment_group=G     target p95 <= 150 ms
  search   GET first page ?q=WORDS (full-text index), some with a state filter
  suggestions  GET /api/v1/incident-suggestions?text=... (known errors, articles,
           open incidents like the text)                  target p95 <= 300 ms

Each scenario runs --runs times; the medians are printed as JSON and appended
to bench/RESULTS.md with the command that reproduces them.

    python bench/run.py --size 1000000 --runs 5

Needs: wrk (Debian package `wrk`), PostgreSQL on 127.0.0.1:5432.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_DIR = ROOT / "bench" / "wrk"
RESULTS = ROOT / "bench" / "RESULTS.md"
SERVISTA = str(Path(sys.executable).parent / "servista")


def sh(*args, env=None, capture=True) -> str:
    result = subprocess.run(args, env=env, check=True, text=True,
                            stdout=subprocess.PIPE if capture else None)
    return result.stdout if capture else ""


def django_query(env, code: str) -> str:
    """Run a snippet in `servista shell` and return what it prints."""
    return sh(SERVISTA, "shell", "--no-imports", "-c", code, env=env).strip()


def wait_healthy(url: str, timeout: float = 60) -> None:
    """Until the server answers with its database connections up (no
    background worker runs during a benchmark with a broker, so /healthz
    reports that one missing: 503 with the databases "ok" is ready here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as answer:
            body = json.loads(answer.read() or b"{}")
            databases = body.get("checks", {}).get("databases", {})
            if databases and set(databases.values()) == {"ok"}:
                return
            time.sleep(0.5)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server at {url} did not become healthy")


def wrk(script: str, url: str, *, connections: int, threads: int, seconds: int, env) -> dict:
    out = sh("wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
             "-s", str(WRK_DIR / script), url, env=env)
    for line in out.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise SystemExit(f"wrk printed no summary:\n{out}")


def median_of(runs: list[dict], *path) -> float:
    values = []
    for run in runs:
        value = run
        for key in path:
            value = value[key]
        values.append(value)
    return round(statistics.median(values), 2)


def read_scenario(script: str, url: str, count: int, args, env) -> dict:
    """A GET scenario at 2 connections: a warm-up, then --runs runs."""
    wrk(script, url, connections=2, threads=1, seconds=3, env=env)
    runs = [wrk(script, url, connections=2, threads=1, seconds=args.seconds, env=env)
            for _ in range(args.runs)]
    return {
        "incidents": count, "connections": 2, "runs": runs,
        "median_p95_ms": median_of(runs, "latency_ms", "p95"),
        "median_p50_ms": median_of(runs, "latency_ms", "p50"),
        "median_per_second": median_of(runs, "per_second"),
        "non_2xx": sum(r["non_2xx"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        default=os.environ.get("BENCH_DATABASE_URL",
                                               "postgres://postgres@127.0.0.1:5432/servista_bench"))
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/14",
                        help="Celery broker of the server under test, as in production: "
                             "background jobs (e.g. closing resolved incidents) then run in "
                             "separate workers, not inside the measured web processes; "
                             "'' runs them in the server (embedded set-up)")
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="incidents the database must hold before the list benchmark")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=15, help="length of each wrk run")
    parser.add_argument("--workers", type=int, default=None, help="servista serve --workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", choices=["creates", "list", "search", "suggestions"],
                        default=None)
    parser.add_argument("--fresh", action="store_true",
                        help="drop and recreate the PostgreSQL database, then load --size "
                             "incidents (earlier runs' creations skew the list's data)")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    home = tempfile.mkdtemp(prefix="servista-bench-")
    env = {**os.environ, "DATABASE_URL": args.database_url, "SERVISTA_HOME": home,
           "SECRET_KEY": os.environ.get("SECRET_KEY", "servista-bench-only"),
           "SERVISTA_SECURE_COOKIES": "0", "SERVISTA_LOG_LEVEL": "WARNING",
           "SERVISTA_BROKER_URL": args.broker_url,
           # One token makes every request: throttling counts them all (its
           # cost is measured) but never refuses one.
           "SERVISTA_API_RATE_LIMIT": "100000000"}
    if args.database_url.startswith("postgres"):
        name = args.database_url.rsplit("/", 1)[1]
        if args.fresh:
            sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                       stderr=subprocess.DEVNULL, check=False)

    sh(SERVISTA, "migrate", "--no-input", env=env, capture=False)
    count = int(django_query(env, "from servista.incidents.models import Incident; "
                                  "print(Incident.objects.count())"))
    if count < args.size:
        print(f"loading {args.size - count} incidents (database holds {count})", flush=True)
        started = time.monotonic()
        sh(SERVISTA, "loaddemo", "--size", str(args.size - count), env=env, capture=False)
        print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)
        count = args.size

    agent = django_query(env, (
        "from servista.accounts.models import User; "
        "print(User.objects.filter(role='agent', is_active=True, "
        "support_groups__isnull=False).order_by('pk').values_list('username', flat=True)[0])"))
    token = sh(SERVISTA, "token", "create", agent, "--name", "benchmark", env=env).strip()
    groups = django_query(env, (
        "from servista.accounts.models import Group; "
        "print(','.join(str(g) for g in "
        "Group.objects.order_by('pk').values_list('pk', flat=True)))"))

    url = f"http://127.0.0.1:{args.port}"
    serve = [SERVISTA, "serve", "--host", "127.0.0.1", "--port", str(args.port)]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    server = subprocess.Popen(serve, env=env, start_new_session=True)
    results: dict = {}
    try:
        wait_healthy(url)
        wrk_env = {**env, "SERVISTA_TOKEN": token, "SERVISTA_GROUPS": groups}
        for name, script in (("list", "list.lua"), ("search", "search.lua"),
                             ("suggestions", "suggestions.lua")):
            if args.only in (None, name):
                results[name] = read_scenario(script, url, count, args, wrk_env)
        if args.only in (None, "creates"):
            create_url = url + "/api/v1/incidents"
            wrk("create.lua", create_url, connections=8, threads=2, seconds=3,
                env=wrk_env)  # warm up
            runs = [wrk("create.lua", create_url, connections=8, threads=2,
                        seconds=args.seconds, env=wrk_env) for _ in range(args.runs)]
            results["creates"] = {
                "connections": 8, "runs": runs,
                "median_per_second": median_of(runs, "per_second"),
                "median_p95_ms": median_of(runs, "latency_ms", "p95"),
                "non_2xx": sum(r["non_2xx"] for r in runs),
            }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            text=True, capture_output=True, check=False).stdout.strip()
    summary = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": (f"{platform.machine()}, {os.cpu_count()} cores, "
                    f"Python {platform.python_version()}"),
        "database": args.database_url.split("://")[0],
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        **{name: {k: v for k, v in data.items() if k != "runs"} for name, data in results.items()},
    }
    print(json.dumps({"summary": summary, "runs": results}, indent=2))
    if not args.no_record:
        record(summary)


def record(summary: dict) -> None:
    lines = []
    if not RESULTS.exists():
        lines += ["# Benchmark results", "",
                  "Medians of several wrk runs on this project's 2-core machine "
                  "(see bench/README.md).", ""]
    lines.append(f"## {summary['date']} · commit {summary['commit']} · {summary['database']}")
    lines.append("")
    lines.append(f"`{summary['command']}` — {summary['machine']}")
    lines.append("")
    if "creates" in summary:
        c = summary["creates"]
        lines.append(f"- API incident creation, concurrency {c['connections']}: "
                     f"**{c['median_per_second']:.0f} creates/s** (median), "
                     f"p95 {c['median_p95_ms']} ms, non-2xx {c['non_2xx']}")
    if "list" in summary:
        s = summary["list"]
        lines.append(f"- Incident list, first page filtered by state and group, "
                     f"{s['incidents']:,} incidents, {s['connections']} connections: "
                     f"**p95 {s['median_p95_ms']} ms** (median of runs), p50 "
                     f"{s['median_p50_ms']} ms, {s['median_per_second']:.0f} pages/s, "
                     f"non-2xx {s['non_2xx']}")
    if "search" in summary:
        s = summary["search"]
        lines.append(f"- Incident search (q=, first page), {s['incidents']:,} incidents, "
                     f"{s['connections']} connections: **p95 {s['median_p95_ms']} ms** "
                     f"(median of runs), p50 {s['median_p50_ms']} ms, "
                     f"{s['median_per_second']:.0f} pages/s, non-2xx {s['non_2xx']}")
    if "suggestions" in summary:
        s = summary["suggestions"]
        lines.append(f"- Incident suggestions while typing (known errors, articles, open "
                     f"incidents), {s['incidents']:,} incidents, {s['connections']} "
                     f"connections: **p95 {s['median_p95_ms']} ms** (median of runs), p50 "
                     f"{s['median_p50_ms']} ms, {s['median_per_second']:.0f} answers/s, "
                     f"non-2xx {s['non_2xx']}")
    lines.append("")
    with RESULTS.open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
