"""What the browser tests share: signing in through the sign-in page."""

import re

from playwright.sync_api import expect

from servista.testing import PASSWORD


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    expect(page).not_to_have_url(re.compile(r"/login/"))
