"""The ``servista`` command: Servista's and Django's management commands
under one name.

    servista --help               Servista's commands (found on disk, see cli_help)
    servista help --django        every command, Django's too, by app
    servista --version            Servista's version
    servista COMMAND ...          any management command (`servista demo` sets
                                  SERVISTA_DEMO: its own secret key, plain-HTTP cookies)
"""

import os
import sys

HELP = ("help", "-h", "--help")
VERSION = ("version", "--version")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    # Neither needs the settings, so both work before a secret key is set.
    if not args or (args[0] in HELP and len(args) == 1):
        from servista.cli_help import overview

        sys.stdout.write(overview())
        return
    if args[0] in VERSION and len(args) == 1:
        from servista.cli_help import version

        sys.stdout.write(f"servista {version()}\n")
        return
    if args[0] in HELP and args[1:] == ["--django"]:
        argv = [argv[0], "help"]  # Django's listing (core commands only without settings)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servista.settings")
    if args[0] == "demo":
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
