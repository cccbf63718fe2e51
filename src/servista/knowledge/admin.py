from django.contrib import admin

from servista.core.admin import ReadOnlyAdmin

from .models import Article, Deflection, Feedback


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    """Articles are written and published on their pages, through the rules
    and the journal; the admin only shows them."""

    list_display = ["number", "short_description", "state", "audience", "owner", "review_due",
                    "view_count", "deflection_count"]
    list_filter = ["state", "audience"]
    search_fields = ["number", "short_description"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["article", "user", "helpful", "created_at"]
    list_filter = ["helpful"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdmin):
    list_display = ["article", "user", "service", "query", "created_at"]
    list_filter = ["service"]
