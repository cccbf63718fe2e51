"""Problem management: every rule about problems and known errors lives here.

The kit (``core.records.services.RecordService``) gives numbering, the
journal, links, comments, assignment and bulk; this module adds the
problem's own life through the three phases (identification, control,
error control): its risk priority (impact x probability, through the risk
matrix), the root cause as structured data with its method and the
contributing causes, the known error with its symptoms and workaround and
its periodic re-assessment, the incidents it causes (linked from either
side, put on hold awaiting it, resolved with it), the workaround applied
to a matching incident in one step, and repeat-incident detection.

Incidents change only through ``incidents.services``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F

from servista.core import clock, links
from servista.core import services as records
from servista.core.choices import Impact
from servista.core.exceptions import Forbidden, InvalidTransition, ValidationFailed
from servista.core.journal import write_entry
from servista.core.models import Link
from servista.core.models.journal import JournalKind
from servista.core.records.services import Errors, Plan, RecordService
from servista.core.refcache import RefCache
from servista.incidents import services as incidents
from servista.incidents.choices import HoldReason, IncidentState
from servista.incidents.models import Incident
from servista.notifications.services import notify

from .choices import (
    FISHBONE_CATEGORIES,
    CauseKind,
    Probability,
    ProblemResolution,
    ProblemState,
    RcaMethod,
    Source,
)
from .models import Problem, RiskMatrix

State = ProblemState
CAUSES = links.kind("caused_by").value  # an incident is caused by a problem
DEFAULT_RISK = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}


def _load_risk() -> dict:
    cells = dict(DEFAULT_RISK)
    for impact, probability, priority in RiskMatrix.objects.values_list(
            "impact", "probability", "priority"):
        cells[(impact, probability)] = priority
    return cells


_risk = RefCache(_load_risk, models=[RiskMatrix])


def risk_priority(impact: int, probability: int) -> int:
    """A problem's priority: its risk, impact x probability (the matrix)."""
    errors = Errors()
    if impact not in Impact.labels:
        errors.add("impact", "Impact must be 1 (high), 2 (medium) or 3 (low).")
    if probability not in Probability.labels:
        errors.add("probability", "Probability must be 1 (likely), 2 (possible) or "
                                  "3 (unlikely).")
    errors.raise_if_any()
    return _risk.get()[(impact, probability)]


def review_days() -> int:
    return int(settings.SERVISTA.get("KNOWN_ERROR_REVIEW_DAYS", 30))


# --- structured root cause analysis ------------------------------------------------------


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def clean_rca(method: str, rca, errors: Errors) -> dict:
    """The analysis as the method structures it, or errors naming ``rca``."""
    if not method:
        if rca:
            errors.add("rca_method", "Name the method of the analysis.")
        return {}
    if method not in RcaMethod.labels:
        errors.add("rca_method", f"Use one of {', '.join(RcaMethod.labels)}.")
        return {}
    if not isinstance(rca, dict):
        errors.add("rca", "The analysis is an object.")
        return {}
    if method == RcaMethod.FIVE_WHYS:
        whys = rca.get("whys")
        if not isinstance(whys, list) or not 1 <= len(whys) <= 10:
            errors.add("rca", "5 whys: give 'whys', a list of one to ten "
                              "{'why', 'because'}.")
            return {}
        out = []
        for index, step in enumerate(whys, 1):
            why = _text(step.get("why")) if isinstance(step, dict) else ""
            because = _text(step.get("because")) if isinstance(step, dict) else ""
            if not because:
                errors.add("rca", f"Why number {index} has no answer ('because').")
            out.append({"why": why or f"Why {index}?", "because": because})
        return {"whys": out}
    if method == RcaMethod.FISHBONE:
        bones = rca.get("bones")
        if not isinstance(bones, dict) or not bones:
            errors.add("rca", "Fishbone: give 'bones', causes by category "
                              f"({', '.join(FISHBONE_CATEGORIES)}).")
            return {}
        out = {}
        for category, causes in bones.items():
            if category not in FISHBONE_CATEGORIES:
                errors.add("rca", f"'{category}' is not a fishbone category; use "
                                  f"{', '.join(FISHBONE_CATEGORIES)}.")
                continue
            if not isinstance(causes, list) or not all(_text(c) for c in causes):
                errors.add("rca", f"The causes under '{category}' are a list of texts.")
                continue
            if causes:
                out[category] = [_text(c) for c in causes]
        return {"effect": _text(rca.get("effect")), "bones": out}
    if method == RcaMethod.TIMELINE:
        events = rca.get("events")
        if not isinstance(events, list) or not events:
            errors.add("rca", "Timeline: give 'events', a list of {'at', 'what'}.")
            return {}
        out = [{"at": _text(e.get("at")), "what": _text(e.get("what"))}
               for e in events if isinstance(e, dict)]
        if len(out) != len(events) or not all(e["what"] for e in out):
            errors.add("rca", "Every event says what happened ('what').")
        return {"events": out}
    notes = _text(rca.get("notes"))
    if not notes:
        errors.add("rca", "Describe the analysis ('notes').")
    return {"notes": notes}


