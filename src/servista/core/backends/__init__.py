"""Django's database backends with a health check that costs (almost)
nothing, so that it can run before the first use of every connection in
every request (``CONN_HEALTH_CHECKS``): the first request after the
database dropped its connections succeeds on a new one instead of failing.

settings.py puts them in place of Django's own (same vendor, same
features); nothing else differs."""
