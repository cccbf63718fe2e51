"""Which concrete work records exist, by number prefix: lets a record be found
from its number alone (links, global search, API look-ups)."""

from django.apps import apps


def record_models():
    from servista.core.models import WorkRecord

    return [m for m in apps.get_models() if issubclass(m, WorkRecord) and m.number_prefix]


def model_for_number(number: str):
    number = (number or "").upper()
    for model in record_models():
        prefix = model.number_prefix
        if number.startswith(prefix) and number[len(prefix):].isdigit():
            return model
    return None
