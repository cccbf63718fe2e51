"""CMDB benchmark on PostgreSQL: impact analysis through the API on a large
graph, and the import of a large CSV file.

    createdb -h 127.0.0.1 -U postgres servista_bench_cmdb
    .venv/bin/python bench/cmdb.py --fresh --cis 100000 --relationships 500000

1. Fills the database with ``--cis`` items in layers (core network devices,
   servers, virtual servers, databases, applications, business services)
   and ``--relationships`` relationships between them (servers depend on core
   switches, virtual servers run on servers, databases and applications run
   on virtual servers, applications depend on databases and on a few other
   applications, applications provide services, services provide services),
   written with INSERT ... SELECT in the database.
2. Starts ``servista serve`` and asks ``GET /api/v1/cis/{core}/impact
   ?direction=downstream&depth=6`` of each core device in turn, ``--requests``
   times per run, one at a time; reports p50/p95/max per run and the median.
3. Imports ``--import-rows`` new servers from a CSV file with ``servista ci
   import`` (wall time, the command's own start-up included).

Prints JSON and appends the figures to bench/RESULTS.md (``--no-record``:
not). Targets: impact p95 <= 200 ms; import of 100,000 rows < 60 s.
"""

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, SERVISTA, django_query, sh, wait_healthy  # noqa: E402

