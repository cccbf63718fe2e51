"""An article's life: draft, review, publication with a kept version,
revision while the published version stays live, retirement; who may do
which step; the review date and its reminder."""

from datetime import timedelta

from servista.core import clock
from servista.knowledge import services
from servista.knowledge.factories import ArticleFactory
from servista.knowledge.models import Article
from servista.knowledge.policies import REVIEWER
from servista.notifications.models import Notification
from servista.testing import ServistaTestCase

API = "/api/v1/kb-articles"


class LifecycleTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.article = ArticleFactory(opened_by=self.cast.agent,
                                      short_description="Restart the print spooler",
                                      description="Open *Services* and restart the spooler.")

    def act(self, user, action, data=None, article=None):
        article = article or self.article
        return self.api("POST", f"{API}/{article.number}/{action}", user, data or {})

    def test_publish_keeps_each_version_and_readers_see_the_live_one(self):
        self.assertStatus(self.act(self.cast.agent, "submit"), 200)
        r = self.act(self.cast.manager, "publish")
        self.assertStatus(r, 200)
        self.assertEqual((r.data["state"], r.data["published_version"]["number"]),
                         ("published", 1))
        self.assertIsNotNone(r.data["review_due"])
        # Editing the published article starts a revision; readers keep version 1.
        r = self.api("PATCH", f"{API}/{self.article.number}", self.cast.agent,
                     {"description": "Open *Services*, restart the spooler, print a test page."})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["state"], "draft")
        r = self.api("GET", f"{API}/{self.article.number}/published", self.cast.requester)
        self.assertEqual((r.data["version"], r.data["body"]),
                         (1, "Open *Services* and restart the spooler."))
        self.act(self.cast.agent, "submit")
        self.act(self.cast.manager, "publish")
        r = self.api("GET", f"{API}/{self.article.number}/published", self.cast.requester)
        self.assertEqual(r.data["version"], 2)
        self.assertEqual(self.article.versions.count(), 2)
        # Both versions are kept and viewable, with their difference.
        self.client.force_login(self.cast.agent)
        page = self.client.get(f"/knowledge/{self.article.number}/versions/1/")
        self.assertContains(page, "restart the spooler.")
        diff = self.client.get(f"/knowledge/{self.article.number}/diff/", {"from": 1, "to": 2})
        self.assertContains(diff, "print a test page", status_code=200)
        self.assertContains(diff, 'class="table-danger"')
        self.assertContains(diff, 'class="table-success"')

    def test_only_reviewers_publish_and_retire(self):
        self.act(self.cast.agent, "submit")
        article = Article.objects.get(pk=self.article.pk)
        with self.assertNothingChanged(article):
            self.assertStatus(self.act(self.cast.agent, "publish"), 403)
            self.assertStatus(self.act(self.cast.agent, "retire", {"reason": "Old"}), 403)
            self.assertStatus(self.act(self.cast.requester, "publish"), 404)
        self.cast.network.capabilities = [REVIEWER]
        self.cast.network.save()
        self.assertStatus(self.act(self.cast.agent2, "publish"), 200)

    def test_refused_steps_name_the_allowed_states_and_missing_fields(self):
        with self.assertNothingChanged(self.article):
            r = self.act(self.cast.manager, "publish")
            self.assertStatus(r, 409)
            self.assertIn("In review (in_review)", r.data["detail"])
            r = self.act(self.cast.manager, "retire", {"reason": ""})
            self.assertStatus(r, 422)
        empty = ArticleFactory(opened_by=self.cast.agent, description="")
        with self.assertNothingChanged(empty):
            r = self.act(self.cast.agent, "submit", article=empty)
            self.assertStatus(r, 422)
            self.assertIn("description", r.data["errors"])

    def test_send_back_needs_a_reason_and_retired_is_final(self):
        self.act(self.cast.agent, "submit")
        with self.assertNothingChanged(self.article):
            self.assertStatus(self.act(self.cast.manager, "send-back", {"reason": " "}), 422)
        self.assertStatus(self.act(self.cast.manager, "send-back", {"reason": "Add steps"}), 200)
        self.assertStatus(self.act(self.cast.manager, "retire", {"reason": "Replaced"}), 200)
        self.article.refresh_from_db()
        with self.assertNothingChanged(self.article):
            self.assertStatus(self.act(self.cast.agent, "submit"), 409)

    def test_audience_needs_its_group(self):
        r = self.api("POST", API, self.cast.agent, {"short_description": "x",
                                                    "audience": "group"})
        self.assertStatus(r, 422)
        self.assertIn("audience_group", r.data["errors"])
        r = self.api("POST", API, self.cast.agent, {"short_description": "x",
                                                    "audience": "group",
                                                    "audience_group": "Network"})
        self.assertStatus(r, 201)

    def test_review_reminder_once_per_date_and_mark_reviewed(self):
        services.submit(self.article, self.cast.agent)
        services.publish(self.article, self.cast.manager)
        self.article.refresh_from_db()
        later = self.article.review_due + timedelta(days=1)
        self.assertEqual(services.remind_reviews(today=later), 1)
        self.assertEqual(services.remind_reviews(today=later), 0)
        self.assertTrue(Notification.objects.filter(user=self.cast.agent,
                                                    subject__startswith="Review due").exists())
        r = self.act(self.cast.agent, "reviewed", {"reason": "Checked"})
        self.assertStatus(r, 200)
        self.assertGreater(r.data["review_due"], str(clock.now().date()))
        with self.assertNothingChanged(self.article):
            r = self.act(self.cast.agent, "reviewed",
                         {"review_due": str(clock.now().date() - timedelta(days=1))})
            self.assertStatus(r, 422)
