"""The command-line faces: tokens, incidents, the bulk loader, the demo and
the server set-up, each run as a person would run them."""

import io
import os
import re
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from servista.accounts.models import APIToken, User
from servista.core import demo, server
from servista.core.models import JournalEntry
from servista.core.priority import DEFAULT_MATRIX
from servista.incidents.choices import IncidentState
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import nothing_changed


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def exit_of(argv: list[str], capsys) -> tuple[int, str]:
    """Run as from a shell: (exit status, standard error). The command's
    closing of database connections on exit is held back so that the test's
    transaction survives it."""
    with pytest.raises(SystemExit) as exc, \
            mock.patch("django.core.management.base.connections.close_all"):
        execute_from_command_line(["servista", *argv])
    return exc.value.code, capsys.readouterr().err


# --- tokens ---------------------------------------------------------------------


def test_token_create_prints_only_a_token_that_authenticates(cast, client):
    raw = run("token", "create", "alice", "--name", "ci").strip()
    assert re.fullmatch(r"sv_[\w-]+", raw)
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json()["username"] == "alice"

    listing = run("token", "list", "alice")
    assert raw[:10] in listing and "active" in listing and raw not in listing

    assert "Revoked" in run("token", "revoke", raw[:10])
    with nothing_changed(APIToken.objects.get(prefix=raw[:10])):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "revoked" in run("token", "list", "alice")


def test_token_expires_after_the_given_days(cast, client):
    raw = run("token", "create", "alice", "--expires-days", "1").strip()
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **header).status_code == 200
    with mock.patch("django.utils.timezone.now",
                    return_value=timezone.now() + timedelta(days=2)), \
            nothing_changed(APIToken.objects.get(prefix=raw[:10])):
        assert client.get("/api/v1/me", **header).status_code == 401


def test_token_for_unknown_user_fails(cast, capsys):
    before = APIToken.objects.count()
    with nothing_changed(APIToken.objects.first()):
        with pytest.raises(CommandError, match="No user 'ghost'"):
            run("token", "create", "ghost")
        code, err = exit_of(["token", "create", "ghost"], capsys)
    assert code != 0
    assert err.strip() == "CommandError: No user 'ghost'."
    assert APIToken.objects.count() == before


# --- incidents --------------------------------------------------------------------


def test_agent_creates_lists_shows_and_resolves(cast):
    number = run("incident", "create", "--as", "alice", "-s", "VPN drops every few minutes",
                 "--caller", "rita", "--impact", "1", "--urgency", "2").strip()
    inc = Incident.objects.get(number=number)
    assert (inc.caller, inc.organization, inc.opened_by) == (cast.requester, cast.org_a,
                                                             cast.agent)
    assert inc.priority == 2
    assert inc.channel == "cli"
    assert inc.assignment_group == cast.service_desk

    assert number in run("incident", "list", "--as", "alice", "--state", "new")
    assert run("incident", "list", "--as", "alice", "--state", "closed").strip() == \
        "No incidents."
    shown = run("incident", "show", "--as", "alice", number)
    assert "VPN drops every few minutes" in shown and "Service Desk" in shown

    out = run("incident", "resolve", "--as", "alice", number, "--code", "solved_remotely",
              "--notes", "Reinstalled the VPN client")
    assert out.strip() == f"{number}: Resolved"
    inc.refresh_from_db()
    assert inc.state == "resolved"
    assert inc.resolved_by == cast.agent
    assert inc.resolution_notes == "Reinstalled the VPN client"
    assert {e.origin for e in JournalEntry.objects.for_record(inc)} == {"cli"}


def test_agent_updates_assigns_holds_and_notes(cast):
    number = run("incident", "create", "--as", "alice", "-s", "Switch port dead",
                 "--caller", "rita").strip()
    run("incident", "update", "--as", "alice", number, "--set", "urgency=1",
        "--set", "group=Network")
    inc = Incident.objects.get(number=number)
    assert (inc.urgency, inc.priority, inc.assignment_group) == (1, 2, cast.network)

    run("incident", "assign", "--as", "alice", number, "--assignee", "nick")
    inc.refresh_from_db()
    assert (inc.assigned_to, inc.state) == (cast.agent2, "in_progress")

    run("incident", "hold", "--as", "alice", number, "--reason", "awaiting_caller")
    run("incident", "comment", "--as", "alice", number, "Vendor ticket 4711", "--work-note")
    inc.refresh_from_db()
    assert (inc.state, inc.hold_reason) == ("on_hold", "awaiting_caller")
    note = JournalEntry.objects.for_record(inc).last()
    assert (note.kind, note.body, note.origin) == ("work_note", "Vendor ticket 4711", "cli")


