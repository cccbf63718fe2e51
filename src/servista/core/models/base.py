from django.db import models


class ValidatedModel(models.Model):
    """Adds ``validated_save()``: model validation, then save."""

    class Meta:
        abstract = True

    def validated_save(self, **kwargs):
        self.full_clean()
        self.save(**kwargs)
