"""A runner holds a job for a lease: a job left running by a process that
died is run again once the lease has run out (never before), and a runner
claims one job at a time, so a death strands one job, not fifty."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from servista.core import tasks
from servista.core.models import Task
from servista.core.models.tasks import TaskStatus


def at(when):
    return mock.patch("django.utils.timezone.now", return_value=when)


@pytest.fixture
def recorder(monkeypatch):
    calls = []

    def record(**kwargs):
        calls.append(kwargs)

    monkeypatch.setitem(tasks.registry, "tests.record", tasks.TaskDef("tests.record", record))
    return calls


@pytest.mark.django_db
def test_a_job_whose_runner_died_runs_again_after_its_lease(recorder):
    job = tasks.enqueue("tests.record", n=1)
    # A runner claimed it, then its process was killed mid-way.
    claimed = timezone.now()
    with at(claimed), mock.patch.object(tasks, "execute", side_effect=SystemExit):
        with pytest.raises(SystemExit):
            tasks.run_pending()
    job.refresh_from_db()
    assert job.status == TaskStatus.RUNNING
    assert job.lease_until == claimed + timedelta(seconds=settings.SERVISTA["TASK_LEASE_SECONDS"])
    # While the lease runs, nobody else takes it.
    with at(job.lease_until - timedelta(seconds=1)):
        assert tasks.run_pending() == 0
    assert recorder == []
    # Once it has run out, the next runner does, once.
    with at(job.lease_until + timedelta(seconds=1)):
        assert tasks.run_pending() == 1
        assert tasks.run_pending() == 0
    assert recorder == [{"n": 1}]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_until) == (TaskStatus.DONE, 2, None)


@pytest.mark.django_db
def test_a_runner_claims_one_job_at_a_time(monkeypatch):
    seen = []

    def look(**kwargs):
        seen.append(sorted(Task.objects.values_list("status", flat=True)))

    monkeypatch.setitem(tasks.registry, "tests.look", tasks.TaskDef("tests.look", look))
    for _ in range(3):
        tasks.enqueue("tests.look")
    assert tasks.run_pending() == 3
    running, queued = TaskStatus.RUNNING, TaskStatus.QUEUED
    assert seen == [[queued, queued, running],
                    [TaskStatus.DONE, queued, running],
                    [TaskStatus.DONE, TaskStatus.DONE, running]]