FILL = r'''
import time
from django.db import connection
from servista.cmdb.models import CIClass, RelationshipType
from servista.cmdb.structure import ensure_structure
ensure_structure()
N, R = {cis}, {relationships}
layers = [("core_", "network_device", max(10, N // 1000)), ("srv_", "server", N // 5),
          ("vm_", "virtual_machine", N * 2 // 5), ("db_", "database", N // 10)]
used = sum(n for *_, n in layers)
services = max(10, N // 100)
layers += [("app_", "application", N - used - services), ("svc_", "business_service", services)]
types = {{t.key: t.pk for t in RelationshipType.objects.all()}}
start = time.monotonic()
with connection.cursor() as c:
    c.execute("TRUNCATE cmdb_relationship, cmdb_configurationitem CASCADE")
    ranges = {{}}
    for prefix, key, n in layers:
        c.execute("""INSERT INTO cmdb_configurationitem (identifier, name, short_name,
            abbreviations, ci_class, status, environment, criticality, description,
            attributes)
            SELECT md5(%s || g)::uuid, %s || g, '', '', %s, 'live', 'production', 'medium',
                   '', '{{}}'::jsonb FROM generate_series(1, %s) g RETURNING id""",
                  [prefix, prefix, key, n])
        ids = sorted(r[0] for r in c.fetchall())
        ranges[prefix] = (ids[0], len(ids))
    def rel(type_key, src, dst, per, modulo=None):
        s0, sn = ranges[src]
        d0, dn = ranges[dst]
        # Each source item gets `per` targets spread over the target layer.
        c.execute("""INSERT INTO cmdb_relationship (type_id, source_id, target_id, created_at)
            SELECT DISTINCT %s, %s + g, %s + ((g * 7919 + k * 104729) %% %s), now()
            FROM generate_series(0, %s - 1) g, generate_series(1, %s) k
            WHERE %s + g <> %s + ((g * 7919 + k * 104729) %% %s)
            ON CONFLICT DO NOTHING""",
                  [types[type_key], s0, d0, dn, sn, per, s0, d0, dn])
    rel("depends_on", "srv_", "core_", 2)
    rel("runs_on", "vm_", "srv_", 2)
    rel("runs_on", "db_", "vm_", 1)
    rel("runs_on", "app_", "vm_", 2)
    rel("depends_on", "app_", "db_", 2)
    rel("provides", "app_", "svc_", 1)
    rel("provides", "svc_", "svc_", 2)
    c.execute("SELECT count(*) FROM cmdb_relationship")
    have = c.fetchone()[0]
    # The rest: applications depending on other applications.
    per = max(1, -(-(R - have) // ranges["app_"][1]))
    rel("depends_on", "app_", "app_", per)
    c.execute("SELECT count(*) FROM cmdb_relationship")
    total = c.fetchone()[0]
    if total > R:
        c.execute("""DELETE FROM cmdb_relationship WHERE id IN (SELECT id FROM
            cmdb_relationship WHERE type_id = %s ORDER BY id DESC LIMIT %s)""",
                  [types["depends_on"], total - R])
    c.execute("ANALYZE cmdb_relationship")
    c.execute("ANALYZE cmdb_configurationitem")
    c.execute("SELECT count(*) FROM cmdb_configurationitem")
    items = c.fetchone()[0]
    c.execute("SELECT count(*) FROM cmdb_relationship")
    print(items, c.fetchone()[0], round(time.monotonic() - start, 1))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/servista_bench_cmdb")
    parser.add_argument("--fresh", action="store_true", help="drop and fill the database")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=500_000)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--requests", type=int, default=100, help="impact requests per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8779)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="servista-bench-cmdb-")
    env = {**os.environ, "DATABASE_URL": args.database_url, "SERVISTA_HOME": home,
           "SECRET_KEY": os.environ.get("SECRET_KEY", "servista-bench-only"),
           "SERVISTA_SECURE_COOKIES": "0", "SERVISTA_LOG_LEVEL": "WARNING",
           "SERVISTA_BROKER_URL": "", "SERVISTA_API_RATE_LIMIT": "100000000"}
    name = args.database_url.rsplit("/", 1)[1]
    if args.fresh:
        sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                   stderr=subprocess.DEVNULL, check=False)
    sh(SERVISTA, "migrate", "--no-input", "-v", "0", env=env, capture=False)
    counts = django_query(env, "from servista.cmdb.models import ConfigurationItem as C, "
                               "Relationship as R; print(C.objects.count(), R.objects.count())")
    items, rels = map(int, counts.split())
    if args.fresh or items < args.cis:
        print(f"filling {args.cis} items and {args.relationships} relationships", flush=True)
        out = django_query(env, FILL.format(cis=args.cis, relationships=args.relationships))
        items, rels, seconds = out.split()[-3:]
        print(f"filled {items} items, {rels} relationships in {seconds} s", flush=True)
    django_query(env, "from servista.accounts.models import User; "
                      "User.objects.get_or_create(username='bench-manager', "
                      "defaults={'role': 'manager'})")
    token = sh(SERVISTA, "token", "create", "bench-manager", "--name", "bench", env=env).strip()
    cores = django_query(env, "from servista.cmdb.models import ConfigurationItem as C; "
                              "print(','.join(str(p) for p in C.objects.filter("
                              "name__startswith='core_').values_list('pk', flat=True)))")
    cores = cores.split(",")

    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([SERVISTA, "serve", "--host", "127.0.0.1", "--port",
                               str(args.port)], env=env, start_new_session=True)
    runs, reached = [], []
    try:
        wait_healthy(url)
        for run in range(args.runs):
            times = []
            for i in range(args.requests):
                core = cores[(run * args.requests + i) % len(cores)]
                request = urllib.request.Request(  # noqa: S310
                    f"{url}/api/v1/cis/{core}/impact?direction=downstream&depth={args.depth}",
                    headers={"Authorization": f"Bearer {token}"})
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                    body = json.loads(answer.read())
                times.append((time.perf_counter() - started) * 1000)
                reached.append(len(body["items"]))
            times.sort()
            runs.append({"p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                         "max_ms": round(times[-1], 1)})
            print(json.dumps({"run": run + 1, **runs[-1]}), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    csv_path = Path(home) / "servers.csv"
    stamp = int(time.time())
    with open(csv_path, "w") as f:
        f.write("name,ci_class,status,serial_number,hostname,cpu_count,operating_system\n")
        for i in range(args.import_rows):
            f.write(f"imp{stamp}-{i},server,live,IMP{stamp}-{i},imp{stamp}-{i}.example,"
                    f"{i % 32 + 1},linux\n")
    started = time.monotonic()
    report = sh(SERVISTA, "ci", "import", str(csv_path), "--as", "bench-manager", env=env)
    import_seconds = round(time.monotonic() - started, 1)

    summary = {
        "cis": int(items), "relationships": int(rels), "depth": args.depth,
        "requests_per_run": args.requests, "runs": runs,
        "impact_p95_ms_median": statistics.median(r["p95_ms"] for r in runs),
        "impact_p50_ms_median": statistics.median(r["p50_ms"] for r in runs),
        "items_reached_median": statistics.median(reached),
        "import_rows": args.import_rows, "import_seconds": import_seconds,
        "import_report": report.strip().splitlines()[-1],
    }
    print(json.dumps(summary, indent=1))
    if not args.no_record:
        command = "python bench/cmdb.py " + " ".join(sys.argv[1:])
        with open(RESULTS, "a") as out:
            out.write(
                f"\n## CMDB: impact analysis and import ({time.strftime('%Y-%m-%d')})\n\n"
                f"`{command}` — {platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}, PostgreSQL; {summary['cis']:,} items, "
                f"{summary['relationships']:,} relationships.\n\n"
                f"- `GET /api/v1/cis/{{core}}/impact?direction=downstream&depth={args.depth}`, "
                f"one request at a time, {args.requests} per run over the core devices: "
                f"**p95 {summary['impact_p95_ms_median']} ms** (median of {args.runs} runs; "
                f"p50 {summary['impact_p50_ms_median']} ms; runs: "
                + ", ".join(f"p95 {r['p95_ms']}" for r in runs)
                + f"); {summary['items_reached_median']:.0f} items reached (median).\n"
                f"- `servista ci import` of {args.import_rows:,} new servers from CSV: "
                f"**{import_seconds} s** ({summary['import_report']})\n")


if __name__ == "__main__":
    main()
