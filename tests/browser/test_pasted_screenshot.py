"""A screenshot pasted into a work note (Ctrl+V in the comment box) is sent
with it, stored, previewed on the incident page, and not reachable by the
requester: its URL answers them 404. The note type, once chosen, stays."""

import pytest
from playwright.sync_api import expect

from servista.core.models import Attachment
from servista.incidents.factories import IncidentFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_BASE64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAIAAAUAAVSiT10AAAAA"
              "SUVORK5CYII=")

PASTE = """(data) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const file = new File([bytes], "image.png", { type: "image/png" });
  const transfer = new DataTransfer();
  transfer.items.add(file);
  const box = document.querySelector("#comment_body");
  box.focus();
  box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true,
                                                  cancelable: true }));
}"""


def test_pasted_screenshot_on_a_work_note(live_server, page, cast, browser):
    inc = IncidentFactory(caller=cast.requester, opened_by=cast.agent, assigned_to=cast.agent,
                          assignment_group=cast.service_desk)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{inc.get_absolute_url()}")
    page.click("label[for=comment_kind_1]")  # Work note
    expect(page.locator(".note-kind-banner-work_note")).to_be_visible()
    page.fill("#comment_body", "The error dialog")
    page.evaluate(PASTE, PNG_BASE64)
    expect(page.locator("[data-file-names]")).to_contain_text("screenshot-")
    page.click("#comment-submit")
    preview = page.locator("#activity img.attachment-preview")
    expect(preview).to_have_count(1)
    page.wait_for_function("() => document.querySelector('#activity img.attachment-preview')"
                           ".complete")
    assert page.evaluate("() => document.querySelector('#activity img.attachment-preview')"
                         ".naturalWidth") == 1  # the image loads
    # The next entry is a work note again, unless the agent says otherwise.
    expect(page.locator("#comment_kind_1")).to_be_checked()
    file = Attachment.objects.get()
    assert file.internal and file.name.startswith("screenshot-")
    requester = browser.new_context().new_page()
    sign_in(requester, live_server.url, "rita")
    answer = requester.request.get(f"{live_server.url}{file.get_absolute_url()}")
    assert answer.status == 404
    requester.goto(f"{live_server.url}/portal/tickets/{inc.number}/")
    expect(requester.locator("img.attachment-preview")).to_have_count(0)
