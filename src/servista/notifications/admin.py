from django.contrib import admin

from .models import (
    InboundMail,
    MailPreference,
    MailTemplate,
    Notification,
    Webhook,
    WebhookDelivery,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at"]
    search_fields = ["subject", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "events", "active"]
    list_filter = ["active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "webhook", "status", "attempts", "response_code", "created_at",
                    "delivered_at"]
    list_filter = ["status", "event", "webhook"]
    readonly_fields = ["webhook", "event", "payload", "status", "attempts", "response_code",
                       "error", "created_at", "last_attempt_at", "delivered_at"]
@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    """The words of each kind of mail (without a row: the built-in words)."""

    list_display = ["kind", "subject"]


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "muted"]
    raw_id_fields = ["user"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "status", "record", "detail"]
    list_filter = ["status"]
    search_fields = ["sender", "subject", "record", "message_id"]
