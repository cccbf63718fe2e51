from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from servista.core.exceptions import DomainError

from . import services
from .models import MailKind, Notification


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)[:100]
    return render(request, "notifications/list.html",
                  {"notifications": notifications, "title": "Notifications"})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notifications:list")


@login_required
def preferences(request):
    """The kinds of mail the signed-in person receives (all by default)."""
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        try:
            services.set_muted(request.user, [k for k in MailKind.values if k not in chosen])
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Mail preferences saved.")
        return redirect("notifications:preferences")
    muted = services.muted(request.user)
    kinds = [{"value": value, "label": label, "on": value not in muted}
             for value, label in MailKind.choices]
    return render(request, "notifications/preferences.html",
                  {"kinds": kinds, "title": "Mail preferences"})
