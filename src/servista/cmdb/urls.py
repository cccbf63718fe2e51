from django.urls import path

from . import views

app_name = "cmdb"

urlpatterns = [
    path("", views.CIListView.as_view(), name="ci_list"),
    path("<int:ident>/", views.CIDetailView.as_view(), name="ci"),
]
