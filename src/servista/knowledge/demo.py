"""The demo's knowledge base, as ``servista.core.demo`` stories:

  ``knowledge.articles``  (history, ``servista demo``) articles written,
                          reviewed and published over the last months, one
                          revised (two versions), drafts, one retired, with
                          readers' views, feedback and deflections
  ``knowledge.bulk``      (bulk, ``servista loaddemo``) published articles
                          in proportion to the incidents loaded

Provides ``articles`` (by key) for the stories after it (the problems link
incidents to the articles that resolved them).
"""

import random
from datetime import timedelta

from django.utils import timezone

from servista.core import clock, demo
from servista.core.context import audit_context

from . import services
from .choices import Audience
from .models import Article

# key: (title, body, audience, service, keywords)
ARTICLES = {
    "vpn": ("VPN disconnects every few minutes",
            "If the VPN connection drops every few minutes:\n\n1. Open the VPN client.\n"
            "2. Choose **Renew certificate**.\n3. Connect again.\n\nStill dropping? Switch the "
            "client to *SSL mode* (home routers sometimes block IPsec).",
            Audience.REQUESTERS, "VPN", "vpn tunnel disconnect drop remote"),
    "password": ("Reset a forgotten or expired password",
                 "Use the self-service reset at the sign-in screen: *Forgot password?*, then "
                 "confirm with the code sent to your phone. After three failed attempts the "
                 "account locks for 15 minutes.",
                 Audience.REQUESTERS, "Identity & Access", "password locked account expired"),
    "outlook": ("Outlook keeps asking for the password",
                "Outlook prompts again and again when it holds old credentials.\n\n1. Close "
                "Outlook.\n2. Open *Credential Manager* and remove the entries starting with "
                "*MicrosoftOffice*.\n3. Start Outlook and sign in once.",
                Audience.REQUESTERS, "Email", "outlook password prompt credentials"),
    "printer": ("Printer shows as offline or jobs stay in the queue",
                "1. Check the printer's display for a paper jam (code J-0311).\n2. Remove the "
                "job at the top of the queue.\n3. Still stuck? Report it: the service desk "
                "restarts the print spooler.",
                Audience.REQUESTERS, "Printing", "printer offline queue jam spooler"),
    "mfa": ("New phone: move the authenticator",
            "Before you switch phones, add the new phone in *My sign-ins*; then remove the old "
            "one. Codes are refused when the phone's clock is wrong: turn on automatic time.",
            Audience.REQUESTERS, "Identity & Access", "mfa authenticator phone code"),
    "guest-wifi": ("Guest Wi-Fi vouchers",
                   "Reception prints a voucher valid for 24 hours. A voucher works on up to "
                   "three devices.",
                   Audience.REQUESTERS, "Wi-Fi", "guest wifi wlan voucher"),
    "s-drive": ("Drive S: is not mapped after sign-in",
                "Sign out and in again while connected to the office network or the VPN; the "
                "login script maps S: only then.",
                Audience.REQUESTERS, "File Shares", "drive mapping share S:"),
    "vpn-failover": ("VPN gateway failover runbook",
                     "1. Confirm vpn-gw01 rejects sessions (licence count in the status page)."
                     "\n2. Announce the failover in the major incident.\n3. Switch the DNS "
                     "record *vpn* to vpn-gw02.\n4. Watch new sessions arrive.",
                     Audience.AGENTS, "VPN", "vpn gateway failover licence"),
    "erp-period": ("ERP posting error F5 702: posting period closed",
                   "The period is closed in the posting configuration. Ask Finance to open "
                   "it, or post into the next period with their approval.",
                   Audience.AGENTS, "ERP", "erp posting F5 702 period"),
}


def _write(key, author, reviewer, services_by_name, when):
    title, body, audience, service, keywords = ARTICLES[key]
    with clock.at(when), audit_context("web"):
        article = services.create_article(author, {
            "short_description": title, "description": body, "audience": audience,
            "service": services_by_name.get(service), "keywords": keywords})
    with clock.at(when + timedelta(hours=3)), audit_context("web"):
        services.submit(article, author)
    with clock.at(when + timedelta(days=1)), audit_context("web"):
        services.publish(article, reviewer)
    article.refresh_from_db()
    return article


