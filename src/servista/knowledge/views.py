"""The knowledge pages: the staff's article pages (the kit's, configured,
with the kept versions and their differences), and the readers' pages:
the knowledge search and an article's published text with "was this
helpful?" and "this solved my problem". Every change goes through
services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from servista.catalog.models import Service
from servista.core import search
from servista.core.exceptions import DomainError, NotFound
from servista.core.generic_views import htmx_redirect
from servista.core.idents import parse_id
from servista.core.permissions import is_agent, restrict
from servista.core.records.views import RecordDetailView, RecordViews

from . import services
from .actions import ACTIONS
from .filtersets import ArticleFilterSet
from .forms import ArticleForm, FeedbackForm
from .models import Article, ArticleVersion
from .tables import ArticleTable


class ArticleDetailView(RecordDetailView):
    """The staff's page of an article; a reader who may read it is sent to
    its published text (any other article is not found)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_agent(request.user):
            article = services.readable(request.user).filter(
                number=str(kwargs["ident"]).upper()).first()
            if article is None:
                raise Http404("No such article")
            return redirect(article.get_reader_url())
        return super().dispatch(request, *args, **kwargs)


class ArticleViews(RecordViews):
    model = Article
    service = services.rules
    actions = ACTIONS
    filterset = ArticleFilterSet
    table = ArticleTable
    form = ArticleForm
    list_related = ("owner",)
    detail_related = ("assignment_group", "assigned_to", "opened_by", "service",
                      "configuration_item", "owner", "audience_group", "published_version")
    detail_template = "knowledge/article_detail.html"
    detail_view = ArticleDetailView
    create_label = "Write an article"

    def title(self):
        return "Knowledge articles"

    def create_title(self):
        return "Write a knowledge article"

    def detail_context(self, article, user):
        return {
            "versions": article.versions.select_related("published_by").order_by("-number"),
            "feedback": article.feedback.select_related("user")[:20],
            "resolved": services.resolved_records(article)[:10],
        }


article_views = ArticleViews()


def _staff_article(request, ident) -> Article:
    if not is_agent(request.user):
        raise Http404("No such article")
    article = restrict(Article.objects.all(), request.user).filter(number=ident.upper()).first()
    if article is None:
        raise Http404(f"No article {ident}")
    return article


@login_required
def version(request, ident, number):
    article = _staff_article(request, ident)
    shown = get_object_or_404(ArticleVersion.objects.select_related("published_by"),
                              article=article, number=number)
    return render(request, "knowledge/version.html", {
        "title": f"{article.number} version {shown.number}", "article": article,
        "shown": shown, "live": shown.pk == article.published_version_id})


@login_required
def diff(request, ident):
    article = _staff_article(request, ident)
    versions = {v.number: v for v in article.versions.all()}
    if not versions:
        raise Http404("Nothing published yet")
    newest = max(versions)
    new = parse_id(request.GET.get("to", "")) or newest
    old = parse_id(request.GET.get("from", "")) or max(new - 1, 1)
    if old not in versions or new not in versions:
        raise Http404("No such version")
    return render(request, "knowledge/diff.html", {
        "title": f"{article.number}: version {old} → {new}", "article": article,
        "older": versions[old], "newer": versions[new], "numbers": sorted(versions),
        "lines": services.diff(versions[old], versions[new])})


@login_required
def read(request, ident):
    """An article as its readers see it: the published version."""
    try:
        article = services.get_readable(request.user, ident)
    except NotFound:
        raise Http404(f"No article {ident}")
    services.count_view(article)
    from servista.core import shell

    new_entries = shell.new_entries(request.user)
    return render(request, "knowledge/read.html", {
        "report_url": new_entries[0].href() if new_entries and not is_agent(request.user)
        else "",
        "title": article.published_version.title, "article": article,
        "version": article.published_version, "feedback_form": FeedbackForm(),
        "query": request.GET.get("q", "")[:200],
        "given": article.feedback.filter(user=request.user).first(),
    })


@login_required
@require_POST
def feedback(request, ident):
    try:
        article = services.get_readable(request.user, ident)
    except NotFound:
        raise Http404(f"No article {ident}")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.give_feedback(article, request.user, helpful=form.cleaned_data["helpful"],
                                   comment=form.cleaned_data["comment"])
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Thank you for your feedback.")
    else:
        messages.error(request, "Say whether the article helped.")
    return htmx_redirect(request, article.get_reader_url())


@login_required
@require_POST
def solved(request, ident):
    """'This solved my problem': no ticket; the deflection is counted."""
    try:
        article = services.get_readable(request.user, ident)
    except NotFound:
        raise Http404(f"No article {ident}")
    service = None
    if parse_id(request.POST.get("service", "")):
        service = Service.objects.filter(pk=parse_id(request.POST["service"])).first()
    services.deflect(article, request.user, service=service,
                     query=request.POST.get("q", ""))
    messages.success(request, "Glad it is solved. No ticket was logged.")
    from servista.core import shell

    return htmx_redirect(request, shell.home_url(request.user) or "/")


@login_required
def knowledge_search(request):
    """Articles, known errors and resolved incidents (what the user may see),
    best first, with the words found highlighted; filtered by source."""
    query = request.GET.get("q", "").strip()[:200]
    sources = [s for s in search.suggestion_sources(request.user) if s.search_queryset]
    chosen = [key for key in request.GET.getlist("source") if key in {s.key for s in sources}]
    results = search.search_everywhere(query, request.user, only=chosen or None) \
        if query else []
    return render(request, "knowledge/search.html", {
        "title": f"Knowledge: {query}" if query else "Knowledge search", "query": query,
        "results": results, "sources": sources, "chosen": chosen})


app_name = "knowledge"
urlpatterns = [
    path("search/", knowledge_search, name="search"),
    path("read/<str:ident>/", read, name="read"),
    path("read/<str:ident>/feedback/", feedback, name="feedback"),
    path("read/<str:ident>/solved/", solved, name="solved"),
    path("<str:ident>/versions/<int:number>/", version, name="version"),
    path("<str:ident>/diff/", diff, name="diff"),
    *article_views.urls(),
]
