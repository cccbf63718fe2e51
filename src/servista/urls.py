from django.contrib import admin
from django.urls import include, path

from servista.api.api import api
from servista.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("servista.core.urls")),
    path("", include("servista.accounts.urls")),
    path("services/", include("servista.catalog.urls")),
    path("cis/", include("servista.cmdb.urls")),
    path("incidents/", include("servista.incidents.urls")),
    path("portal/", include("servista.portal.urls")),
    path("notifications/", include("servista.notifications.urls")),
]
