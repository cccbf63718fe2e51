def navigation(request):
    """What the page frame needs: the role-aware menu and unread notices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from servista.notifications.services import unread_count

    return {
        "is_agent": user.is_agent,
        "is_manager": user.is_manager,
        "unread_notifications": unread_count(user),
    }
