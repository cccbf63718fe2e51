"""What knowledge shows in the page frame: the articles for the staff, the
knowledge search for everyone, the "new" entry, the global search, and
where a reader sees an article."""

from servista.core import shell
from servista.core.permissions import is_signed_in

from .models import Article

shell.nav("Knowledge", "knowledge:list", icon="book", weight=40, shortcut="g k",
          shortcut_help="Knowledge articles")
shell.nav("Knowledge search", "knowledge:search", icon="search", weight=91,
          visible=is_signed_in, menu="")
shell.new("Write a knowledge article", "knowledge:create", weight=40, icon="book")
shell.search(Article, "Knowledge articles", "knowledge:list", weight=40)


def reader_url(record):
    if isinstance(record, Article):
        return record.get_reader_url()
    return None


shell.requester_page(reader_url)
