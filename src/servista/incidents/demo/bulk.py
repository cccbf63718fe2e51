"""Large demo data sets for benchmarks (the ``incidents.bulk`` story of
``servista.core.demo``, run by ``servista loaddemo``): incidents written
straight into the tables, a million in minutes.

The rows read like the demo's (same scenarios, people and groups) and are
consistent with what the services would have written: priority from the
matrix, an assignee who is a member of the group, resolution fields on
resolved and closed incidents, ``closed_at`` on closed and cancelled ones, a
hold reason on those on hold, and one 'Created' journal entry each. Numbers
come from the INC counter (``reserve_block``) and ids are reserved up front,
so people may keep working while a load runs.

PostgreSQL gets ``COPY ... FROM STDIN`` (psycopg 3); SQLite gets
``executemany`` in transactions of a few thousand rows.
"""

import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from servista.core import demo, search
from servista.core.models import JournalEntry
from servista.core.numbering import format_number, reserve_block
from servista.core.priority import matrix
from servista.incidents.choices import Channel, HoldReason, IncidentState
from servista.incidents.models import Incident

from .categories import routed_group
from .scenarios import weighted

State = IncidentState
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
HISTORY = timedelta(days=365)

# Final states in per mille: mostly finished work, a few percent open.
STATE_MIX = {State.CLOSED: 855, State.RESOLVED: 35, State.CANCELLED: 30, State.NEW: 20,
             State.IN_PROGRESS: 35, State.ON_HOLD: 25}
CHANNELS = {Channel.PORTAL: 50, Channel.PHONE: 25, Channel.EMAIL: 12, Channel.CHAT: 10,
            Channel.WALK_IN: 3}
# Typical time to resolve by priority (hours); actual times spread around it.
RESOLVE_HOURS = {1: 3, 2: 8, 3: 20, 4: 40, 5: 80}
CANCELLED_NOTE = "Logged twice by mistake."
SUSPEND_INDEX_FROM = 100_000


class _Scenario:
    """A scenario with its references as ids, for fast row building."""

    def __init__(self, scenario, ctx: demo.Context):
        groups = ctx["groups"]
        self.titles = scenario.titles
        self.description = scenario.description
        self.fixes = scenario.fixes
        self.impacts = scenario.impacts
        self.urgencies = scenario.urgencies
        self.category_id = ctx["categories"][scenario.category].pk
        self.subcategory_id = ctx["subcategories"][(scenario.category, scenario.subcategory)].pk
        self.service_id = ctx["services"][scenario.service].pk if scenario.service else None
        self.ci_ids = [ctx["cis"][name].pk for name in scenario.cis]
        self.group_id = groups[scenario.group].pk
        self.member_ids = [user.pk for user in ctx["members"][scenario.group]]
        routed = routed_group(scenario.category)
        self.escalated_from = groups[routed].pk if routed != scenario.group else None


