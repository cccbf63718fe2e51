"""Service level benchmark on PostgreSQL: recomputing the timers of
100,000 open incidents (target: at most 10 s) and the breach scan over
1,000,000 timers (target: the due ones found in under 1 s).

    python bench/sla.py --fresh --open 100000 --scan-size 1000000 --runs 3

``--fresh`` drops the database, migrates, loads ``--open`` incidents with
``servista loaddemo``, opens again enough of the resolved ones for
``--open`` of them to be open (one in five on hold), gives each its
history (an interval from its opening with its values, and for those on
hold an earlier in-progress interval), and writes ``--scan-size`` timers
for the scan (a separate record type, ``bench.scan``, 1,000 of them due).
The recompute runs ``sla.services.recompute_records`` (the same
``timers.compute`` as every record's own recompute) over the first
``--open`` open incidents, the first run creating their timers and the next
ones updating them; the scan runs the query of ``sla.services.scan``.
Medians are printed as JSON and appended to bench/RESULTS.md with the
command.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SERVISTA = str(Path(sys.executable).parent / "servista")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/servista_sla_bench"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--prepare", action="store_true",
                        help="with incidents already loaded: only open them and write the "
                             "intervals and the scan's timers")
    parser.add_argument("--open", type=int, default=100_000, dest="open_count")
    parser.add_argument("--scan-size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url,
           "SERVISTA_HOME": os.environ.get("SERVISTA_HOME") or tempfile.mkdtemp(),
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only")}
    os.environ.update(env)
    if args.fresh:
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                       check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        subprocess.run([SERVISTA, "migrate", "-v0"], env=env, check=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servista.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from servista.incidents.choices import IncidentState
    from servista.incidents.models import Incident
    from servista.sla import services
    from servista.sla.models import Agreement, Target, Timer

    open_states = list(IncidentState.OPEN)
    if args.fresh:
        subprocess.run([SERVISTA, "loaddemo", "--size", str(args.open_count)], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    if args.fresh or args.prepare:
        with connection.cursor() as cur:
            # The demo's history is mostly resolved: enough of it is opened
            # again (in progress, on hold awaiting the caller one in five).
            missing = args.open_count - Incident.objects.filter(state__in=open_states).count()
            if missing > 0:
                cur.execute("""
                    UPDATE incidents_incident SET
                        state = CASE WHEN id %% 5 = 0 THEN 'on_hold' ELSE 'in_progress' END,
                        hold_reason = CASE WHEN id %% 5 = 0 THEN 'awaiting_caller' ELSE '' END,
                        resolved_at = NULL, closed_at = NULL
                    WHERE id IN (SELECT id FROM incidents_incident
                                 WHERE state NOT IN ('new', 'in_progress', 'on_hold')
                                 ORDER BY id LIMIT %s)""", [missing])
            cur.execute("""
                INSERT INTO sla_recordinterval (record_type, record_id, start, "end", "values")
                SELECT 'incidents.incident', id, opened_at, NULL, json_build_object(
                    'state', state, 'priority', priority, 'assignment_group',
                    assignment_group_id, 'assigned_to', assigned_to_id, 'hold_reason',
                    hold_reason, 'service', service_id, 'organization', organization_id)
                FROM incidents_incident WHERE id NOT IN (
                    SELECT record_id FROM sla_recordinterval
                    WHERE record_type = 'incidents.incident')""")
            # Those on hold were in progress for their first hour.
            cur.execute("""
                UPDATE sla_recordinterval SET start = start + interval '1 hour'
                WHERE "values"->>'state' = 'on_hold'""")
            cur.execute("""
                INSERT INTO sla_recordinterval (record_type, record_id, start, "end", "values")
                SELECT record_type, record_id, start - interval '1 hour', start,
                       jsonb_set("values"::jsonb, '{state}', '"in_progress"')::json
                FROM sla_recordinterval WHERE "values"->>'state' = 'on_hold'""")
            agreement = Agreement.objects.order_by("id").first()
            target = Target.objects.filter(agreement=agreement).order_by("id").first()
            cur.execute("""
                INSERT INTO sla_timer (record_type, record_id, agreement_id, target_id, kind,
                    status, cycle, elapsed, paused, target_duration, next_event_at,
                    computed_at)
                SELECT 'bench.scan', g, %s, %s, 'resolution', 'in_progress', 0,
                    interval '0', interval '0', interval '8 hours',
                    now() + (g * interval '2 seconds') - interval '2001 seconds', now()
                FROM generate_series(1, %s) AS g""", [agreement.pk, target.pk, args.scan_size])
            cur.execute("ANALYZE")
    last_open = Incident.objects.filter(state__in=open_states).order_by("pk") \
        .values_list("pk", flat=True)[args.open_count - 1]
    batch = Incident.objects.filter(state__in=open_states, pk__lte=last_open)

    recompute = []
    for _ in range(args.runs):
        started = time.perf_counter()
        count = services.recompute_records(batch, batch=5000)
        recompute.append(time.perf_counter() - started)
    timers = Timer.objects.exclude(record_type="bench.scan").count()

    scan, found = [], 0
    for _ in range(max(args.runs, 5)):
        now = timezone.now()
        started = time.perf_counter()
        found = len(list(services.due_timers(now).filter(record_type="bench.scan")
                         .values_list("record_type", "record_id")))
        scan.append(time.perf_counter() - started)
    scanned = Timer.objects.filter(record_type="bench.scan").count()

    figures = {
        "recompute_records": count, "recompute_timers": timers,
        "recompute_seconds_median": round(statistics.median(recompute), 2),
        "recompute_seconds_runs": [round(s, 2) for s in recompute],
        "scan_timers": scanned, "scan_due_found": found,
        "scan_seconds_median": round(statistics.median(scan), 4),
        "scan_seconds_runs": [round(s, 4) for s in scan],
    }
    print(json.dumps(figures, indent=2))
    if not args.no_record:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        command = "python bench/sla.py " + " ".join(sys.argv[1:])
        with RESULTS.open("a") as out:
            out.write(
                f"\n## {stamp} · commit {commit} · service levels · postgres\n\n"
                f"`{command}` — {platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}.\n\n"
                f"- Recompute of the timers of {count:,} open incidents ({timers:,} timers): "
                f"median **{figures['recompute_seconds_median']} s** of {args.runs} runs "
                f"(runs {figures['recompute_seconds_runs']}; target ≤ 10 s).\n"
                f"- Breach scan over {scanned:,} timers, {found:,} due: median "
                f"**{figures['scan_seconds_median'] * 1000:.1f} ms** (runs "
                f"{figures['scan_seconds_runs']}; target < 1 s).\n")


if __name__ == "__main__":
    main()
