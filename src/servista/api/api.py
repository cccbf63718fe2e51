"""Assembles every app's routers under /api/v1: each installed app whose
``api`` module declares ``ROUTES = [("/incidents", router), ...]`` adds them;
nothing here names an app. The apps listed last in INSTALLED_APPS (the
practices, above the reference data) come first: a request is matched
against the routes in order, and theirs take most requests."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import URLPattern, re_path
from ninja import NinjaAPI

from servista.core.api import (
    AUTH,
    JSONRenderer,
    install_error_handlers,
    json_method_not_allowed,
    json_not_found,
    state_input_limits,
)


class ServistaAPI(NinjaAPI):
    """Every answer under /api/v1/ is JSON: a method a path does not take
    (405) and a path that names no endpoint (404) too."""

    def _get_urls(self):
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern = URLPattern(pattern.pattern, json_method_not_allowed(pattern.callback),
                                     pattern.default_args, pattern.name)
            patterns.append(pattern)
        patterns.append(re_path(r"^.*$", json_not_found, name="not-found"))
        return patterns

    def get_openapi_schema(self, *args, **kwargs):
        return state_input_limits(super().get_openapi_schema(*args, **kwargs))


api = ServistaAPI(
    title="Servista API",
    version="1",
    description=(
        "Servista IT service management. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `servista token create USER`). Records are addressed by number "
        "or id. Errors are `{\"detail\": ..., \"errors\": {field: [messages]}}`."
    ),
    urls_namespace="api",
    auth=AUTH,
    renderer=JSONRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)



def app_routes():
    """(prefix, router) of every installed app's ``api.ROUTES`` (and
    ``routes.ROUTES``, for an app whose ``api`` module is a base others
    build on, such as core's)."""
    for config in reversed(list(apps.get_app_configs())):
        for module in ("api", "routes"):
            name = f"{config.name}.{module}"
            if name == __name__ or find_spec(name) is None:
                continue
            yield from getattr(import_module(name), "ROUTES", ())


for _prefix, _router in app_routes():
    api.add_router(_prefix, _router)
