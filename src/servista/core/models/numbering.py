from django.db import models


class Counter(models.Model):
    """One row per record prefix; the row is locked while a number is taken,
    so numbers are unique on every database without database sequences."""

    name = models.CharField(max_length=16, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "number counter"

    def __str__(self):
        return f"{self.name}: {self.value}"