def clean_causes(causes, errors: Errors) -> list:
    if not isinstance(causes, list):
        errors.add("contributing_causes", "A list of {'cause', 'kind'}.")
        return []
    out = []
    for item in causes:
        cause = _text(item.get("cause")) if isinstance(item, dict) else ""
        kind = item.get("kind", CauseKind.OCCURRENCE) if isinstance(item, dict) else ""
        if not cause:
            errors.add("contributing_causes", "Every contributing cause says what it is.")
        elif kind not in CauseKind.labels:
            errors.add("contributing_causes", f"'{kind}' is not one of "
                                              f"{', '.join(CauseKind.labels)}.")
        else:
            out.append({"cause": cause, "kind": kind})
    return out


# --- the service ---------------------------------------------------------------------------


class ProblemService(RecordService):
    model = Problem
    creatable_fields = ("short_description", "description", "service", "configuration_item",
                        "affected_services", "affected_cis", "impact", "probability", "source",
                        "category", "symptoms", "workaround", "assignment_group",
                        "assigned_to")
    editable_fields = (*creatable_fields, "state", "priority", "root_cause", "rca_method",
                       "rca", "contributing_causes")

    def plan_create(self, actor, fields, errors):
        super().plan_create(actor, fields, errors)
        fields.setdefault("probability", Probability.MEDIUM)
        if fields["probability"] not in Probability.labels:
            errors.add("probability", "Probability must be 1 (likely), 2 (possible) or "
                                      "3 (unlikely).")
        source = fields.setdefault("source", Source.INCIDENTS)
        if source not in Source.labels:
            errors.add("source", f"Use one of {', '.join(Source.labels)}.")
        self._check_category(fields.get("category"), errors)

    def _check_category(self, category, errors):
        if category is not None and category.parent_id is not None:
            errors.add("category", f"'{category}' is a subcategory; choose its category.")

    def create_record(self, record, actor, *, body: str = "", relations=None):
        record.priority = risk_priority(record.impact, record.probability)
        return super().create_record(record, actor, body=body, relations=relations)

    def plan_priority(self, problem, actor, data, plan, errors):
        """Impact and probability give the priority through the risk matrix;
        ``priority`` overrides it (problem managers, with a reason)."""
        impact = data.get("impact", problem.impact)
        probability = data.get("probability", problem.probability)
        if "impact" in data or "probability" in data:
            try:
                risk_priority(impact, probability)
            except ValidationFailed as exc:
                errors.absorb(exc)
                return
            plan.changes.update(impact=impact, probability=probability)
        moved = (impact, probability) != (problem.impact, problem.probability)
        if "priority" in data:
            if not self.policy().can(actor, "override_priority", problem):
                raise Forbidden("Only a problem manager may override the priority.")
            priority = data["priority"]
            if priority is None:
                plan.changes.update(priority_overridden=False,
                                    priority=risk_priority(impact, probability))
            else:
                if priority not in (1, 2, 3, 4, 5):
                    errors.add("priority", "Priority must be between 1 and 5.")
                if not (data.get("reason") or "").strip():
                    errors.add("reason", "A reason is required to override the priority.")
                plan.changes.update(priority=priority, priority_overridden=True)
        elif moved and not problem.priority_overridden:
            plan.changes["priority"] = risk_priority(impact, probability)

    def plan_update(self, problem, actor, data, plan, errors):
        for name in ("symptoms", "workaround", "root_cause", "category"):
            if name in data:
                plan.changes[name] = data[name] if name == "category" \
                    else (data[name] or "").strip()
        if "category" in data:
            self._check_category(data["category"], errors)
        if "source" in data:
            if data["source"] not in Source.labels:
                errors.add("source", f"Use one of {', '.join(Source.labels)}.")
            plan.changes["source"] = data["source"]
        if "rca_method" in data or "rca" in data:
            method = data.get("rca_method", problem.rca_method) or ""
            rca = data.get("rca", problem.rca if "rca_method" not in data else {})
            plan.changes.update(rca_method=method, rca=clean_rca(method, rca or {}, errors))
        if "contributing_causes" in data:
            plan.changes["contributing_causes"] = clean_causes(data["contributing_causes"],
                                                               errors)
        if problem.is_known_error:
            for name in ("symptoms", "workaround", "root_cause"):
                if name in data and not (data[name] or "").strip():
                    errors.add(name, "A known error keeps its symptoms, root cause and "
                                     "workaround.")

    def permission_for_transition(self, problem, target):
        return {State.CANCELLED: "cancel", State.CLOSED: "close"}.get(target, "change")

    def transition_fields(self, problem, actor, target, data, plan, errors, now):
        if target == State.KNOWN_ERROR and problem.state != State.FIX_IN_PROGRESS:
            for name in ("symptoms", "root_cause", "workaround"):
                value = (data.get(name, getattr(problem, name)) or "").strip()
                if not value:
                    errors.add(name, f"A known error needs its {name.replace('_', ' ')}.")
                plan.changes[name] = value
            if problem.known_error_at is None:
                plan.changes["known_error_at"] = now
            plan.changes["review_due"] = now.date() + timedelta(days=review_days())
        if target == State.RESOLVED:
            code = data.get("resolution_code") or ""
            notes = (data.get("resolution_notes") or "").strip()
            if code not in ProblemResolution.labels:
                errors.add("resolution_code", f"Use one of {', '.join(ProblemResolution.labels)}.")
            if not notes:
                errors.add("resolution_notes", "Say how the problem was resolved.")
            plan.changes.update(resolution_code=code, resolution_notes=notes, resolved_at=now,
                                resolved_by=actor, review_due=None)
            if data.get("resolve_incidents"):
                plan.then.append(_resolve_incidents)
        if problem.state == State.RESOLVED and target == State.ROOT_CAUSE_ANALYSIS:
            if not (data.get("reason") or "").strip():
                errors.add("reason", "Say why the problem is analysed again.")
            plan.changes.update(resolution_code="", resolution_notes="", resolved_at=None,
                                resolved_by=None)
        if target == State.CANCELLED and not (data.get("reason") or "").strip():
            errors.add("reason", "Say why the problem is cancelled.")


