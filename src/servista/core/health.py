"""What /healthz checks: every database connection the application uses
(the "numbering" one included), the broker when there is one, how long the
oldest due job has waited in the outbox, and the background worker's
heartbeat. Each check says "ok" or what is wrong; the whole is healthy only
when every check is."""

from django.conf import settings
from django.db import connections

from servista.core import broker, clock
from servista.core.models import Task, WorkerHeartbeat
from servista.core.models.tasks import TaskStatus

# /healthz gives the broker this long to answer (a load balancer's own
# check does not wait much longer).
BROKER_CHECK_SECONDS = 2


def _short(exc) -> str:
    return f"{type(exc).__name__}: {str(exc).strip()}"[:200]


def check_databases() -> dict[str, str]:
    results = {}
    for alias in settings.DATABASES:
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            # A broken connection is replaced at the end of the request
            # (Django closes connections that had errors and fail a check).
            results[alias] = _short(exc)
        else:
            results[alias] = "ok"
    return results


def check_broker() -> str:
    if not settings.BROKER_URL:
        return "ok"  # the embedded set-up: jobs run from the database
    timeouts = {"socket_timeout": BROKER_CHECK_SECONDS,
                "socket_connect_timeout": BROKER_CHECK_SECONDS}
    try:
        with broker.app.connection_for_write(
                transport_options={**broker.app.conf.broker_transport_options, **timeouts},
                connect_timeout=BROKER_CHECK_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_CHECK_SECONDS)
            conn.default_channel  # noqa: B018 - opening a channel talks to the broker
    except Exception as exc:  # noqa: BLE001
        return _short(exc)
    return "ok"


def outbox_lag() -> float:
    """Seconds the oldest due, undelivered job has waited (0: none waits)."""
    now = clock.now()
    oldest = Task.objects.filter(status__in=[TaskStatus.QUEUED, TaskStatus.SENT],
                                 run_after__lte=now) \
        .order_by("run_after").values_list("run_after", flat=True).first()
    return 0.0 if oldest is None else (now - oldest).total_seconds()


def check_outbox() -> tuple[str, float | None]:
    try:
        lag = outbox_lag()
    except Exception as exc:  # noqa: BLE001
        return _short(exc), None
    limit = settings.SERVISTA["HEALTH_OUTBOX_LAG_SECONDS"]
    if lag > limit:
        return f"the oldest due job has waited {lag:.0f} s (more than {limit} s)", lag
    return "ok", lag


def check_worker() -> tuple[str, float | None]:
    try:
        last = WorkerHeartbeat.objects.order_by("-beat_at").values_list(
            "beat_at", flat=True).first()
    except Exception as exc:  # noqa: BLE001
        return _short(exc), None
    if last is None:
        return "no background worker has reported yet", None
    age = (clock.now() - last).total_seconds()
    limit = settings.SERVISTA["HEALTH_HEARTBEAT_SECONDS"]
    if age > limit:
        return f"the last worker heartbeat is {age:.0f} s old (more than {limit} s)", age
    return "ok", age


def report() -> tuple[bool, dict]:
    databases = check_databases()
    outbox, lag = check_outbox()
    worker, age = check_worker()
    checks = {"databases": databases, "broker": check_broker(), "outbox": outbox,
              "worker": worker}
    healthy = all(v == "ok" for v in databases.values()) and \
        all(checks[name] == "ok" for name in ("broker", "outbox", "worker"))
    return healthy, {
        "status": "ok" if healthy else "error",
        "database": connections["default"].vendor,
        "checks": checks,
        "outbox_lag_seconds": None if lag is None else round(lag, 1),
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "background": "broker" if settings.BROKER_URL else "embedded",
    }

