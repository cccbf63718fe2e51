"""``servista chore``: chores from a shell (the kit's verbs and the actions)."""

from servista.core.records.cli import RecordCommand
from tests.practice.api import resource


class Command(RecordCommand):
    help = "Create, list, show and work chores as a given user."
    api = resource
