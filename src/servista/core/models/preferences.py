from django.conf import settings
from django.db import models


class Theme(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class Preference(models.Model):
    """A person's choices about how Servista behaves for them. A person
    without a row has the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="preference")
    keyboard_shortcuts = models.BooleanField(
        "single-key shortcuts", default=True,
        help_text="Keys such as j, k, x, c and / act on the page. Turn them off if you use "
                  "speech input or press keys by accident.")
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.LIGHT)
    time_zone = models.CharField(max_length=64, blank=True,
                                 help_text="Times are shown in this zone (empty: the server's).")

    def __str__(self):
        return f"Preferences of {self.user}"


class SavedView(models.Model):
    """A named list view: the filters, sort and columns of one list page
    (its path and query string), the owner's own or shared with a group."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_views")
    path = models.CharField(max_length=200, help_text="The list page (/incidents/).")
    name = models.CharField(max_length=80)
    query = models.TextField(blank=True, help_text="The list's query string: filters, "
                                                   "sort and columns.")
    shared_with = models.ForeignKey("accounts.Group", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "path", "name"],
                                               name="saved_view_name_per_owner_and_list")]
        indexes = [models.Index(fields=["path", "owner"], name="saved_view_path_owner"),
                   models.Index(fields=["path", "shared_with"], name="saved_view_path_group")]

    def __str__(self):
        return self.name

    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