rules = ProblemService()


def policy():
    return rules.policy()


change_state = rules.change_state
update_problem = rules.update
comment = rules.comment
work_note = rules.work_note


# --- incidents and problems ----------------------------------------------------------------


def _incident_type():
    return ContentType.objects.get_for_model(Incident)


def _problem_type():
    return ContentType.objects.get_for_model(Problem)


def linked_incidents(problem: Problem):
    """The incidents this problem causes (linked from either side)."""
    ids = Link.objects.filter(kind=CAUSES, source_type=_incident_type(),
                              target_type=_problem_type(), target_id=problem.pk) \
        .values("source_id")
    return Incident.objects.filter(pk__in=ids)


def problems_of(incident: Incident):
    """The problems that cause this incident."""
    ids = Link.objects.filter(kind=CAUSES, source_type=_incident_type(),
                              source_id=incident.pk, target_type=_problem_type()) \
        .values("target_id")
    return Problem.objects.filter(pk__in=ids)


@transaction.atomic
def create_problem(actor, data: dict, *, incidents_=(), hold: bool = False) -> Problem:
    """Log a problem (``ProblemService.creatable_fields``), from the incidents
    given when there are some (all linked in the same step)."""
    incidents_ = list(dict.fromkeys(incidents_))
    for incident in incidents_:
        incidents.policy().require(actor, "change", incident)
    problem = rules.create(actor, data)
    if incidents_:
        _, failed = link_incidents(problem, actor, incidents_, hold=hold)
        if failed:
            number, why = next(iter(failed.items()))
            raise ValidationFailed.field("incidents", f"{number}: {why}")
    return problem


