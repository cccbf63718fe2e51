from servista.core.records.views import RecordViews

from .actions import ACTIONS
from .models import Chore
from .services import rules


class ChoreViews(RecordViews):
    model = Chore
    service = rules
    actions = ACTIONS


app_name = "practice"
urlpatterns = ChoreViews().urls()
