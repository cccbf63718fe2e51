"""``servista serve``: the production web server."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servista.core import server, tasks


class Command(BaseCommand):
    help = (
        "Serve Servista with gunicorn (several worker processes). Without "
        "SERVISTA_BROKER_URL one worker process also runs the background worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None,
                            help=f"worker processes (default {server.default_workers()}: "
                                 "one per CPU + 1)")
        parser.add_argument("--threads", type=int, default=1,
                            help="threads per worker; more than 1 uses gthread workers")
        parser.add_argument("--timeout", type=int, default=60,
                            help="seconds before a stuck worker is restarted")
        parser.add_argument("--access-log", action="store_true",
                            help="log every request to standard output")

    def handle(self, *args, host, port, workers, threads, timeout, access_log, **options):
        if not settings.SECRET_KEY:
            raise CommandError("SECRET_KEY is not set.")
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}.")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1.")
        if threads < 1:
            raise CommandError("--threads must be at least 1.")
        background = ("Celery workers on the broker" if tasks.broker_configured()
                      else "embedded worker in one web process")
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"Servista on http://{host}:{port}/ (database: {database}, "
                          f"background work: {background})")
        server.serve(host=host, port=port, workers=workers, threads=threads,
                     access_log=access_log, timeout=timeout)
