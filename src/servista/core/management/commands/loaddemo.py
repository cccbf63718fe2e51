"""``servista loaddemo --size N``: bulk-load N demo incidents for benchmarks.

Creates the demo department (people, groups, services, CIs, categories) if
it is missing, then streams N incidents with one journal entry each straight
into the database: ``COPY`` on PostgreSQL (a million rows in minutes),
batched inserts on SQLite. Numbers continue after the existing incidents.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from servista.core.demo import load_reference_data
from servista.core.demo.bulk import analyze, load_incidents

MAX_SIZE = 100_000_000  # numbers have 7 digits and more: far beyond any benchmark


class Command(BaseCommand):
    help = "Bulk-load N realistic demo incidents (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True, help="number of incidents")
        parser.add_argument("--seed", type=int, default=0,
                            help="random seed of the incidents (repeatable data)")
        parser.add_argument("--batch", type=int, default=None,
                            help="rows per transaction (default 50000 on PostgreSQL, "
                                 "5000 on SQLite)")

    def handle(self, *args, size, seed, batch, **options):
        if not 1 <= size <= MAX_SIZE:
            raise CommandError(f"--size must be between 1 and {MAX_SIZE:,}.")
        if batch is not None and not 1 <= batch <= MAX_SIZE:
            raise CommandError(f"--batch must be between 1 and {MAX_SIZE:,}.")
        started = time.monotonic()
        with transaction.atomic():
            ref = load_reference_data()
        self.stdout.write(f"Reference data ready: {len(ref.requesters)} requesters, "
                          f"{len(ref.agents)} agents, {len(ref.groups)} groups, "
                          f"{len(ref.services)} services, {len(ref.cis)} CIs.")
        self.stdout.write(f"Loading {size:,} incidents into {connection.vendor}...")
        last_report = [0.0]

        def progress(done: int, seconds: float) -> None:
            if done == size or seconds - last_report[0] >= 2:
                last_report[0] = seconds
                rate = done / seconds if seconds else 0
                self.stdout.write(f"  {done:>12,} / {size:,} incidents  "
                                  f"{rate:>10,.0f} incidents/s")

        first, last = load_incidents(ref, size, seed=seed, batch=batch, progress=progress)
        loaded = time.monotonic()
        analyze()
        total = time.monotonic() - started
        rate = size / max(loaded - started, 1e-9)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {size:,} incidents {first}..{last} with their journal entries in "
            f"{total:,.1f} s ({rate:,.0f} incidents/s, {2 * rate:,.0f} rows/s)."))
