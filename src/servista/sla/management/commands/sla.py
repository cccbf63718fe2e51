"""``servista sla``: business calendars, due times, a record's timers and
the compliance report.

    servista sla calendars --as USER
    servista sla calendar-create --as ADMIN NAME --tz Europe/Rome \\
        --hours "0-4=09:00-13:00,14:00-18:00" [--country IT [--subdivision ...]]
    servista sla holidays --as ADMIN CALENDAR --generate 2026 2027 | --add 2026-12-24 "Eve"
    servista sla due --as USER CALENDAR --start 2026-03-06T16:00+01:00 --minutes 480
    servista sla timers --as USER INC0001001
    servista sla compliance --as USER [--by service|customer|priority|month] [--csv]
    servista sla scan         # record due warnings and breaches, run escalations

Every verb goes through ``sla.services``; a refusal or bad input exits
non-zero with a one-line message.
"""

from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from servista.accounts.models import User
from servista.core.context import audit_context
from servista.core.exceptions import DomainError
from servista.core.permissions import policy_for
from servista.sla import services
from servista.sla.models import Agreement, Calendar

VERBS = ("calendars", "calendar-create", "holidays", "due", "timers", "compliance", "scan")


def parse_hours(text: str) -> dict:
    """"0-4=09:00-13:00,14:00-18:00;5=09:00-12:00" -> {weekday: [[start, end]...]}."""
    hours: dict[int, list] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        days, _, spans = part.partition("=")
        try:
            first, _, last = days.partition("-")
            weekdays = range(int(first), int(last or first) + 1)
            pairs = [span.split("-") for span in spans.split(",")]
        except ValueError:
            raise CommandError(f"--hours: cannot read '{part}' (e.g. 0-4=09:00-17:00).") from None
        if any(len(pair) != 2 for pair in pairs):
            raise CommandError(f"--hours: cannot read '{part}' (e.g. 0-4=09:00-17:00).")
        for day in weekdays:
            hours.setdefault(day, []).extend([a.strip(), b.strip()] for a, b in pairs)
    return hours


