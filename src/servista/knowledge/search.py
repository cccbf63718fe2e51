"""What knowledge puts in the search module (``core.search``): the working
copies for the staff lists, the published texts for readers, and the
published articles as suggestions while someone describes a problem."""

from servista.core import search
from servista.core.permissions import is_signed_in

from . import services
from .models import Article, ArticleVersion

# The same fields as the migrations' SearchIndex operations.
search.register(Article, ("short_description", "description", "keywords"))
search.register(ArticleVersion, ("title", "body", "keywords"))


def describe(version, user) -> dict:
    article = version.article
    return {"kind": "article", "number": article.number, "title": version.title,
            "url": article.get_reader_url(), "reader_url": article.get_reader_url(),
            "note": f"{article.helpful_count} found it helpful" if article.helpful_count
            else ""}


def _versions(user):
    return services.live_versions(user).select_related("article")


search.register_suggestions(
    "articles", "Knowledge articles", ArticleVersion, queryset=_versions,
    search_queryset=_versions, describe=describe, visible=is_signed_in, weight=20,
    threshold=0.25, relative=0.8)
