from django.urls import path

from . import views

app_name = "cmdb"

urlpatterns = [
    path("", views.CIListView.as_view(), name="ci_list"),
    path("new/", views.CICreateView.as_view(), name="ci_create"),
    path("attribute-fields/", views.ci_attribute_fields, name="ci_attribute_fields"),
    path("options/", views.ci_options, name="ci_options"),
    path("<int:ident>/", views.CIDetailView.as_view(), name="ci"),
    path("<int:ident>/edit/", views.CIEditView.as_view(), name="ci_edit"),
    path("<int:ident>/graph/", views.CIGraphView.as_view(), name="ci_graph"),
    path("<int:ident>/relationships/", views.RelationshipCreateView.as_view(),
         name="ci_relate"),
    path("<int:ident>/relationships/<int:rel>/remove/", views.relationship_remove,
         name="ci_unrelate"),
    path("baselines/", views.BaselineListView.as_view(), name="baseline_list"),
    path("baselines/<int:ident>/", views.BaselineDetailView.as_view(), name="baseline"),
]
