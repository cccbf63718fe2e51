from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.ServiceListView.as_view(), name="service_list"),
    path("<int:ident>/", views.ServiceDetailView.as_view(), name="service"),
]
