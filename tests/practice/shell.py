from servista.core import shell

from .models import Chore

shell.nav("Chores", "practice:list", icon="check2-square", weight=80, shortcut="g h",
          shortcut_help="All chores")
shell.new("New chore", "practice:create", weight=80)
shell.search(Chore, "Chores", "practice:list", weight=80)
