from .attachments import Attachment
from .base import ValidatedModel
from .desk import Mention, ResponseTemplate, Watcher
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
    "Mention",
    "Preference",
    "PriorityMatrix",
    "RequestQuota",
    "ResponseTemplate",
    "SavedView",
    "Task",
    "ValidatedModel",
    "Watcher",
    "WorkRecord",
    "WorkerHeartbeat",
]
