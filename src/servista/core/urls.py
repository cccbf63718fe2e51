from django.contrib.auth import views as auth_views
from django.urls import path

from . import personal_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("search/", views.global_search, name="search"),
    path("priority-preview", views.priority_preview, name="priority_preview"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("preferences/", personal_views.preferences, name="preferences"),
    path("preferences/password/", personal_views.PasswordChange.as_view(),
         name="password_change"),
    path("views/save/", personal_views.save_view, name="saved_view_save"),
    path("views/<int:ident>/delete/", personal_views.delete_view, name="saved_view_delete"),
    path("attachments/<int:pk>/<str:name>", views.attachment, name="attachment"),
]
