"""Who may read, write, review and publish knowledge.

Every agent writes and revises articles (knowledge is everybody's work);
managers and the members of groups given the ``knowledge.reviewer``
capability publish and retire them. Readers see published articles meant
for them: requesters those for everyone, support staff also those for the
staff and those of their own groups."""

from django.db.models import Q

from servista.core.permissions import (
    RecordPolicy,
    has_capability,
    is_agent,
    is_manager,
    is_signed_in,
    never,
    register,
    register_capability,
)

from .choices import ArticleState, Audience
from .models import Article

REVIEWER = register_capability(
    "knowledge.reviewer", "Knowledge reviewer",
    "Reviews knowledge articles, publishes and retires them, besides the managers.").name

reviews = is_manager | has_capability(REVIEWER)


def audience_filter(user, prefix: str = "") -> Q:
    """The articles meant for ``user`` (whatever their state)."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    if not user.has_role("agent"):
        return Q(**{f"{prefix}audience": Audience.REQUESTERS})
    if user.has_role("manager"):
        return Q()
    return (~Q(**{f"{prefix}audience": Audience.GROUP})
            | Q(**{f"{prefix}audience_group__in": user.support_group_ids()})
            | Q(**{f"{prefix}owner": user}))


@register
class ArticlePolicy(RecordPolicy):
    """The staff pages and API of articles; readers use the reading pages."""

    model = Article
    rules = {
        **RecordPolicy.rules,
        "view": is_agent,
        "create": is_agent,
        "comment": is_agent,
        "publish": reviews,
        "retire": reviews,
        "override_priority": never,
        "view_feedback": is_agent,
    }

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if not is_agent(user):
            return queryset.none()
        return queryset.filter(audience_filter(user))


def readable_filter(user) -> Q:
    """Published, not retired, meant for ``user``."""
    return (Q(published_version__isnull=False) & ~Q(state=ArticleState.RETIRED)
            & audience_filter(user))
