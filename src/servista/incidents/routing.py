"""Category and group suggestion: a naive Bayes model of the words of
resolved incidents and the category and assignment group they ended in.

The model is trained from the newest resolved history (``TRAIN_LIMIT``
incidents), kept in the database (``RoutingModel``) so that every process
loads it at once, trained again by a periodic task, and trained on first
use when there is none. It needs no network: the words are the search
module's (``core.search.tokens``)."""

import math
from collections import Counter, defaultdict

from django.db import transaction

from servista.core import clock, search
from servista.core.refcache import RefCache

from .choices import IncidentState
from .models import Incident, RoutingModel

TRAIN_LIMIT = 20_000
MAX_TERMS = 20_000  # the most frequent words kept in the model


def train(limit: int = TRAIN_LIMIT) -> RoutingModel:
    """Count, per category and per group, the words of the newest resolved
    incidents; save the model."""
    rows = (Incident.objects.filter(state__in=(IncidentState.RESOLVED, IncidentState.CLOSED))
            .exclude(category=None).order_by("-id")
            .values_list("short_description", "description", "category_id",
                         "assignment_group_id")[:limit])
    frequency = Counter()
    docs = []
    for title, description, category, group in rows:
        terms = search.tokens(f"{title} {title} {description}")
        frequency.update(set(terms))
        docs.append((terms, category, group))
    vocabulary = {term for term, _ in frequency.most_common(MAX_TERMS)}
    model = {"category": _counts(docs, 1, vocabulary), "group": _counts(docs, 2, vocabulary),
             "vocabulary": len(vocabulary)}
    with transaction.atomic():
        RoutingModel.objects.all().delete()
        saved = RoutingModel.objects.create(trained_at=clock.now(), incidents=len(docs),
                                            data=model)
    _model.clear()
    return saved


def _counts(docs, index: int, vocabulary) -> dict:
    classes: dict = defaultdict(lambda: {"docs": 0, "total": 0, "terms": Counter()})
    for doc in docs:
        label = doc[index]
        if label is None:
            continue
        entry = classes[str(label)]
        entry["docs"] += 1
        kept = [term for term in doc[0] if term in vocabulary]
        entry["total"] += len(kept)
        entry["terms"].update(kept)
    return {label: {"docs": e["docs"], "total": e["total"], "terms": dict(e["terms"])}
            for label, e in classes.items()}


def _load():
    found = RoutingModel.objects.order_by("-trained_at").first()
    return found.data if found is not None else None


_model = RefCache(_load, models=[RoutingModel], ttl=300)


def model() -> dict | None:
    data = _model.get()
    if data is None:
        train()
        data = _model.get()
    return data


def _predict(classes: dict, terms: list[str], vocabulary: int):
    if not classes or not terms:
        return None, 0.0
    total_docs = sum(c["docs"] for c in classes.values())
    scores = {}
    for label, c in classes.items():
        score = math.log(c["docs"] / total_docs)
        denominator = c["total"] + vocabulary + 1
        for term in terms:
            score += math.log((c["terms"].get(term, 0) + 1) / denominator)
        scores[label] = score
    best = max(scores, key=scores.get)
    top = scores[best]
    total = sum(math.exp(s - top) for s in scores.values())
    return int(best), round(1 / total, 3)


def suggest(text: str) -> dict:
    """{"category": (id, confidence) or None, "group": (id, confidence) or None}
    for a new incident's text (confidence between 0 and 1)."""
    terms = search.tokens(text)
    data = model()
    if not data or not terms:
        return {"category": None, "group": None}
    known = set()
    for part in ("category", "group"):
        for c in data[part].values():
            known.update(c["terms"])
    terms = [t for t in terms if t in known]
    out = {}
    for part in ("category", "group"):
        label, confidence = _predict(data[part], terms, data["vocabulary"])
        out[part] = (label, confidence) if label is not None else None
    return out
