from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from servista.core.choices import Impact, Priority, Urgency


class PriorityMatrix(models.Model):
    """Impact x urgency -> priority. Edited by administrators in the admin."""

    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["impact", "urgency"]
        verbose_name = "priority matrix cell"
        verbose_name_plural = "priority matrix"
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_matrix_cell")
        ]

    def __str__(self):
        return f"impact {self.impact} x urgency {self.urgency} = priority {self.priority}"