class Command(BaseCommand):
    help = "Business calendars, due times, timers of a record and SLA compliance."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="{" + ",".join(VERBS) + "}")
        for verb in VERBS:
            p = sub.add_parser(verb)
            if verb != "scan":
                p.add_argument("--as", dest="username", required=True, metavar="USERNAME")
            if verb == "calendar-create":
                p.add_argument("name")
                p.add_argument("--tz", default="UTC")
                p.add_argument("--hours", default="0-4=09:00-17:00")
                p.add_argument("--country", default="")
                p.add_argument("--subdivision", default="")
            elif verb == "holidays":
                p.add_argument("calendar")
                p.add_argument("--generate", nargs="+", type=int, metavar="YEAR")
                p.add_argument("--add", nargs="+", metavar=("DATE", "NAME"))
            elif verb == "due":
                p.add_argument("calendar")
                p.add_argument("--start", required=True, help="ISO 8601 instant with offset")
                p.add_argument("--minutes", required=True, type=int)
            elif verb == "timers":
                p.add_argument("number")
            elif verb == "compliance":
                p.add_argument("--by", default="service", choices=list(services.DIMENSIONS))
                p.add_argument("--csv", action="store_true")

    def handle(self, *args, verb, **options):
        user = None
        if options.get("username"):
            user = User.objects.filter(username__iexact=options["username"],
                                       is_active=True).first()
            if user is None:
                raise CommandError(f"No active user '{options['username']}'.")
        try:
            with audit_context("cli"):
                getattr(self, "do_" + verb.replace("-", "_"))(user, **options)
        except DomainError as exc:
            raise CommandError(exc.detail) from None

    def calendar(self, user, name: str) -> Calendar:
        policy_for(Calendar).require(user, "view")
        found = Calendar.objects.filter(name__iexact=name).first() or (
            Calendar.objects.filter(pk=int(name)).first() if name.isdigit() else None)
        if found is None:
            raise CommandError(f"No calendar '{name}'.")
        return found

    def do_calendars(self, user, **options):
        policy_for(Calendar).require(user, "view")
        for cal in Calendar.objects.prefetch_related("hours"):
            hours = ", ".join(str(h) for h in cal.hours.all()) or "no working hours"
            self.stdout.write(f"{cal.name} ({cal.time_zone}): {hours}")

    def do_calendar_create(self, user, name, tz, hours, country, subdivision, **options):
        policy_for(Calendar).require(user, "create")
        cal = services.create_calendar(user, name=name, time_zone=tz, hours=parse_hours(hours),
                                       country=country, subdivision=subdivision)
        self.stdout.write(f"Calendar {cal.name} created ({cal.time_zone}).")

    def do_holidays(self, user, calendar, generate, add, **options):
        cal = self.calendar(user, calendar)
        policy_for(Calendar).require(user, "change", cal)
        if generate:
            count = services.generate_holidays(cal, user, generate)
            self.stdout.write(f"{count} public holidays added to {cal.name}.")
        if add:
            try:
                day = date.fromisoformat(add[0])
            except ValueError:
                raise CommandError(f"--add: '{add[0]}' is not a date (YYYY-MM-DD).") from None
            services.add_holiday(cal, user, day, " ".join(add[1:]))
            self.stdout.write(f"{day} is a holiday of {cal.name}.")
        if not generate and not add:
            for holiday in cal.holidays.all():
                self.stdout.write(f"{holiday.date} {holiday.name}")

    def do_due(self, user, calendar, start, minutes, **options):
        cal = self.calendar(user, calendar)
        try:
            instant = datetime.fromisoformat(start)
        except ValueError:
            raise CommandError(f"--start: '{start}' is not an ISO 8601 instant.") from None
        if instant.tzinfo is None:
            raise CommandError("--start needs an offset (e.g. 2026-03-06T16:00+01:00).")
        if not 0 <= minutes <= 60 * 24 * 366:
            raise CommandError("--minutes must be between 0 and 527040.")
        due = services.add_business_time(cal, instant, minutes)
        local = due.astimezone(services.schedule_of(cal).tz)
        self.stdout.write(local.isoformat())

    def do_timers(self, user, number, **options):
        model = services.record_model_of(number)
        record = model.objects.filter(number__iexact=number).first() if model else None
        if record is None or not policy_for(model).can_see(user, record):
            raise CommandError(f"Record {number} not found.")
        found = services.timers_of(record)
        if not found:
            self.stdout.write(f"{record.number} has no service level timers.")
        for timer in found:
            result = services.explain(timer)
            due = f"due {timer.due_at:%Y-%m-%d %H:%M} UTC" if timer.due_at else "no due time"
            self.stdout.write(
                f"{timer.agreement.name} {timer.get_kind_display().lower()}: "
                f"{timer.get_status_display().lower()}, elapsed {services._text(result.elapsed)}"
                f" of {services._text(timer.target_duration)}, paused "
                f"{services._text(result.paused)}, {due}")
            for part in result.parts:
                self.stdout.write(f"  {part.start:%Y-%m-%d %H:%M} – {part.end:%Y-%m-%d %H:%M} "
                                  f"{part.kind:<11} {services._text(part.business)} {part.why}")

    def do_compliance(self, user, by, csv, **options):
        if not policy_for(Agreement).can(user, "report"):
            raise CommandError("The compliance report is for the support staff.")
        rows = services.compliance(by)
        if csv:
            self.stdout.write(services.compliance_csv(by, rows), ending="")
            return
        self.stdout.write(f"{by.upper():<30} {'TOTAL':>6} {'MET %':>6} {'BREACHED':>9}")
        for row in rows:
            self.stdout.write(f"{str(row['group']):<30} {row['total']:>6} "
                              f"{row['percent_met'] if row['percent_met'] is not None else '':>6}"
                              f" {row['breached']:>9}")

    def do_scan(self, user, **options):
        with audit_context("job"):
            found = services.scan()
            handled = services.handle_events()
        self.stdout.write(f"{found} records recomputed, {handled} events escalated.")
