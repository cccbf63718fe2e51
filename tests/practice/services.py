"""The rules of chores: the kit's, plus one of their own (a chore is done
with a word on what was done, by someone who may sign it off)."""

from servista.core.records.services import RecordService

from .models import Chore, ChoreState


class ChoreService(RecordService):
    model = Chore

    def permission_for_transition(self, chore, target):
        return "finish" if target == ChoreState.DONE else "change"

    def transition_fields(self, chore, actor, target, data, plan, errors, now):
        if target == ChoreState.DONE and not (data.get("reason") or "").strip():
            errors.add("reason", "Say what was done.")


rules = ChoreService()