def link_incidents(problem: Problem, actor, incidents_, *, hold: bool = False
                   ) -> tuple[list, dict]:
    """Link many incidents to the problem, each on its own (one refusal does
    not undo the others); with ``hold``, the open ones wait for the problem
    (on hold, 'awaiting problem', the journal naming it). Returns
    (linked, {number: why not})."""
    policy().require(actor, "change", problem)
    if not problem.is_open:
        raise InvalidTransition(f"{problem.number} is {problem.get_state_display().lower()}; "
                                "no more incidents are linked to it.")
    done, failed = [], {}
    existing = set(linked_incidents(problem).values_list("pk", flat=True))
    for incident in incidents_:
        if incident.pk in existing:
            failed[incident.number] = f"already linked to {problem.number}."
            continue
        try:
            with transaction.atomic():
                incidents.policy().require(actor, "change", incident)
                records.link(incident, problem, actor, CAUSES)
                if hold and incident.state in (IncidentState.NEW, IncidentState.IN_PROGRESS):
                    incidents.put_on_hold(
                        incident, actor, hold_reason=HoldReason.AWAITING_PROBLEM,
                        reason=f"Awaiting problem {problem.number}: {problem.short_description}")
        except (Forbidden, ValidationFailed, InvalidTransition) as exc:
            failed[incident.number] = exc.detail
        else:
            existing.add(incident.pk)
            done.append(incident)
    return done, failed


@transaction.atomic
def unlink_incident(problem: Problem, incident: Incident, actor) -> None:
    """The incident turns out not to be caused by the problem."""
    policy().require(actor, "change", problem)
    removed, _ = Link.objects.filter(kind=CAUSES, source_type=_incident_type(),
                                     source_id=incident.pk, target_type=_problem_type(),
                                     target_id=problem.pk).delete()
    if not removed:
        raise ValidationFailed.field("incident", f"{incident.number} is not linked to "
                                                 f"{problem.number}.")
    write_entry(problem, actor, JournalKind.CHANGE, body=f"Unlinked: causes {incident.number}")
    write_entry(incident, actor, JournalKind.CHANGE,
                body=f"Unlinked: caused by {problem.number}")


def _resolve_incidents(problem: Problem, actor) -> None:
    """Resolving a problem resolves its open incidents, each journaled."""
    notes = f"Resolved with problem {problem.number}: {problem.resolution_notes}"
    for incident in linked_incidents(problem).filter(state__in=IncidentState.OPEN) \
            .order_by("pk"):
        incidents.resolve(incident, actor, resolution_code="solved_permanently",
                          resolution_notes=notes)


def resolve(problem, actor, *, resolution_code: str, resolution_notes: str,
            resolve_incidents: bool = False, expected_version=None) -> Problem:
    return change_state(problem, actor, State.RESOLVED, expected_version=expected_version,
                        resolution_code=resolution_code, resolution_notes=resolution_notes,
                        resolve_incidents=resolve_incidents)


def open_incident_count(problem: Problem) -> int:
    return linked_incidents(problem).filter(state__in=IncidentState.OPEN).count()


def make_known_error(problem, actor, *, symptoms=None, root_cause=None, workaround=None,
                     reason: str = "", expected_version=None) -> Problem:
    """Error control: the problem is analysed and its workaround known; it
    joins the known error database (re-assessed every KNOWN_ERROR_REVIEW_DAYS)."""
    fields = {name: value for name, value in (("symptoms", symptoms),
                                               ("root_cause", root_cause),
                                               ("workaround", workaround)) if value is not None}
    return change_state(problem, actor, State.KNOWN_ERROR, expected_version=expected_version,
                        reason=reason, **fields)