def test_requester_logs_and_comments_but_cannot_update(cast):
    number = run("incident", "create", "--as", "rita", "-s", "Printer jams on tray 2").strip()
    inc = Incident.objects.get(number=number)
    assert inc.caller == cast.requester

    run("incident", "comment", "--as", "rita", number, "It jams on tray 2 only")
    comment = JournalEntry.objects.for_record(inc).last()
    assert (comment.kind, comment.actor, comment.origin) == ("comment", cast.requester, "cli")

    version = inc.version
    with nothing_changed(inc):
        with pytest.raises(CommandError, match="does not allow"):
            run("incident", "update", "--as", "rita", number, "--set", "urgency=1")
        with pytest.raises(CommandError, match="does not allow"):
            run("incident", "comment", "--as", "rita", number, "psst", "--work-note")
    inc.refresh_from_db()
    assert (inc.urgency, inc.version) == (2, version)

    run("incident", "comment", "--as", "alice", number, "Toner contract expired", "--work-note")
    assert "Toner contract expired" in run("incident", "show", "--as", "alice", number)
    requester_view = run("incident", "show", "--as", "rita", number)
    assert "Toner contract expired" not in requester_view
    assert "It jams on tray 2 only" in requester_view


def test_another_organizations_incident_is_not_found(cast):
    number = run("incident", "create", "--as", "rita", "-s", "Laptop will not boot").strip()
    with nothing_changed(Incident.objects.get(number=number)):
        with pytest.raises(CommandError, match=f"Incident {number} not found"):
            run("incident", "show", "--as", "bob", number)
        with pytest.raises(CommandError, match=f"Incident {number} not found"):
            run("incident", "comment", "--as", "bob", number, "Me too")
    assert not JournalEntry.objects.filter(kind="comment").exists()
    assert number not in run("incident", "list", "--as", "bob")
    assert number in run("incident", "list", "--as", "carl")  # same organization as rita


def test_resolve_without_code_names_the_field_and_changes_nothing(cast, capsys):
    number = run("incident", "create", "--as", "alice", "-s", "Outlook crashes",
                 "--caller", "rita").strip()
    inc = Incident.objects.get(number=number)
    entries = JournalEntry.objects.for_record(inc).count()
    with nothing_changed(inc):
        with pytest.raises(CommandError, match="resolution_code"):
            run("incident", "resolve", "--as", "alice", number, "--notes",
                "Rebuilt the profile")
        code, err = exit_of(["incident", "resolve", "--as", "alice", number, "--notes", "x"],
                            capsys)
    assert code != 0
    assert len(err.strip().splitlines()) == 1 and "resolution_code" in err
    inc.refresh_from_db()
    assert (inc.state, inc.version, inc.resolution_notes) == ("new", 1, "")
    assert JournalEntry.objects.for_record(inc).count() == entries


def test_bad_input_is_one_line_naming_the_field(cast):
    with nothing_changed():
        with pytest.raises(CommandError, match="impact"):
            run("incident", "create", "--as", "alice", "-s", "x", "--impact", "7")
        with pytest.raises(CommandError,
                           match="assignment_group: No assignment group 'Nope'"):
            run("incident", "create", "--as", "alice", "-s", "x", "--group", "Nope")
        with pytest.raises(CommandError, match="No active user 'ghost'"):
            run("incident", "list", "--as", "ghost")
    assert not Incident.objects.exists()


# --- bulk loader and demo data ----------------------------------------------------