class IncidentRows:
    """Builds incident rows (as dicts of column values) and their journal rows."""

    def __init__(self, ctx: demo.Context, seed: int = 0, now=None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.matrix = matrix()
        self.auto_close = timedelta(days=settings.SERVISTA["INCIDENT_AUTO_CLOSE_DAYS"])
        self.scenarios = [_Scenario(s, ctx) for s in weighted()]
        self.callers = [(user.pk, user.organization_id) for user in ctx["requesters"]]
        self.desk_ids = [user.pk for user in ctx["members"]["Service Desk"]]
        self.states = list(STATE_MIX)
        self.state_weights = list(STATE_MIX.values())
        self.channels = list(CHANNELS)
        self.channel_weights = list(CHANNELS.values())
        self.hold_reasons = list(HoldReason.values)
        self.template = {field.attname: field.get_default()
                         for field in Incident._meta.concrete_fields}
        self.content_type_id = ContentType.objects.get_for_model(Incident).pk

    def opened_at(self, span: timedelta):
        """A moment within ``span`` before now, mostly on weekdays in office hours."""
        rng = self.rng
        when = self.now - span * rng.random() - MINUTE
        if rng.random() < 0.8:
            office = when.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59))
            if office.weekday() >= 5:
                office -= DAY * (office.weekday() - 4)
            if office < self.now - MINUTE:
                when = office
        return when

    def build(self, incident_id: int, number: str) -> dict:
        rng = self.rng
        s = rng.choice(self.scenarios)
        state = rng.choices(self.states, self.state_weights)[0]
        impact, urgency = rng.choice(s.impacts), rng.choice(s.urgencies)
        caller_id, organization_id = rng.choice(self.callers)
        channel = rng.choices(self.channels, self.channel_weights)[0]
        row = dict(self.template)
        row.update(
            id=incident_id, number=number, short_description=rng.choice(s.titles),
            description=s.description, state=state, impact=impact, urgency=urgency,
            priority=self.matrix[(impact, urgency)], caller_id=caller_id,
            organization_id=organization_id, category_id=s.category_id,
            subcategory_id=s.subcategory_id, service_id=s.service_id,
            configuration_item_id=rng.choice(s.ci_ids) if s.ci_ids and rng.random() < 0.7
            else None,
            channel=channel,
            opened_by_id=caller_id if channel == Channel.PORTAL else rng.choice(self.desk_ids),
            assignment_group_id=s.group_id,
        )
        pickup = MINUTE * rng.expovariate(1 / 45)
        if state == State.NEW:
            row["assignment_group_id"] = s.escalated_from or s.group_id
            row["opened_at"] = self.opened_at(timedelta(days=3))
            row["updated_at"] = row["opened_at"]
            return row
        row["assigned_to_id"] = rng.choice(s.member_ids)
        row["reassignment_count"] = 1 if s.escalated_from else 0
        if state in (State.IN_PROGRESS, State.ON_HOLD):
            opened = row["opened_at"] = self.opened_at(timedelta(days=30) * rng.random())
            row["updated_at"] = min(opened + pickup, self.now)
            row["version"] = 2 + row["reassignment_count"]
            if state == State.ON_HOLD:
                row["hold_reason"] = rng.choice(self.hold_reasons)
                row["version"] += 1
            return row
        if state == State.CANCELLED:
            opened = row["opened_at"] = self.opened_at(HISTORY)
            row["closed_at"] = row["updated_at"] = min(opened + pickup + HOUR * rng.random(),
                                                       self.now)
            row["version"] = 3
            return row
        self._resolution(row, s, state, pickup)
        return row

    def _resolution(self, row: dict, s: _Scenario, state: str, pickup) -> None:
        """Resolved and closed incidents: when and how they were fixed."""
        rng = self.rng
        took = pickup + HOUR * RESOLVE_HOURS[row["priority"]] * rng.lognormvariate(0, 0.8)
        code, notes = rng.choice(s.fixes)
        row.update(resolution_code=code, resolution_notes=notes,
                   resolved_by_id=row["assigned_to_id"],
                   escalated=row["priority"] <= 2 and rng.random() < 0.2,
                   reopen_count=1 if rng.random() < 0.03 else 0)
        if state == State.RESOLVED:
            resolved = self.now - (self.auto_close - HOUR) * rng.random() - MINUTE
            row["opened_at"] = resolved - took
        else:
            confirmed = rng.random() < 0.45
            after = HOUR + DAY * 2 * rng.random() if confirmed else self.auto_close
            row["opened_at"] = self.opened_at(HISTORY)
            overshoot = row["opened_at"] + took + after - self.now
            if overshoot > timedelta(0):
                row["opened_at"] -= overshoot + HOUR
            resolved = row["opened_at"] + took
            row["closed_at"] = resolved + after
        row["resolved_at"] = resolved
        row["updated_at"] = row["closed_at"] or resolved
        row["version"] = 4 + row["reassignment_count"] + 2 * row["reopen_count"] \
            + (state == State.CLOSED)

    def journal(self, row: dict) -> dict:
        return {"content_type_id": self.content_type_id, "object_id": row["id"],
                "kind": "change", "body": "Created", "changes": "{}",
                "actor_id": row["opened_by_id"], "created_at": row["opened_at"],
                "origin": "system", "correlation_id": "", "time_spent": None}


# --- writing ---------------------------------------------------------------------------


def _columns(model, exclude=()) -> list[tuple[str, str]]:
    """(attname, column) of the model's concrete fields."""
    return [(f.attname, f.column) for f in model._meta.concrete_fields if f.attname not in exclude]


