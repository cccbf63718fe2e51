from django.urls import path

from . import views

app_name = "cmdb"

urlpatterns = [
    path("", views.CIListView.as_view(), name="ci_list"),
    path("<int:ident>/", views.CIDetailView.as_view(), name="ci"),
    path("<int:ident>/graph/", views.CIGraphView.as_view(), name="ci_graph"),
    path("baselines/", views.BaselineListView.as_view(), name="baseline_list"),
    path("baselines/<int:ident>/", views.BaselineDetailView.as_view(), name="baseline"),
]
