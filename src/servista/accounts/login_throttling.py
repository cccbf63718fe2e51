"""Sign-in throttling (django-axes): guesses are slowed per account at an
address, and per address across every account it tries.

* one account from one address: locked after ``AXES_FAILURE_LIMIT``
  failures (5) for the cool-off time;
* one address, whatever the usernames: locked after
  ``SERVISTA_LOGIN_ADDRESS_FAILURE_LIMIT`` failures (20), so that spreading
  guesses over many accounts is slowed too, while the colleagues behind an
  office's shared address are not locked out by one person's typos.

A successful sign-in clears that account's failures at that address only:
it does not wipe the address's count of guesses at other accounts."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class LoginThrottle(AxesDatabaseHandler):
    """Expects ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"],
    "ip_address"]`` (settings.py)."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials))
        # The address's count on the account's scale: it reaches the account
        # limit when the address reaches its own.
        limit = get_failure_limit(request, credentials)
        address_limit = settings.SERVISTA_LOGIN_ADDRESS_FAILURE_LIMIT
        return max(per_account, per_address * limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address).delete()
        return deleted
