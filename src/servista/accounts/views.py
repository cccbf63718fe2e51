from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from servista.core import lookup
from servista.core.exceptions import DomainError
from servista.core.generic_views import ObjectDetailView, ObjectListView
from servista.core.permissions import capabilities
from servista.core.services import SYSTEM_USERNAME

from . import services
from .filtersets import GroupFilterSet, OrganizationFilterSet, UserFilterSet
from .models import APIToken, Group, Organization, User
from .tables import GroupTable, OrganizationTable, UserTable


class UserListView(ObjectListView):
    queryset = User.objects.select_related("organization").exclude(username=SYSTEM_USERNAME)
    filterset = UserFilterSet
    table = UserTable
    title = "People"


class UserDetailView(ObjectDetailView):
    queryset = User.objects.select_related("organization")
    template_name = "accounts/user_detail.html"
    detail_fields = ("username", "first_name", "last_name", "email", "role", "organization",
                     "title", "phone", "is_active", "last_login")

    def get_context(self, obj, **extra):
        return super().get_context(obj, groups=obj.support_groups.all(), **extra)


class GroupListView(ObjectListView):
    queryset = Group.objects.select_related("manager").annotate(member_count=Count("members"))
    filterset = GroupFilterSet
    table = GroupTable


class GroupDetailView(ObjectDetailView):
    queryset = Group.objects.select_related("manager")
    template_name = "accounts/group_detail.html"
    detail_fields = ("name", "description", "email", "manager", "is_service_desk", "active")

    def get_context(self, obj, **extra):
        granted = set(obj.capabilities or ())
        return super().get_context(
            obj, members=obj.members.order_by("last_name"),
            capabilities=[c for c in capabilities() if c.name in granted], **extra)


class OrganizationListView(ObjectListView):
    queryset = Organization.objects.annotate(user_count=Count("users"))
    filterset = OrganizationFilterSet
    table = OrganizationTable


class OrganizationDetailView(ObjectDetailView):
    queryset = Organization.objects.all()
    detail_fields = ("name", "description", "active")


@login_required
@require_GET
def people_search(request):
    """Type-ahead for person fields: ``<option>`` elements for a datalist.
    ``scope=agents`` limits to support staff. Requesters get nothing."""
    query = request.GET.get("q", "").strip()
    if not request.user.is_agent or len(query) < 2:
        return HttpResponse("")
    people = User.objects.filter(is_active=True).filter(lookup.people_query(query)) \
        .exclude(username=SYSTEM_USERNAME)
    if request.GET.get("scope") == "agents":
        people = people.filter(role__in=("agent", "manager", "admin"))
    people = people.select_related("organization").order_by("last_name", "first_name")[:15]
    html = "".join(
        format_html('<option value="{}">{}{}{}</option>', p.username,
                    p.get_full_name() or p.username, f" · {p.email}" if p.email else "",
                    f" · {p.organization}" if p.organization_id else "")
        for p in people
    )
    return HttpResponse(html)


@login_required
def profile(request):
    """The signed-in person's account and API tokens. A new token is shown
    once, right after it is created."""
    new_token = request.session.pop("new_token", None)
    tokens = APIToken.objects.filter(user=request.user)
    return render(request, "accounts/profile.html",
                  {"tokens": tokens, "new_token": new_token, "title": "Your profile"})


@login_required
@require_POST
def token_create(request):
    name = request.POST.get("name", "").strip()[:100]
    try:
        _, raw = services.create_token(request.user, name=name, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        request.session["new_token"] = raw
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    services.revoke_token(token, request.user)
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("accounts:profile")
