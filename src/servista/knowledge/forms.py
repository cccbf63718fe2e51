"""Forms of the knowledge pages: they collect and type input; the rules are
in services.py."""

from django import forms
from django.contrib.auth import get_user_model

from servista.core.records.forms import RecordForm, RefChoiceField, WorkRecordForm, agents

from .choices import Audience
from .models import Article


class ArticleForm(WorkRecordForm):
    model = Article
    FIELDS = ("short_description", "description", "keywords", "audience", "audience_group",
              "owner", "service", "configuration_item", "affected_services", "affected_cis",
              "assignment_group", "assigned_to", "review_due")

    short_description = forms.CharField(label="Title", max_length=200, widget=forms.TextInput(
        attrs={"col": "col-12", "autofocus": True}))
    description = forms.CharField(label="Body", required=False, help_text="Markdown", widget=(
        forms.Textarea(attrs={"rows": 14, "col": "col-12"})))
    keywords = forms.CharField(required=False, max_length=200,
                               help_text="Other words readers search with")
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.AGENTS)
    audience_group = forms.ModelChoiceField(queryset=None, required=False,
                                            label="Audience group")
    owner = RefChoiceField(model=get_user_model(), required=False,
                           help_text="Empty: you")
    review_due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="Empty: six months after publication")
    impact = None
    urgency = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_group"].queryset = self.fields["assignment_group"].queryset
        self.fields["owner"].choices = [("", "—")] + [(str(u.pk), str(u)) for u in agents()]


class ReviewedForm(RecordForm):
    review_due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 label="Next review", help_text="Empty: in six months")
    reason = forms.CharField(required=False, label="Note",
                             widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(choices=[("yes", "Yes"), ("no", "No")],
                                     coerce=lambda v: v == "yes")
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2, "class": "form-control",
               "placeholder": "What was missing or wrong? (optional)"}))