def test_loaddemo_continues_numbers_with_consistent_states(cast):
    existing = IncidentFactory(caller=cast.requester)
    assert existing.number == "INC0001001"
    out = run("loaddemo", "--size", "200", "--seed", "3")
    assert "Loaded 200 incidents INC0001002..INC0001201" in out

    loaded = list(Incident.objects.exclude(pk=existing.pk).select_related("assignment_group"))
    assert sorted(i.number for i in loaded) == [f"INC{n:07d}" for n in range(1002, 1202)]
    now = timezone.now()
    for inc in loaded:
        assert inc.priority == DEFAULT_MATRIX[(inc.impact, inc.urgency)]
        assert inc.organization_id == inc.caller.organization_id
        assert inc.opened_at <= inc.updated_at <= now
        if inc.assigned_to_id:
            assert inc.assignment_group.has_member(inc.assigned_to)
        resolved = inc.state in ("resolved", "closed")
        assert bool(inc.resolution_code and inc.resolution_notes and inc.resolved_by_id
                    and inc.resolved_at) == resolved, inc.number
        assert (inc.closed_at is not None) == (inc.state in ("closed", "cancelled"))
        assert bool(inc.hold_reason) == (inc.state == "on_hold")
        assert (inc.assigned_to_id is None) == (inc.state == "new")
        if resolved:
            assert inc.opened_at <= inc.resolved_at <= (inc.closed_at or now)
    states = [inc.state for inc in loaded]
    assert states.count("closed") > 100
    entries = JournalEntry.objects.filter(content_type__model="incident",
                                          object_id__in=[i.pk for i in loaded])
    assert entries.count() == 200
    assert set(entries.values_list("origin", "body")) == {("system", "Created")}

    # Work goes on after the load: the next incident takes the next number and id.
    after = IncidentFactory(caller=cast.requester)
    assert after.number == "INC0001202"
    people = User.objects.count()
    run("loaddemo", "--size", "5")
    assert User.objects.count() == people  # reference data is reused


def test_loaddemo_rejects_bad_size(db):
    for size in ("0", "99999999999999999999"):
        with nothing_changed(), pytest.raises(CommandError, match="--size"):
            run("loaddemo", "--size", size)
    assert not User.objects.exists()  # refused before anything is written
    assert not Incident.objects.exists()


def test_token_expiry_out_of_range_is_a_message(cast, capsys):
    before = APIToken.objects.count()
    with nothing_changed(APIToken.objects.first()):
        code, err = exit_of(["token", "create", "alice", "--expires-days", "99999999"],
                            capsys)
    assert code != 0
    assert err.strip().startswith("CommandError: --expires-days must be between")
    assert APIToken.objects.count() == before


