"""Officials the plans count: who holds which duty in which unit.

Personal data (Decree 13/2023, Law 91/2025): only the fields the work needs; a person's data can be
exported (services.person_export) and erased (services.person_erase).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.lib.vntext import person_sort_key, search_key
from kehoach.units.models import Unit


class Duty(models.TextChoices):
    """The duties the plans count (targets II.2 of the seed plan)."""

    HUMAN_RIGHTS = "human_rights", _("In charge of human-rights work")
    FOREIGN_INFORMATION = "foreign_info", _("In charge of foreign information")
    SPOKESPERSON = "spokesperson", _("Spokesperson")


class Person(models.Model):
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=160, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    phone = models.CharField(_("work phone"), max_length=30, blank=True)
    email = models.EmailField(_("work email"), blank=True)
    is_human_rights_officer = models.BooleanField(Duty.HUMAN_RIGHTS.label, default=False)
    is_foreign_info_officer = models.BooleanField(Duty.FOREIGN_INFORMATION.label, default=False)
    is_spokesperson = models.BooleanField(Duty.SPOKESPERSON.label, default=False)
    active = models.BooleanField(_("still in this post"), default=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    search_text = models.CharField(max_length=500, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def duties(self) -> list[Duty]:
        flags = [
            (self.is_human_rights_officer, Duty.HUMAN_RIGHTS),
            (self.is_foreign_info_officer, Duty.FOREIGN_INFORMATION),
            (self.is_spokesperson, Duty.SPOKESPERSON),
        ]
        return [duty for held, duty in flags if held]

    def refresh_keys(self) -> None:
        self.sort_key = person_sort_key(self.full_name)
        self.search_text = search_key(f"{self.full_name} {self.position}")[:500]


DUTY_FIELDS = {
    Duty.HUMAN_RIGHTS: "is_human_rights_officer",
    Duty.FOREIGN_INFORMATION: "is_foreign_info_officer",
    Duty.SPOKESPERSON: "is_spokesperson",
}
