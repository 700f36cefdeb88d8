"""The unit tree: administrative units and the agencies under them, with history and merges."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.lib.vntext import match_key, search_key, sort_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-run city")
    DISTRICT = "district", _("District")
    TOWN = "town", _("District-level town")
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    TOWNSHIP = "township", _("Township")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    PEOPLES_COMMITTEE = "committee", _("People's Committee")
    COUNCIL = "council", _("People's Council")
    OFFICE = "office", _("Specialised office")
    CENTRE = "centre", _("Public service unit")
    PARTY = "party", _("Party body")
    MASS_ORGANISATION = "mass_org", _("Mass organisation")
    ARMED_FORCES = "armed", _("Armed forces")
    OTHER = "other", _("Other body")


ADMINISTRATIVE_KINDS = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.CITY,
        UnitKind.DISTRICT,
        UnitKind.TOWN,
        UnitKind.COMMUNE,
        UnitKind.WARD,
        UnitKind.TOWNSHIP,
        UnitKind.SPECIAL_ZONE,
    }
)
# Commune level (cấp xã): what "UBND các xã, thị trấn" and "UBND các xã, phường" cover.
COMMUNE_LEVEL_KINDS = frozenset(
    {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}
)


class Unit(models.Model):
    """An administrative unit or an agency, placed in one tree by `parent`.

    `path` is the chain of ancestor ids ("/1/4/17/"): a subtree is one indexed prefix query,
    which is what every permission check and roll-up uses. Only `units.services` writes it.
    """

    name = models.CharField(_("official name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(
        _("official code"), max_length=20, blank=True, help_text=_("Administrative code, if any")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    name_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    search_text = models.CharField(max_length=1000, editable=False, default="")
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_administrative(self) -> bool:
        return self.kind in ADMINISTRATIVE_KINDS

    def is_valid_on(self, day: dt.date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_to is None or day <= self.valid_to
        return starts_ok and ends_ok

    def refresh_keys(self) -> None:
        """Recompute the derived name keys; called by the services before every save."""
        self.name_key = match_key(self.name)
        self.sort_key = sort_key(self.name)
        aliases = [self.short_name] if self.short_name else []
        if self.pk:
            aliases += [a.name for a in self.aliases.all()]
        self.search_text = " | ".join(search_key(n) for n in [self.name, *aliases])[:1000]


class UnitAlias(models.Model):
    """Another name a unit is written with: abbreviations, numerals, old spellings."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=255)
    name_key = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name_key"], name="unit_alias_unique_per_unit")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = match_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class UnitMerge(models.Model):
    """One unit merged into a successor on a date. Records of the source stay with it; counts
    roll up under the successor (see selectors.unit_successor and unit_predecessor_ids)."""

    source = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="merged_into", verbose_name=_("merged unit")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="merged_from", verbose_name=_("successor")
    )
    effective_on = models.DateField(_("effective on"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("unit merge")
        verbose_name_plural = _("unit merges")
        constraints = [
            models.UniqueConstraint(fields=["source"], name="unit_merged_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("successor")), name="unit_merge_not_into_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.successor} ({self.effective_on})"
