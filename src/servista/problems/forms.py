"""Forms of the problem pages. They collect and type the input (the
analysis typed as lines becomes the structured data the API takes); the
rules are in services.py."""

import re

from django import forms

from servista.core import lookup
from servista.core.records.forms import BLANK, RecordForm, WorkRecordForm, shown_required
from servista.incidents.models import Category, Incident

from .choices import (
    FISHBONE_CATEGORIES,
    CauseKind,
    Probability,
    ProblemResolution,
    RcaMethod,
    Source,
)
from .models import Problem

NUMBERS = re.compile(r"[\s,;]+")


def incidents_from(text: str) -> list:
    """Incidents typed as numbers (or ids), separated by spaces, commas or
    lines; an unknown one is a form error naming it."""
    found, missing = [], []
    for ident in [part for part in NUMBERS.split(text or "") if part]:
        incident = lookup.find(Incident.objects.all(), ident)
        (found if incident else missing).append(incident or ident)
    if missing:
        raise forms.ValidationError(f"No incident {', '.join(missing)}.")
    return list(dict.fromkeys(found))


class ProblemForm(WorkRecordForm):
    model = Problem
    FIELDS = ("short_description", "description", "source", "category", "service",
              "configuration_item", "affected_services", "affected_cis", "impact",
              "probability", "symptoms", "workaround", "assignment_group", "assigned_to")

    source = forms.ChoiceField(choices=Source.choices, initial=Source.INCIDENTS,
                               label="Identified from")
    category = forms.ModelChoiceField(Category.objects.filter(parent=None, active=True)
                                      .order_by("name"), required=False)
    probability = forms.TypedChoiceField(choices=Probability.choices, coerce=int, initial=2,
                                         help_text="With the impact, gives the priority "
                                                   "(the risk)")
    symptoms = forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 3, "col": "col-12"}), help_text="What the people affected see")
    workaround = forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 3, "col": "col-12"}), help_text="How to restore the service until "
                                                       "the fix")
    urgency = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The preview shows the incident matrix: problems are ranked by risk.
        self.fields["impact"].widget.attrs = {
            k: v for k, v in self.fields["impact"].widget.attrs.items()
            if not k.startswith("hx-")}


def _lines(text: str) -> list[str]:
    return [line.strip(" -*\t") for line in (text or "").splitlines() if line.strip(" -*\t")]


