from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("queue/<str:queue>/", views.QueueView.as_view(), name="queue"),
    path("new/", views.IncidentCreateView.as_view(), name="create"),
    path("bulk/", views.BulkView.as_view(), name="bulk"),
    path("priority-preview", views.priority_preview, name="priority_preview"),
    path("subcategories", views.subcategory_options, name="subcategory_options"),
    path("<str:ident>/", views.IncidentDetailView.as_view(), name="incident"),
    path("<str:ident>/edit/", views.IncidentEditView.as_view(), name="edit"),
    path("<str:ident>/comment/", views.CommentView.as_view(), name="comment"),
    path("<str:ident>/<str:action>/", views.IncidentActionView.as_view(), name="action"),
]
