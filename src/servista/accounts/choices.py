from servista.core.choices import ChoiceSet


class Role(ChoiceSet):
    """What a person may do in Servista; each role includes the ones before it."""

    REQUESTER = "requester"
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"

    CHOICES = [
        (REQUESTER, "End user", "secondary"),
        (AGENT, "Agent", "info"),
        (MANAGER, "Manager", "primary"),
        (ADMIN, "Administrator", "dark"),
    ]

    RANK = {REQUESTER: 0, AGENT: 1, MANAGER: 2, ADMIN: 3}