class AnalysisForm(RecordForm):
    """Problem control: the root cause, the analysis by its method, and the
    contributing causes."""

    rca_method = forms.ChoiceField(choices=BLANK + RcaMethod.choices, required=False,
                                   label="Method")
    root_cause = forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 2, "col": "col-12"}), label="Root cause (summary)")
    whys = forms.CharField(required=False, label="5 whys: one answer per line", widget=(
        forms.Textarea(attrs={"rows": 5, "col": "col-12",
                              "placeholder": "Mail queued for hours\nThe spam filter hung\n"
                                             "…"})))
    effect = forms.CharField(required=False, label="Fishbone: the effect")
    notes = forms.CharField(required=False, label="Timeline (one 'time: event' per line) or "
                                                  "notes", widget=forms.Textarea(
        attrs={"rows": 4, "col": "col-12"}))
    causes = forms.CharField(required=False, label="Contributing causes: one per line, "
                                                   "'duration:' or 'impact:' in front when "
                                                   "they made it last or worse",
                             widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in FISHBONE_CATEGORIES:
            self.fields[f"bone_{category}"] = forms.CharField(
                required=False, label=f"Fishbone: {category} (a cause per line)",
                widget=forms.Textarea(attrs={"rows": 2}))
        problem = self.instance
        if problem is not None and not self.is_bound:
            self.initial.update(rca_method=problem.rca_method, root_cause=problem.root_cause)
            rca = problem.rca or {}
            self.initial["whys"] = "\n".join(w["because"] for w in rca.get("whys", []))
            self.initial["effect"] = rca.get("effect", "")
            for category, causes in rca.get("bones", {}).items():
                self.initial[f"bone_{category}"] = "\n".join(causes)
            if "events" in rca:
                self.initial["notes"] = "\n".join(f"{e['at']}: {e['what']}"
                                                  for e in rca["events"])
            elif "notes" in rca:
                self.initial["notes"] = rca["notes"]
            self.initial["causes"] = "\n".join(
                (f"{c['kind']}: " if c["kind"] != CauseKind.OCCURRENCE else "") + c["cause"]
                for c in problem.contributing_causes)

    def action_data(self):
        data = self.cleaned_data
        method = data["rca_method"]
        if method == RcaMethod.FIVE_WHYS:
            rca = {"whys": [{"why": f"Why {i}?", "because": line}
                            for i, line in enumerate(_lines(data["whys"]), 1)]}
        elif method == RcaMethod.FISHBONE:
            rca = {"effect": data["effect"], "bones": {
                category: _lines(data[f"bone_{category}"]) for category in FISHBONE_CATEGORIES
                if _lines(data[f"bone_{category}"])}}
        elif method == RcaMethod.TIMELINE:
            rca = {"events": [{"at": line.partition(":")[0].strip() if ":" in line else "",
                               "what": line.partition(":")[2].strip() if ":" in line else line}
                              for line in _lines(data["notes"])]}
        elif method:
            rca = {"notes": data["notes"]}
        else:
            rca = {}
        causes = []
        for line in _lines(data["causes"]):
            kind, sep, rest = line.partition(":")
            if sep and kind.strip().lower() in CauseKind.labels:
                causes.append({"cause": rest.strip(), "kind": kind.strip().lower()})
            else:
                causes.append({"cause": line, "kind": CauseKind.OCCURRENCE})
        return {"root_cause": data["root_cause"], "rca_method": method, "rca": rca,
                "contributing_causes": causes}


class KnownErrorForm(RecordForm):
    symptoms = shown_required(forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 3, "col": "col-12"})))
    root_cause = shown_required(forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 2, "col": "col-12"})))
    workaround = shown_required(forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 3, "col": "col-12"}), help_text="Offered on every matching incident"))
    reason = forms.CharField(required=False, label="Note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not self.is_bound:
            for name in ("symptoms", "root_cause", "workaround"):
                self.initial[name] = getattr(self.instance, name)


class ResolveForm(RecordForm):
    resolution_code = shown_required(forms.ChoiceField(
        choices=BLANK + ProblemResolution.choices, required=False))
    resolution_notes = shown_required(forms.CharField(required=False, widget=forms.Textarea(
        attrs={"rows": 3, "col": "col-12"})))
    resolve_incidents = forms.BooleanField(required=False, initial=True,
                                           label="Also resolve its open incidents")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            from . import services

            count = services.open_incident_count(self.instance)
            self.fields["resolve_incidents"].label = \
                f"Also resolve its {count} open incident{'s' if count != 1 else ''}, " \
                "each with this resolution"


class LinkIncidentsForm(RecordForm):
    incidents = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}),
                                help_text="Incident numbers, separated by spaces or lines")
    hold = forms.BooleanField(required=False, label="Put the open ones on hold awaiting "
                                                    "this problem")

    def clean_incidents(self):
        return incidents_from(self.cleaned_data["incidents"])


class ApplyWorkaroundForm(RecordForm):
    incident = forms.CharField(label="Incident number")
    resolve = forms.BooleanField(required=False, initial=True,
                                 label="Resolve the incident with the workaround")

    def clean_incident(self):
        found = incidents_from(self.cleaned_data["incident"])
        if len(found) != 1:
            raise forms.ValidationError("Name one incident.")
        return found[0]


class ReassessForm(RecordForm):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "col": "col-12"}),
                           help_text="Is the workaround still right? Is the fix still planned?")
    review_due = forms.DateField(required=False, label="Next re-assessment",
                                 widget=forms.DateInput(attrs={"type": "date"}))


class FromIncidentsForm(forms.Form):
    """Incidents selected on the incident list: link them to a problem or
    log a new problem with them."""

    problem = forms.CharField(required=False, label="Existing problem number",
                              help_text="Empty: a new problem")
    short_description = forms.CharField(required=False, max_length=200,
                                        label="New problem's short description")
    hold = forms.BooleanField(required=False, label="Put the open incidents on hold "
                                                    "awaiting the problem")

    def clean(self):
        data = super().clean()
        if not (data.get("problem") or "").strip() and not \
                (data.get("short_description") or "").strip():
            raise forms.ValidationError("Name a problem, or describe the new one.")
        return data


class DecisionForm(forms.Form):
    short_description = forms.CharField(required=False, max_length=200,
                                        label="Problem's short description")
    reason = forms.CharField(required=False, label="Why dismissed",
                             widget=forms.Textarea(attrs={"rows": 2}))
