from django.db import models

from servista.core.choices import ChoiceSet
from servista.core.models import WorkRecord


class ChoreState(ChoiceSet):
    TODO, DOING, DONE, DROPPED = "todo", "doing", "done", "dropped"
    CHOICES = [(TODO, "To do", "info"), (DOING, "Doing", "primary"),
               (DONE, "Done", "success"), (DROPPED, "Dropped", "dark")]
    TRANSITIONS = {TODO: {DOING, DROPPED}, DOING: {TODO, DONE, DROPPED}}
    WORKING = DOING


class Chore(WorkRecord):
    number_prefix = "CHR"
    State = ChoreState
    state = models.CharField(max_length=32, choices=ChoreState.choices, default=ChoreState.TODO)

    class Meta:
        ordering = ["-id"]
