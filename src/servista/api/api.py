"""Assembles every app's router under /api/v1."""

from django.urls import URLPattern, re_path
from ninja import NinjaAPI

from servista.accounts import api as accounts_api
from servista.catalog import api as catalog_api
from servista.cmdb import api as cmdb_api
from servista.core.api import (
    AUTH,
    JSONRenderer,
    install_error_handlers,
    json_method_not_allowed,
    json_not_found,
)
from servista.incidents import api as incidents_api


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

api.add_router("/incidents", incidents_api.router)
api.add_router("/incident-categories", incidents_api.categories)
api.add_router("/users", accounts_api.users)
api.add_router("/me", accounts_api.me)
api.add_router("/groups", accounts_api.groups)
api.add_router("/organizations", accounts_api.organizations)
api.add_router("/services", catalog_api.router)
api.add_router("/cis", cmdb_api.router)
