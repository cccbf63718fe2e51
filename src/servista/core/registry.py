"""Which concrete work records exist, by number prefix: lets a record be found
from its number alone (links, global search, API look-ups)."""

from django.apps import apps

from servista.core.idents import split_number


def record_models():
    from servista.core.models import WorkRecord

    return [m for m in apps.get_models() if issubclass(m, WorkRecord) and m.number_prefix]


def model_for_number(number: str):
    parts = split_number(number)
    if parts is None:
        return None
    for model in record_models():
        if model.number_prefix == parts[0]:
            return model
    return None
