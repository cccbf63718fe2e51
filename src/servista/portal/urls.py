from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("answer/<str:token>/", views.answer, name="answer"),
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("tickets/<str:ident>/", views.ticket, name="ticket"),
    path("tickets/<str:ident>/comment/", views.comment, name="comment"),
    path("tickets/<str:ident>/confirm/", views.confirm, name="confirm"),
]
