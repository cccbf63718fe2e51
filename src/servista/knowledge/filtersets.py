import django_filters

from servista.accounts.models import User
from servista.core.filtersets import ChoicesFilter, RefFilter, yes_no
from servista.core.records.filtersets import WorkRecordFilterSet

from .choices import Audience
from .models import Article


class ArticleFilterSet(WorkRecordFilterSet):
    """Filters of the article lists (pages, API, CLI): the kit's without
    the priority ones, plus owner, audience, live and review due."""

    priority = None
    impact = None
    urgency = None
    owner = RefFilter(model=User, specials=("me",))
    audience = ChoicesFilter(choices=Audience.choices)
    live = django_filters.BooleanFilter(method="filter_live", label="Published (live)",
                                        widget=yes_no())
    review_due_before = django_filters.DateFilter(field_name="review_due", lookup_expr="lte",
                                                  label="Review due by")
    ordering = django_filters.OrderingFilter(
        fields=(("id", "number"), ("state", "state"), ("opened_at", "opened_at"),
                ("updated_at", "updated_at"), ("review_due", "review_due"),
                ("view_count", "view_count")))

    hidden_in_ui = ("ordering", "ci", "affects_service", "affects_ci", "review_due_before")

    class Meta:
        model = Article
        fields = []

    def filter_live(self, queryset, name, value):
        if value is None:
            return queryset
        live = queryset.filter(published_version__isnull=False).exclude(state="retired")
        return live if value else queryset.exclude(pk__in=live.values("pk"))