@transaction.atomic
def apply_workaround(problem: Problem, incident: Incident, actor, *, resolve: bool = True
                     ) -> Incident:
    """One step for an agent on a matching incident: the incident is linked
    to the known error, and resolved with its workaround (or, with
    ``resolve=False``, told the workaround in a comment); both journals say
    so."""
    policy().require(actor, "change", problem)
    incidents.policy().require(actor, "change", incident)
    if not problem.is_known_error or not problem.workaround.strip():
        raise InvalidTransition(f"{problem.number} is not a known error with a workaround.")
    if incident.state not in IncidentState.OPEN:
        raise InvalidTransition(f"{incident.number} is "
                                f"{incident.get_state_display().lower()}.", field="incident")
    if not problems_of(incident).filter(pk=problem.pk).exists():
        records.link(incident, problem, actor, CAUSES)
    text = f"Workaround from known error {problem.number}: {problem.workaround}"
    if resolve:
        incidents.resolve(incident, actor, resolution_code="solved_workaround",
                          resolution_notes=text)
    else:
        incidents.comment(incident, actor, text)
    rec = rules.lock(problem)
    records.save_changes(rec, actor, {"workaround_applied_count":
                                      rec.workaround_applied_count + 1},
                         body=f"Workaround applied to {incident.number}.")
    incident.refresh_from_db()
    return incident


@transaction.atomic
def reassess(problem, actor, *, note: str, review_due=None, expected_version=None) -> Problem:
    """The periodic re-assessment of an unresolved known error: is the
    workaround still right, is the fix still planned? The note is journaled
    and the next re-assessment set."""
    policy().require(actor, "change", problem)
    rec = rules.lock(problem, expected_version)
    if not rec.is_known_error:
        raise InvalidTransition(f"{rec.number} is not an unresolved known error.")
    if not (note or "").strip():
        raise ValidationFailed.field("note", "Say what the re-assessment found.")
    today = clock.now().date()
    due = review_due or today + timedelta(days=review_days())
    if due <= today:
        raise ValidationFailed.field("review_due", "The next re-assessment is after today.")
    return rules.commit(rec, actor, Plan(changes={"reviewed_at": clock.now(),
                                                  "review_due": due}),
                        body=f"Known error re-assessed: {note.strip()}")


def remind_reassessments(today=None) -> int:
    """Tell who works each unresolved known error that its re-assessment is
    due (once per due date): the assignee, else the group's manager."""
    from servista.core.services import system_user

    today = today or clock.now().date()
    due = Problem.objects.filter(state__in=State.KNOWN_ERRORS, review_due__lte=today) \
        .exclude(review_reminded_on=F("review_due")) \
        .select_related("assigned_to", "assignment_group__manager")
    told = 0
    for problem in due:
        people = [problem.assigned_to] if problem.assigned_to_id else []
        if not people and problem.assignment_group_id and problem.assignment_group.manager_id:
            people = [problem.assignment_group.manager]
        notify(people or [system_user()],
               f"Re-assess known error {problem.number}: {problem.short_description}",
               body=f"Due on {problem.review_due:%Y-%m-%d}: check the workaround and the "
                    "plan for the fix.", record=problem)
        Problem.objects.filter(pk=problem.pk).update(review_reminded_on=problem.review_due)
        told += 1
    return told


def known_errors():
    """The known error database: problems in their known-error states."""
    return Problem.objects.filter(state__in=State.KNOWN_ERRORS)


def matching_known_errors(incident: Incident, user, limit: int = 3) -> list[dict]:
    """The known errors most like the incident (the search module's
    similarity), besides those it is already linked to."""
    from servista.core import search

    text = f"{incident.short_description}\n{incident.description}"
    found = search.suggest(text, user, only={"known_errors"}, limit=limit)
    return found[0]["items"] if found else []
