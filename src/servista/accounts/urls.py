from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("people/", views.UserListView.as_view(), name="user_list"),
    path("people/search", views.people_search, name="people_search"),
    path("people/<int:ident>/", views.UserDetailView.as_view(), name="user"),
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("groups/<int:ident>/", views.GroupDetailView.as_view(), name="group"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/<int:ident>/", views.OrganizationDetailView.as_view(),
         name="organization"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
