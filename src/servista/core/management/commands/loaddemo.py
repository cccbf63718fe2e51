"""``servista loaddemo --size N``: bulk-load N demo incidents for benchmarks.

Creates the demo department (people, groups, services, CIs, categories) if
it is missing, then streams N incidents with one journal entry each straight
into the database: ``COPY`` on PostgreSQL (a million rows in minutes),
batched inserts on SQLite. Numbers continue after the existing incidents.

The data comes from the apps' demo stories (``servista.core.demo``): the
reference stories in one transaction, then the bulk stories, which commit
batch by batch and report their progress.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from servista.core import demo

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
        context = demo.Context(seed=seed, count=size, batch=batch, out=self.report)
        try:
            with transaction.atomic():
                demo.run(context, demo.REFERENCE)
            summary = context.summary()
            self.stdout.write(f"Reference data ready: {summary}." if summary
                              else "Reference data ready.")
            demo.run(context, demo.BULK)
        except demo.StoryFailed as exc:
            raise CommandError(str(exc)) from exc

    def report(self, line: str, *, success: bool = False) -> None:
        self.stdout.write(self.style.SUCCESS(line) if success else line)
