"""``servista token``: API tokens for scripts and integrations.

    servista token create USER [--name NAME] [--expires-days D]   prints only the token
    servista token list USER
    servista token revoke PREFIX

The raw token is shown once, at creation; only its digest is stored.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servista.accounts.models import APIToken, User, hash_token
from servista.accounts.services import create_token, revoke_token
from servista.core.exceptions import DomainError


def find_user(username: str) -> User:
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise CommandError(f"No user '{username}'.")
    return user


MAX_EXPIRES_DAYS = 36500  # a hundred years; beyond, "never" is the honest answer


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="create a token and print it (once)")
        create.add_argument("user", help="username")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument("--expires-days", type=int, default=None,
                            help="days until the token expires (default: never)")
        listing = sub.add_parser("list", help="a user's tokens (never the tokens themselves)")
        listing.add_argument("user", help="username")
        revoke = sub.add_parser("revoke", help="revoke a token")
        revoke.add_argument("prefix", help="the token's prefix as listed, or the token")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.detail)

    def do_create(self, user, name, expires_days, **options):
        owner = find_user(user)
        expires_at = None
        if expires_days is not None:
            if not 1 <= expires_days <= MAX_EXPIRES_DAYS:
                raise CommandError(f"--expires-days must be between 1 and {MAX_EXPIRES_DAYS}.")
            expires_at = timezone.now() + timedelta(days=expires_days)
        _, raw = create_token(owner, name=name, expires_at=expires_at)
        self.stdout.write(raw)

    def do_list(self, user, **options):
        owner = find_user(user)
        tokens = list(APIToken.objects.filter(user=owner))
        if not tokens:
            self.stdout.write(f"{owner.username} has no API tokens.")
            return
        self.stdout.write(f"{'PREFIX':<12} {'STATUS':<8} {'CREATED':<16} {'LAST USED':<16} "
                          f"{'EXPIRES':<16} NAME")
        for token in tokens:
            status = "revoked" if token.revoked else ("active" if token.is_valid else "expired")
            self.stdout.write(f"{token.prefix:<12} {status:<8} {_when(token.created_at):<16} "
                              f"{_when(token.last_used_at):<16} {_when(token.expires_at):<16} "
                              f"{token.name}")

    def do_revoke(self, prefix, **options):
        prefix = prefix.strip()
        if len(prefix) < 6:
            raise CommandError("Give at least the first 6 characters of the token.")
        matches = list(APIToken.objects.filter(prefix=prefix[:10]).select_related("user"))
        if len(prefix) > 10:  # a whole token: match it exactly
            matches = [t for t in matches if t.digest == hash_token(prefix)]
        elif len(prefix) < 10:
            matches = list(APIToken.objects.filter(prefix__startswith=prefix)
                           .select_related("user"))
        if not matches:
            raise CommandError(f"No token '{prefix}'.")
        if len(matches) > 1:
            raise CommandError(f"'{prefix}' matches {len(matches)} tokens; give more of it.")
        token = matches[0]
        if token.revoked:
            self.stdout.write(f"Token {token.prefix}… of {token.user.username} was already "
                              "revoked.")
            return
        # Whoever runs the command on the server acts with the owner's authority.
        revoke_token(token, token.user)
        self.stdout.write(f"Revoked token {token.prefix}… of {token.user.username}.")


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"