@demo.story("knowledge.articles", kind=demo.HISTORY,
            after=("accounts.department", "catalog.services"))
def articles(ctx: demo.Context) -> None:
    """A knowledge base written over the last months: published articles for
    everyone and for the staff, one revised, drafts, one retired; readers'
    views, feedback and problems solved without a ticket."""
    rng = random.Random(ctx.seed)
    agent, manager = ctx["logins"]["agent"], ctx["logins"]["manager"]
    authors = [agent, *ctx["members"]["Service Desk"]]
    now = timezone.now()
    made = {}
    for index, key in enumerate(ARTICLES):
        when = now - timedelta(days=110 - index * 9, hours=rng.randint(0, 6))
        made[key] = _write(key, rng.choice(authors), manager, ctx["services"], when)
    # A revision: the VPN article gains a step (two kept versions and a diff).
    vpn = made["vpn"]
    with clock.at(now - timedelta(days=20)), audit_context("web"):
        services.update_article(vpn, agent, {
            "description": vpn.description + "\n\nOn Wi-Fi in a hotel? Connect to the "
                                              "hotel's portal first, then to the VPN."})
        services.submit(vpn, agent)
    with clock.at(now - timedelta(days=19)), audit_context("web"):
        services.publish(vpn, manager, reason="Hotel Wi-Fi added")
    # Work in progress: a draft, one in review; an outdated article retired.
    with clock.at(now - timedelta(days=3)), audit_context("web"):
        services.create_article(agent, {
            "short_description": "Teams meetings have no audio",
            "description": "Choose the headset under *Settings > Devices* before joining.",
            "audience": Audience.REQUESTERS})
        review = services.create_article(agent, {
            "short_description": "Docking station: second monitor stays black",
            "description": "Update the dock firmware from the software centre, then replug.",
            "audience": Audience.REQUESTERS, "service": ctx["services"].get("Workplace Devices")})
        services.submit(review, agent)
    old = _write("guest-wifi", agent, manager, ctx["services"], now - timedelta(days=200))
    with clock.at(now - timedelta(days=30)), audit_context("web"):
        services.retire(old, manager, reason="The guest portal now sends codes by SMS.")
    # Readers: views, feedback and problems solved without a ticket.
    requesters = ctx["requesters"]
    for key in ("vpn", "password", "outlook", "printer", "mfa", "s-drive"):
        article = made[key]
        Article.objects.filter(pk=article.pk).update(view_count=rng.randint(40, 400))
        for reader in rng.sample(requesters, 6):
            services.give_feedback(article, reader, helpful=rng.random() < 0.8,
                                   comment="" if rng.random() < 0.7 else
                                   "Step 2 was not where you said.")
        for reader in rng.sample(requesters, rng.randint(2, 8)):
            services.deflect(article, reader, query=article.short_description.lower()[:40])
    ctx.provide("articles", made)
    ctx.report(f"Knowledge: {Article.objects.count()} articles.")


@demo.story("knowledge.bulk", kind=demo.BULK,
            after=("accounts.department", "catalog.services"))
def bulk(ctx: demo.Context) -> None:
    """Published articles in proportion to the incidents (one per 5,000,
    20 to 300), for the suggestion benchmark."""
    manager = ctx["logins"]["manager"]
    want = min(300, max(20, ctx.count // 5000))
    have = Article.objects.filter(published_version__isnull=False).count()
    rng = random.Random(ctx.seed)
    keys = list(ARTICLES)
    for index in range(max(0, want - have)):
        key = keys[index % len(keys)]
        title, body, audience, service, keywords = ARTICLES[key]
        article = services.create_article(manager, {
            "short_description": f"{title} ({index // len(keys) + 1})",
            "description": body + f"\n\nReference {rng.randint(1000, 9999)}.",
            "audience": audience, "service": ctx["services"].get(service),
            "keywords": keywords})
        services.submit(article, manager)
        services.publish(article, manager)
    ctx.report(f"Knowledge: {Article.objects.count()} articles.")
