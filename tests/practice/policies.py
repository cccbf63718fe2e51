from servista.core.permissions import (
    RecordPolicy,
    has_capability,
    is_manager,
    register,
    register_capability,
)

from .models import Chore

CHECKER = register_capability("practice.checker", "Chore checker",
                              "Signs chores off as done").name


@register
class ChorePolicy(RecordPolicy):
    """Agents work chores; only managers and chore checkers sign them off."""

    model = Chore
    rules = {**RecordPolicy.rules, "finish": is_manager | has_capability(CHECKER)}
