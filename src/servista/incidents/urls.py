from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("queue/<str:queue>/", views.queue_view, name="queue"),
    path("subcategories", views.subcategory_options, name="subcategory_options"),
    path("suggestions", views.suggestions, name="suggestions"),
    path("<str:ident>/use-proposed-service/", views.use_proposed_service,
         name="use_proposed_service"),
    *views.incident_views.urls(),
]
