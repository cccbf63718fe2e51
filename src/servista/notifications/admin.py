from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at"]
    search_fields = ["subject", "user__username"]
    raw_id_fields = ["user"]
