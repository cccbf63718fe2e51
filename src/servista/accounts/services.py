"""Accounts: API tokens and the rules about people and groups."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from servista.core import audit, invalidation
from servista.core.exceptions import Forbidden, ValidationFailed
from servista.core.permissions import policy_for
from servista.core.services import create_object, update_object

from .models import APIToken, Group, User, hash_token

# last_used_at is refreshed at most this often, so a busy token does not turn
# every API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(user: User, *, name: str = "", expires_at=None, actor: User | None = None
                 ) -> tuple[APIToken, str]:
    """Create a token for ``user``; returns it with the raw value, which is
    shown once and never stored."""
    if actor is not None and actor.pk != user.pk and not actor.is_admin_role:
        raise Forbidden("Only an administrator can create tokens for someone else.")
    if not user.is_active:
        raise ValidationFailed.field("user", f"{user.username} is not an active account.")
    raw = APIToken.generate()
    token = APIToken.objects.create(user=user, name=name[:100], prefix=raw[:10],
                                    digest=hash_token(raw), expires_at=expires_at)
    return token, raw


def revoke_token(token: APIToken, actor: User) -> None:
    if actor.pk != token.user_id and not actor.is_admin_role:
        raise Forbidden("You can only revoke your own tokens.")
    with transaction.atomic():
        APIToken.objects.filter(pk=token.pk).update(revoked=True)
        invalidation.announce(ACCOUNTS)  # every process forgets its tokens


class TokenCache:
    """Recently authenticated tokens of this process: digest -> (user, until).

    An API client sends its token with every request; looking it up each
    time costs more than many requests' own work. An entry lives a few
    seconds; revoking a token or changing a person or a group drops every
    entry of every process at once (``core.invalidation``)."""

    def __init__(self, seconds: float, size: int = 2048):
        self.seconds = seconds
        self.size = size
        self.entries: dict[str, tuple[User, float, object]] = {}

    def get(self, digest: str) -> User | None:
        entry = self.entries.get(digest)
        if entry is None or entry[1] < time.monotonic():
            return None
        user, _, expires_at = entry
        if expires_at is not None and expires_at <= timezone.now():
            return None
        return user

    def put(self, digest: str, user: User, expires_at=None) -> None:
        if self.seconds <= 0:
            return
        if len(self.entries) >= self.size:
            self.entries.clear()
        self.entries[digest] = (user, time.monotonic() + self.seconds, expires_at)

    def clear(self, **kwargs) -> None:
        self.entries.clear()


token_cache = TokenCache(seconds=settings.SERVISTA.get("TOKEN_CACHE_SECONDS", 5))
# The cached users carry their roles, groups and capabilities: a change to
# any of them, in any process, drops the caches of every process.
ACCOUNTS = "accounts"
invalidation.subscribe(ACCOUNTS, token_cache.clear)


def _accounts_changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: announce once, after the change
    if sender is User and set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return  # a sign-in changes nothing a cache holds
    invalidation.announce(ACCOUNTS)


for _model in (APIToken, User, Group):
    post_save.connect(_accounts_changed, sender=_model, weak=False)
    post_delete.connect(_accounts_changed, sender=_model, weak=False)
m2m_changed.connect(_accounts_changed, sender=Group.members.through, weak=False)


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith("sv_"):
        return None
    digest = hash_token(raw)
    # Only while this process hears of changes made elsewhere is the cache used.
    trusted = invalidation.poll()
    cached = token_cache.get(digest) if trusted else None
    if cached is not None:
        return cached
    token = _lookup_token(digest)
    if token is None:
        return None
    if trusted:
        token_cache.put(digest, token.user, token.expires_at)
    return token.user


def _lookup_token(digest: str) -> APIToken | None:
    try:
        token = APIToken.objects.select_related("user", "user__organization").get(
            digest=digest, revoked=False)
    except APIToken.DoesNotExist:
        return None
    if not token.is_valid or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def set_members(group: Group, members, actor: User) -> None:
    """Replace a group's members: journaled on the group and on each person
    added or removed."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can change group membership.")
    members = list(members)
    try:
        group.clean_relations({"members": members})
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc)
    # One membership change of a group at a time, so the journal's "before" holds.
    Group.objects.select_for_update().get(pk=group.pk)
    with audit.changing(group, actor):
        group.members.set(members)


def _require_granting(group: Group | None, actor: User, data: dict) -> None:
    """Giving a group capabilities (or taking them away) is an
    administrator's decision, whoever else may edit the group."""
    current = list(group.capabilities) if group is not None else []
    if "capabilities" in data and sorted(data["capabilities"] or []) != sorted(current):
        policy_for(Group).require(actor, "grant_capabilities", group)


@transaction.atomic
def create_group(actor: User, data: dict) -> Group:
    _require_granting(None, actor, data)
    return create_object(Group, actor, data)


@transaction.atomic
def update_group(group: Group, actor: User, data: dict) -> Group:
    _require_granting(group, actor, data)
    return update_object(group, actor, data)


@transaction.atomic
def create_user(actor: User, data: dict) -> User:
    """An administrator creates an account; without a password the person
    cannot sign in until one is set."""
    from django.contrib.auth.hashers import make_password

    data = dict(data)
    password = data.pop("password", None)
    if password:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, User(username=data.get("username", "")))
        except ValidationError as exc:
            raise ValidationFailed("password: " + " ".join(exc.messages),
                                   {"password": list(exc.messages)})
    if User.objects.filter(username__iexact=data.get("username", "")).exists():
        raise ValidationFailed.field("username", "A user with that username already exists.")
    data["password"] = make_password(None)  # unusable until set below
    user = create_object(User, actor, data)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    return user
