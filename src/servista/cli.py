"""The ``servista`` command: Django's management commands under one name.

    servista demo                 run the embedded demo on 127.0.0.1:8000
    servista serve --host H --port P   production web server (several workers)
    servista worker               background worker (Celery when a broker is set)
    servista migrate              create or upgrade the database
    servista createsuperuser      create an administrator
    servista token create USER    create an API token (printed once)
    servista loaddemo --size N    bulk-load N demo incidents (benchmarks)
    servista incident ...         log, list, show and work incidents
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servista.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo keeps its own secret key and plain-HTTP cookies.
        os.environ["SERVISTA_DEMO"] = "1"
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        argv[0] = "servista"
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"servista: {exc}\n")
        sys.exit(2)
    except BrokenPipeError:
        # The reader went away (`servista incident list | head`): not an error.
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    main()
