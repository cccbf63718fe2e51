from servista.core.choices import ChoiceSet


class ArticleState(ChoiceSet):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    RETIRED = "retired"

    CHOICES = [
        (DRAFT, "Draft", "secondary"),
        (IN_REVIEW, "In review", "info"),
        (PUBLISHED, "Published", "success"),
        (RETIRED, "Retired", "dark"),
    ]

    # A published article is revised as a draft while its last published
    # version stays live; a reviewer sends a draft back or publishes it.
    # Retired is final.
    TRANSITIONS = {
        DRAFT: {IN_REVIEW, RETIRED},
        IN_REVIEW: {DRAFT, PUBLISHED},
        PUBLISHED: {DRAFT, RETIRED},
    }


class Audience(ChoiceSet):
    REQUESTERS = "requesters"
    AGENTS = "agents"
    GROUP = "group"
    CHOICES = [
        (REQUESTERS, "Everyone (requesters too)", "success"),
        (AGENTS, "Support staff", "primary"),
        (GROUP, "One support group", "warning"),
    ]
