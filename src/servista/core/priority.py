"""Priority from impact and urgency, through the matrix kept in the database."""

from servista.core.choices import Impact, Urgency
from servista.core.exceptions import ValidationFailed
from servista.core.models import PriorityMatrix
from servista.core.refcache import RefCache

# The default matrix (1 = high). Seeded by a migration; edited in the admin.
DEFAULT_MATRIX = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}


def validate_impact_urgency(impact, urgency) -> None:
    errors = {}
    if impact not in Impact.labels:
        errors["impact"] = ["Impact must be 1 (high), 2 (medium) or 3 (low)."]
    if urgency not in Urgency.labels:
        errors["urgency"] = ["Urgency must be 1 (high), 2 (medium) or 3 (low)."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)


def load_matrix() -> dict[tuple[int, int], int]:
    cells = dict(DEFAULT_MATRIX)
    for impact, urgency, priority in PriorityMatrix.objects.values_list(
        "impact", "urgency", "priority"
    ):
        cells[(impact, urgency)] = priority
    return cells


# Read on every incident logged or re-prioritised; an edit in the admin
# applies at once in that process and within seconds in the others.
_matrix = RefCache(load_matrix, models=[PriorityMatrix])


def matrix() -> dict[tuple[int, int], int]:
    return dict(_matrix.get())


def compute_priority(impact: int, urgency: int) -> int:
    validate_impact_urgency(impact, urgency)
    return _matrix.get()[(impact, urgency)]
