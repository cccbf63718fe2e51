"""The CMDB: classes of configuration items with their typed attributes
(data, inherited down the class hierarchy), the items, the typed
relationships between them and the rules saying which classes a type may
join, and baselines (frozen sets of items)."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from servista.catalog.choices import Criticality

from .choices import AttributeType, CIStatus, Environment, ImpactDirection


class CIClass(models.Model):
    """A class of configuration items (server, virtual server, application,
    business service...), in a hierarchy: a class has the attributes of its
    ancestors and its own."""

    key = models.SlugField(max_length=50, unique=True,
                           help_text="The class's code in the API and in files")
    name = models.CharField(max_length=100, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    description = models.TextField(blank=True)
    is_service = models.BooleanField(
        default=False, help_text="Items of this class are services (impact analysis names "
                                 "them as the services reached)")
    identification = models.JSONField(
        default=list, blank=True,
        help_text="The fields or attributes that identify an item on import, in order "
                  "(e.g. [\"serial_number\", \"hostname\", \"name\"]); inherited when empty")

    class Meta:
        ordering = ["name"]
        verbose_name = "CI class"
        verbose_name_plural = "CI classes"

    def __str__(self):
        return self.name


class AttributeDefinition(models.Model):
    """One typed attribute of a class (and of every class below it)."""

    ci_class = models.ForeignKey(CIClass, on_delete=models.CASCADE, related_name="attributes")
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True,
                               help_text="The values a choice attribute takes")
    reference_class = models.ForeignKey(
        CIClass, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="For a reference: the class (or an ancestor of the class) it must name")

    class Meta:
        ordering = ["id"]   # as declared
        constraints = [models.UniqueConstraint(fields=["ci_class", "key"],
                                               name="cmdb_attribute_unique_per_class")]

    def __str__(self):
        return f"{self.ci_class}.{self.key}"


class ConfigurationItem(models.Model):
    """A component managed to deliver a service (CMDB record)."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    abbreviations = models.CharField(max_length=200, blank=True,
                                     help_text="Abbreviations and acronyms, comma-separated")
    ci_class = models.ForeignKey(CIClass, to_field="key", db_column="ci_class",
                                 on_delete=models.PROTECT, related_name="items",
                                 verbose_name="class")
    status = models.CharField(max_length=20, choices=CIStatus.choices, default=CIStatus.LIVE)
    environment = models.CharField(max_length=16, choices=Environment.choices,
                                   default=Environment.PRODUCTION)
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="owned_cis")
    owner_group = models.ForeignKey("accounts.Group", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="owned_cis")
    owner = models.ForeignKey("accounts.User", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_cis")
    criticality = models.CharField(max_length=16, choices=Criticality.choices,
                                   default=Criticality.MEDIUM)
    description = models.TextField(blank=True)
    service = models.ForeignKey("catalog.Service", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="cis",
                                help_text="The service this item supports")
    represents = models.OneToOneField(
        "catalog.Service", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="configuration_item",
        help_text="For an item of a service class: the service of the portfolio it is")
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "configuration item"
        indexes = [models.Index(fields=["ci_class", "status"]),
                   models.Index(fields=["environment"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:ci", args=[self.pk])


class RelationshipType(models.Model):
    """A kind of relationship, read one way from its source ("depends on")
    and the other from its target ("used by"), with the way a failure
    travels along it."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=60, help_text="Read from the source: \"depends on\"")
    reverse_name = models.CharField(max_length=60,
                                    help_text="Read from the target: \"used by\"")
    impact = models.CharField(max_length=12, choices=ImpactDirection.choices,
                              default=ImpactDirection.TO_SOURCE)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RelationshipRule(models.Model):
    """A type may join an item of ``source_class`` (or below) to one of
    ``target_class`` (or below). A type with no rule joins any classes."""

    type = models.ForeignKey(RelationshipType, on_delete=models.CASCADE, related_name="rules")
    source_class = models.ForeignKey(CIClass, on_delete=models.CASCADE, related_name="+")
    target_class = models.ForeignKey(CIClass, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "source_class", "target_class"],
                                               name="cmdb_rule_unique")]

    def __str__(self):
        return f"{self.source_class} {self.type} {self.target_class}"


class Relationship(models.Model):
    type = models.ForeignKey(RelationshipType, on_delete=models.PROTECT,
                             related_name="relationships")
    source = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE,
                               related_name="outgoing")
    target = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE,
                               related_name="incoming")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "type", "target"],
                                    name="cmdb_relationship_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")),
                                   name="cmdb_relationship_no_self_loop"),
        ]
        indexes = [models.Index(fields=["target", "type"])]

    def __str__(self):
        return f"{self.source} {self.type} {self.target}"


class Baseline(models.Model):
    """A named, frozen copy of a set of items with their attributes and
    relationships, to compare with another baseline or with now."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    scope = models.JSONField(default=dict, blank=True,
                             help_text="How the set was chosen (class, service, query)")
    taken_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    items = models.JSONField(default=dict, help_text="{identifier: the item's values}")
    relationships = models.JSONField(default=list,
                                     help_text="[[source, type, target], ...] by identifier")

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:baseline", args=[self.pk])
