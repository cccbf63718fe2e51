"""The work-record kit's checks and the standard API and page tests, run on
knowledge articles."""

from servista.knowledge.factories import ArticleFactory, article_with_every_relation
from servista.knowledge.models import Article
from servista.knowledge.policies import REVIEWER
from servista.testing import APIViewTestCases, RecordKitTestCases, ViewTestCases


class ReviewingDesk:
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cast.service_desk.capabilities = [REVIEWER]
        cls.cast.service_desk.save()


class ArticleKitTest(ReviewingDesk, RecordKitTestCases.KitTest):
    model = Article
    api_base, page_base, cli = "/api/v1/kb-articles", "/knowledge/", "kb"
    create_data = {"short_description": "Printer queue stuck: restart the spooler",
                   "description": "1. Open services.\n2. Restart the print spooler."}
    action = "submit"
    action_data = {"reason": "Ready"}
    action_cli = ["--reason", "Ready"]
    action_state, action_user, action_refused_user = "in_review", "agent", "requester"
    final_state, final_data = "retired", {"reason": "The printers were replaced"}
    stale_edits = ({"keywords": "spooler"}, {"keywords": "queue"})
    cli_create_options = ("--keywords", "toner")
    cli_created = {"keywords": "toner"}


class ArticleAPITest(ReviewingDesk, APIViewTestCases.APIViewTestCase):
    model = Article
    api_base = "/api/v1/kb-articles"
    lookup_field = "number"
    view_role = "agent"
    create_role = "agent"
    update_role = "agent"
    hidden_from = "requester"
    create_data = {"short_description": "Connect to the guest Wi-Fi", "audience": "requesters"}
    invalid_create_data = ({"audience": "group"}, "audience_group")
    update_data = {"keywords": "wifi wlan"}

    def make_object(self):
        return ArticleFactory(opened_by=self.cast.agent)

    def make_filled_objects(self):
        return [article_with_every_relation(agent=self.cast.agent, manager=self.cast.manager)]


class ArticlePagesTest(ReviewingDesk, ViewTestCases.ListViewTest, ViewTestCases.DetailViewTest,
                       ViewTestCases.CreateViewTest, ViewTestCases.EditViewTest):
    model = Article
    list_url = "/knowledge/"
    create_url = "/knowledge/new/"
    form_data = {"short_description": "Map the S: drive", "description": "Run the login script",
                 "audience": "requesters"}
    invalid_form_data = ({"audience": "group"}, "audience_group")
    edit_data = {"short_description": "Map the S: drive again"}
    unshown_relations = ("published_version",)

    def make_object(self):
        return ArticleFactory(opened_by=self.cast.agent)

    def make_filled_objects(self):
        return [article_with_every_relation(agent=self.cast.agent, manager=self.cast.manager)]

    def edit_url(self, obj):
        return f"/knowledge/{obj.number}/edit/"