def reserve_ids(model, count: int) -> int:
    """Take ``count`` consecutive primary keys of ``model``'s table for rows
    inserted with explicit ids; returns the first. Inserts by others,
    meanwhile or later, get ids after the block."""
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {quoted} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT GREATEST(nextval(%s), COALESCE(MAX(id), 0) + 1) "
                           f"FROM {quoted}", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            return first
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                           [first + count - 1, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                           [table, first + count - 1])
        return first


class BulkWriter:
    """Writes row dicts into a model's table: COPY on PostgreSQL, executemany
    elsewhere (datetimes adapted as the ORM would store them)."""

    def __init__(self, model, exclude=()):
        self.columns = _columns(model, exclude)
        self.table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for _, column in self.columns)
        self.copy_sql = f"COPY {self.table} ({names}) FROM STDIN"
        placeholders = ", ".join(["%s"] * len(self.columns))
        self.insert_sql = f"INSERT INTO {self.table} ({names}) VALUES ({placeholders})"
        self.datetimes = {f.attname for f in model._meta.concrete_fields
                          if f.get_internal_type() == "DateTimeField"}

    def write(self, rows: list[dict]) -> None:
        attnames = [attname for attname, _ in self.columns]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row([row[name] for name in attnames])
                return
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(self.insert_sql, [
                [adapt(row[name]) if name in self.datetimes else row[name] for name in attnames]
                for row in rows
            ])


def load_incidents(ctx: demo.Context, size: int, *, seed: int = 0, batch: int | None = None,
                   progress: Callable[[int, float], None] | None = None) -> tuple[str, str]:
    """Insert ``size`` incidents and their journal entries, one transaction
    per batch; returns the first and last numbers. ``progress(done, seconds)``
    is called after each batch."""
    batch = batch or (50_000 if connection.vendor == "postgresql" else 5_000)
    builder = IncidentRows(ctx, seed)
    first_value = reserve_block(Incident.number_prefix, size)
    first_id = reserve_ids(Incident, size)
    incidents = BulkWriter(Incident)
    journal = BulkWriter(JournalEntry, exclude=("id",))
    started = time.monotonic()
    # A large load rebuilds the full-text index once at the end.
    suspended = search.index_suspended(Incident) if size >= SUSPEND_INDEX_FROM else nullcontext()
    with suspended:
        for offset in range(0, size, batch):
            count = min(batch, size - offset)
            rows = [builder.build(first_id + offset + i,
                                  format_number(Incident.number_prefix, first_value + offset + i))
                    for i in range(count)]
            with transaction.atomic():
                incidents.write(rows)
                journal.write([builder.journal(row) for row in rows])
            if progress:
                progress(offset + count, time.monotonic() - started)
    prefix = Incident.number_prefix
    return format_number(prefix, first_value), format_number(prefix, first_value + size - 1)


def analyze() -> None:
    """After a large load (PostgreSQL): refresh the planner's statistics and
    the visibility map, so that counts are index-only scans at once rather
    than after autovacuum's next pass."""
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run inside a transaction (a test, a caller's atomic block).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Incident, JournalEntry):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")



@demo.story("incidents.bulk", kind=demo.BULK,
            after=("accounts.department", "catalog.services", "cmdb.items",
                   "incidents.categories"))
def bulk(ctx: demo.Context) -> None:
    """``ctx.count`` incidents (``ctx.seed``, ``ctx.batch`` rows per
    transaction) with their journal entries, then fresh planner statistics."""
    size = ctx.count
    ctx.report(f"Loading {size:,} incidents into {connection.vendor}...")
    last_report = [0.0]

    def progress(done: int, seconds: float) -> None:
        if done == size or seconds - last_report[0] >= 2:
            last_report[0] = seconds
            rate = done / seconds if seconds else 0
            ctx.report(f"  {done:>12,} / {size:,} incidents  {rate:>10,.0f} incidents/s")

    first, last = load_incidents(ctx, size, seed=ctx.seed, batch=ctx.batch, progress=progress)
    loaded = time.monotonic()
    analyze()
    # The times count from the start of the command, the reference data included.
    total = time.monotonic() - ctx.started
    rate = size / max(loaded - ctx.started, 1e-9)
    ctx.report(f"Loaded {size:,} incidents {first}..{last} with their journal entries in "
               f"{total:,.1f} s ({rate:,.0f} incidents/s, {2 * rate:,.0f} rows/s).",
               success=True)
