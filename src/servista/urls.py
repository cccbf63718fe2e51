"""The site's URLs: the API, the admin, and the pages of every installed app
that says where they go (``url_prefix`` on its AppConfig: "incidents/",
"" for core and accounts), in the order of INSTALLED_APPS."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from servista.api.api import api
from servista.core import views as core_views


def app_urls():
    for config in apps.get_app_configs():
        prefix = getattr(config, "url_prefix", None)
        if prefix is not None:
            yield path(prefix, include(f"{config.name}.urls"))


handler500 = "servista.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    *app_urls(),
]
