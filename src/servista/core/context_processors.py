from servista.core import personal, shell
from servista.core.permissions import is_agent, is_manager


def navigation(request):
    """What the page frame needs: the navigation the apps registered, as the
    user may see it, the "new" menu and the keyboard shortcuts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    new_entries = shell.new_entries(user)
    preference = getattr(request, "preference", None) or personal.preference(user)
    return {
        "shortcuts_enabled": preference.keyboard_shortcuts,
        "theme": preference.theme,
        "is_agent": is_agent(user),
        "is_manager": is_manager(user),
        "shell_nav": shell.navigation(user),
        "new_entries": new_entries,
        "new_url": new_entries[0].href() if new_entries else "",
        "shortcuts": shell.shortcuts(user),
        "search_sources": shell.search_sources(user),
    }
