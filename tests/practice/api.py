from servista.core.records.api import RecordAPI

from .actions import ACTIONS
from .models import Chore
from .services import rules


class ChoreAPI(RecordAPI):
    model = Chore
    name = "chores"
    service = rules
    actions = ACTIONS


resource = ChoreAPI()
ROUTES = [("/chores", resource.router())]
