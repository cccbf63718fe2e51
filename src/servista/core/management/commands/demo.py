"""``servista demo``: try Servista with nothing installed.

Creates or upgrades the database under SERVISTA_HOME (SQLite unless
DATABASE_URL says otherwise), fills an empty one with a demo IT department
and a few months of incidents, creates the administrator ``admin`` and
three demo logins (``agent``, ``manager``, ``requester``) whose passwords are
printed once, then serves on http://127.0.0.1:8000/ with the background
worker running in the server.

The data comes from the apps' demo stories (``servista.core.demo``): the
reference data and the dated history, run only when the database holds no
work records yet.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from servista.core import demo, server

ADMIN = "admin"


class Command(BaseCommand):
    help = "Run the demo: database, demo data, accounts and a server on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true",
                            help="prepare the database and accounts, then exit")
        parser.add_argument("--incidents", type=int, default=300,
                            help="demo incidents to create in an empty database")
        parser.add_argument("--seed", type=int, default=0, help="random seed of the incidents")

    def handle(self, *args, host, port, no_serve, incidents, seed, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}.")
        if incidents < 0:
            raise CommandError("--incidents must be 0 or more.")
        self.stdout.write(f"Servista demo. Data directory (SERVISTA_HOME): {settings.HOME}")
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            self.stdout.write(f"Database: {database['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        if not demo.holds_records():
            self.stdout.write(f"Loading the demo data ({incidents} incidents)...")
            context = demo.Context(seed=seed, count=incidents, out=self.report)
            try:
                with transaction.atomic():
                    demo.run(context, demo.REFERENCE, demo.HISTORY)
            except demo.StoryFailed as exc:
                raise CommandError(str(exc)) from exc
        self.accounts()
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(f"\nServista is at http://{host}:{port}/ "
                                             "(Ctrl+C stops it)\n"))
        server.serve(host=host, port=port, workers=2, threads=4)

    def report(self, line: str, *, success: bool = False) -> None:
        self.stdout.write(self.style.SUCCESS(line) if success else line)

    def accounts(self) -> None:
        """Create the administrator and give the demo logins (declared by the
        apps' demo modules) a password, once; both passwords are printed only
        then."""
        User = get_user_model()
        if User.objects.filter(username=ADMIN).exists():
            self.stdout.write(
                f"The administrator account '{ADMIN}' exists; its password was shown when it "
                f"was created. Reset it with: servista changepassword {ADMIN}")
            return
        admin_password = secrets.token_urlsafe(12)
        demo_password = secrets.token_urlsafe(9)
        with transaction.atomic():
            User.objects.create_superuser(ADMIN, f"{ADMIN}@example.com", admin_password,
                                          first_name="Demo", last_name="Administrator")
            logins = []
            for login in demo.logins():
                user = User.objects.filter(username=login.username).first()
                if user is not None:
                    user.set_password(demo_password)
                    user.save(update_fields=["password"])
                    logins.append(f"{login.username} ({user}, {login.title})")
        lines = ["", "Accounts (the passwords are shown only this once):",
                 f"  administrator:  {ADMIN} / {admin_password}"]
        if logins:
            lines.append(f"  demo logins, all with the password {demo_password}:")
            lines += [f"    {login}" for login in logins]
        lines.append(f"  forgot one? servista changepassword {ADMIN} (or agent, manager...)")
        self.stdout.write("\n".join(lines))
