"""``servista worker``: runs Servista's background work (SLA clocks,
automatic closure, e-mail...).

With ``SERVISTA_BROKER_URL`` set it is a Celery worker on the broker with the
periodic tasks' scheduler (beat) embedded and the outbox relay, which
publishes the jobs queued in the database (``core.tasks``); start further
workers with ``--no-beat`` so the schedule runs once (each runs a relay:
they share the outbox without sending a job twice). Without a broker it runs the
database queue of the embedded set-up in the foreground until SIGINT or
SIGTERM (``--once``: run what is due, then exit).
"""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servista.core import server, tasks


class Command(BaseCommand):
    help = "Run the background worker (Celery when a broker is configured)."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=None,
                            help="Celery worker processes (default: one per CPU)")
        parser.add_argument("--no-beat", action="store_true",
                            help="Celery: do not run the periodic-task scheduler here")
        parser.add_argument("--loglevel", default="INFO", help="Celery log level")
        parser.add_argument("--once", action="store_true",
                            help="embedded queue: run the due tasks once, then exit")

    def handle(self, *args, concurrency, no_beat, loglevel, once, **options):
        if concurrency is not None and concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        if tasks.broker_configured():
            if once:
                raise CommandError("--once is for the embedded queue; a broker is configured.")
            self.run_celery(concurrency or server.cpu_count(), not no_beat, loglevel)
        elif once:
            ran = self.run_once()
            self.stdout.write(f"Ran the periodic tasks and {ran} queued task(s).")
        else:
            self.run_embedded()

    def run_celery(self, concurrency: int, beat: bool, loglevel: str) -> None:
        app = tasks.celery_app()
        argv = ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}"]
        if beat:
            argv += ["--beat", f"--schedule={settings.HOME / 'celerybeat-schedule'}"]
        app.worker_main(argv)

    def run_once(self) -> int:
        runner = tasks.EmbeddedWorker()
        tasks.autodiscover()
        runner.run_periodic()
        total = 0
        while ran := tasks.run_pending():
            total += ran
        return total

    def run_embedded(self) -> None:
        runner = tasks.EmbeddedWorker()

        def stop(signum, frame):
            self.stdout.write("Stopping after the current task...")
            runner.stop()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write("Servista worker running the database queue (no broker "
                          "configured). Stop with Ctrl+C.")
        runner.run()  # in this thread, until stop() is called
        self.stdout.write("Worker stopped.")