def test_settings_refuse_a_negative_auto_close(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from servista.settings import env_int

    monkeypatch.setenv("SERVISTA_INCIDENT_AUTO_CLOSE_DAYS", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("SERVISTA_INCIDENT_AUTO_CLOSE_DAYS", 5, minimum=0)


def test_demo_loader_produces_incidents_in_every_state(db):
    context = demo.Context(seed=1, count=60)
    demo.run(context, demo.REFERENCE)
    assert len(context["requesters"]) + len(context["agents"]) + len(context["managers"]) >= 35
    assert context["groups"]["Service Desk"].is_service_desk
    demo.run(context, demo.HISTORY)
    assert Incident.objects.count() == 60
    incidents = list(Incident.objects.all())
    assert {inc.state for inc in incidents} == set(IncidentState.values)
    majors = [inc for inc in incidents if inc.is_major]
    assert len(majors) == 2 and all(m.children.exists() for m in majors)
    now = timezone.now()
    for inc in incidents:
        created = JournalEntry.objects.for_record(inc).first()
        assert created.body == "Created" and created.created_at == inc.opened_at
        assert inc.opened_at <= inc.updated_at <= now
        if inc.state == "closed":
            assert inc.opened_at <= inc.resolved_at <= inc.closed_at
        if inc.assigned_to_id:
            assert inc.assignment_group.has_member(inc.assigned_to)
    origins = set(JournalEntry.objects.values_list("origin", flat=True))
    assert origins == {"web", "job"}
    kinds = set(JournalEntry.objects.values_list("kind", flat=True))
    assert kinds == {"change", "comment", "work_note"}


def test_demo_command_prints_passwords_once(db):
    out = run("demo", "--no-serve", "--incidents", "40")
    admin_password = re.search(r"admin / (\S+)", out).group(1)
    demo_password = re.search(r"the password (\S+):", out).group(1)
    assert User.objects.get(username="admin").check_password(admin_password)
    for username in ("agent", "manager", "requester"):
        assert User.objects.get(username=username).check_password(demo_password)
    assert Incident.objects.count() == 40

    again = run("demo", "--no-serve")
    assert admin_password not in again and demo_password not in again
    assert "servista changepassword admin" in again
    assert Incident.objects.count() == 40


# --- the server ----------------------------------------------------------------------


def test_server_configuration():
    config = server.ServistaServer(host="0.0.0.0", port=8001, workers=3).cfg  # noqa: S104
    assert (config.workers, config.worker_class_str, config.accesslog) == (3, "sync", None)
    assert config.preload_app and config.address == [("0.0.0.0", 8001)]  # noqa: S104
    threaded = server.ServistaServer(host="::1", port=8001, threads=4, access_log=True).cfg
    assert threaded.worker_class_str == "gthread" and threaded.accesslog == "-"
    assert threaded.workers == server.default_workers() >= 2


def test_only_one_server_process_runs_the_embedded_worker(tmp_path, monkeypatch):
    started = []

    class FakeRunner:
        def start(self):
            started.append(self)

    monkeypatch.setattr(server.tasks, "EmbeddedWorker", FakeRunner)
    first = SimpleNamespace(log=mock.Mock())
    second = SimpleNamespace(log=mock.Mock())
    with override_settings(HOME=tmp_path):
        server.start_embedded_worker(first)
        server.start_embedded_worker(second)
        assert len(started) == 1 and first.servista_runner is started[0]
        assert not hasattr(second, "servista_runner")
        first.servista_lock.close()  # the process holding the lock ends...
        server.start_embedded_worker(second)  # ...and its replacement takes over
    assert len(started) == 2
    second.servista_lock.close()


def test_serve_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SERVISTA_DEMO")}
    env["SERVISTA_HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "servista.cli", "serve"],  # noqa: S603
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())  # no key, no database written


def test_escalation_priority_major_and_endings_from_the_shell(cast):
    number = run("incident", "create", "--as", "alice", "--caller", "rita",
                 "-s", "Payroll export to the bank failed").strip()
    assert "In progress" in run("incident", "take", "--as", "alice", number)
    run("incident", "escalate", "--as", "alice", number, "--group", "Network",
        "--reason", "Firewall rule")
    inc = Incident.objects.get(number=number)
    assert (inc.assignment_group, inc.reassignment_count) == (cast.network, 1)
    run("incident", "escalate", "--as", "nick", number, "--hierarchical", "--reason", "Payday")
    with nothing_changed(inc), pytest.raises(CommandError, match="does not allow"):
        run("incident", "priority", "--as", "nick", number, "--set", "1", "--reason", "x")
    assert "1 - Critical" in run("incident", "priority", "--as", "maria", number, "--set", "1",
                                 "--reason", "Salaries late")
    run("incident", "major", "--as", "maria", number, "--manager", "maria", "--swarm", "nick")
    inc.refresh_from_db()
    assert inc.escalated and inc.is_major and list(inc.swarm.all()) == [cast.agent2]
    assert number in run("incident", "list", "--as", "alice", "--major", "-q", "payroll bank")
    with nothing_changed(inc), pytest.raises(CommandError, match="reason"):
        run("incident", "stand-down", "--as", "maria", number)
    run("incident", "stand-down", "--as", "maria", number, "--reason", "One bank only")
    run("incident", "resolve", "--as", "nick", number, "--code", "solved_permanently",
        "--notes", "Rule restored")
    assert "In progress" in run("incident", "reopen", "--as", "rita", number, "--reason", "no")
    run("incident", "resolve", "--as", "nick", number, "--code", "solved_permanently",
        "--notes", "Rule restored")
    assert "Closed" in run("incident", "close", "--as", "rita", number)
    with nothing_changed(inc), pytest.raises(CommandError, match="can no longer be changed"):
        run("incident", "comment", "--as", "rita", number, "thanks")
    other = run("incident", "create", "--as", "alice", "--caller", "rita", "-s", "Dup").strip()
    with nothing_changed(Incident.objects.get(number=other)), \
            pytest.raises(CommandError, match="reason"):
        run("incident", "cancel", "--as", "alice", other)
    assert "Cancelled" in run("incident", "cancel", "--as", "alice", other, "--reason", "Dup")
