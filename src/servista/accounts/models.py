import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from servista.core import clock
from servista.core.permissions import capabilities

from .choices import Role

TOKEN_PREFIX = "sv_"  # noqa: S105 - a marker, not a secret


class Organization(models.Model):
    """A customer of the service provider: every requester belongs to one."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organization", args=[self.pk])


class ServistaUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.REQUESTER)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=100, blank=True)

    objects = ServistaUserManager()

    class Meta:
        ordering = ["username"]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("accounts:user", args=[self.pk])

    # Role helpers: a role includes the rights of the roles below it.
    def has_role(self, role: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return Role.RANK.get(self.role, -1) >= Role.RANK[role]

    @property
    def is_agent(self) -> bool:
        return self.has_role(Role.AGENT)

    @property
    def is_manager(self) -> bool:
        return self.has_role(Role.MANAGER)

    @property
    def is_admin_role(self) -> bool:
        return self.has_role(Role.ADMIN)

    # Capabilities and group memberships, read once per instance (a request's
    # user, a service's actor) and asked by the permission predicates.
    def support_group_ids(self) -> frozenset[int]:
        if not hasattr(self, "_support_group_ids"):
            self._load_memberships()
        return self._support_group_ids

    def has_capability(self, name: str) -> bool:
        """Given by an active support group the person belongs to;
        superusers have every capability."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        if not hasattr(self, "_capabilities"):
            self._load_memberships()
        return name in self._capabilities

    def _load_memberships(self) -> None:
        ids, capabilities = set(), set()
        if self.pk is not None:
            for group_id, granted in self.support_groups.filter(active=True).values_list(
                    "pk", "capabilities"):
                ids.add(group_id)
                capabilities.update(granted or ())
        self._support_group_ids = frozenset(ids)
        self._capabilities = frozenset(capabilities)

    def refresh_from_db(self, *args, **kwargs):
        for cached in ("_support_group_ids", "_capabilities"):
            self.__dict__.pop(cached, None)
        super().refresh_from_db(*args, **kwargs)


def support_staff() -> models.Q:
    """Who may belong to or lead an assignment group: agents and above."""
    return models.Q(role__in=[Role.AGENT, Role.MANAGER, Role.ADMIN]) | models.Q(is_superuser=True)


class Group(models.Model):
    """An assignment group: a team that incidents and requests are routed to."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_groups",
        limit_choices_to=support_staff,
    )
    members = models.ManyToManyField(User, blank=True, related_name="support_groups",
                                     limit_choices_to=support_staff)
    is_service_desk = models.BooleanField(
        "service desk", default=False,
        help_text="New incidents without a routing rule land in this group's queue",
    )
    active = models.BooleanField(default=True)
    capabilities = models.JSONField(
        default=list, blank=True,
        help_text="What the members may do beyond their role (e.g. sit on the change "
                  "advisory board); the names are those registered by the practices")

    class Meta:
        ordering = ["name"]
        verbose_name = "assignment group"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:group", args=[self.pk])

    def clean(self):
        known = {c.name for c in capabilities()}
        value = self.capabilities
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError({"capabilities": "A list of capability names."})
        unknown = [name for name in value if name not in known]
        if unknown:
            raise ValidationError({"capabilities": f"Unknown capability: {', '.join(unknown)}. "
                                                   f"Known: {', '.join(sorted(known))}."})
        self.capabilities = sorted(set(value))

    def clean_relations(self, relations: dict) -> None:
        """Checks of the many-to-many values about to be set."""
        outsiders = [str(u) for u in relations.get("members", ()) if not u.is_agent]
        if outsiders:
            raise ValidationError({"members": f"Not support staff: {', '.join(outsiders)}."})

    def has_member(self, user) -> bool:
        return user is not None and self.members.filter(pk=user.pk).exists()


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast digest is enough: there is
    # nothing to brute-force that a slow password hash would protect.
    return hashlib.sha256(raw.encode()).hexdigest()


class APIToken(models.Model):
    """A bearer token for the REST API; only its digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_valid(self) -> bool:
        if self.revoked:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
