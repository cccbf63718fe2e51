"""Kinds of links between records, declared by the apps that need them.

A kind reads from the source to the target ("INC0001002 *duplicate of*
INC0001001") and has a label for the other direction ("*has duplicate*").
Core declares the kinds any two records may share; a practice declares its
own in its ``links.py`` or ``policies.py`` (e.g. a problem "causes" its
incidents, a change "fixes" a problem). Kinds are data of the running
program, not database choices: a new kind needs no migration.

    links.register_kind("fixed_by", "fixed by", "fixes")
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LinkKind:
    value: str
    label: str           # source -> target: "duplicate of"
    reverse_label: str   # target -> source: "has duplicate"


_kinds: dict[str, LinkKind] = {}

RELATES_TO = "relates_to"


def register_kind(value: str, label: str, reverse_label: str | None = None) -> LinkKind:
    if len(value) > 20 or not value.replace("_", "").isalnum():
        raise ValueError(f"A link kind is a short identifier (a-z, 0-9, _): {value!r}")
    return _kinds.setdefault(value, LinkKind(value, label, reverse_label or label))


def kind(value: str) -> LinkKind | None:
    return _kinds.get(value)


def kinds() -> list[LinkKind]:
    return list(_kinds.values())


def label(value: str, direction: str = "outgoing") -> str:
    found = _kinds.get(value)
    if found is None:
        return value.replace("_", " ")
    return found.label if direction == "outgoing" else found.reverse_label


# The kinds any two records may share.
register_kind(RELATES_TO, "relates to")
register_kind("duplicate_of", "duplicate of", "has duplicate")
register_kind("caused_by", "caused by", "causes")
register_kind("resolved_by", "resolved by", "resolves")
