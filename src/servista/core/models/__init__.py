from .attachments import Attachment
from .base import ValidatedModel
from .idempotency import IdempotencyKey
from .journal import JournalEntry
from .links import Link
from .numbering import Counter
from .preferences import Preference, SavedView
from .priority import PriorityMatrix
from .records import WorkRecord
from .tasks import Task, WorkerHeartbeat
from .throttling import RequestQuota

__all__ = [
    "Attachment",
    "Counter",
    "IdempotencyKey",
    "JournalEntry",
    "Link",
    "Preference",
    "PriorityMatrix",
    "RequestQuota",
    "SavedView",
    "Task",
    "ValidatedModel",
    "WorkRecord",
    "WorkerHeartbeat",
]
