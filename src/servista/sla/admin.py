"""Service level configuration in the admin: calendars (with their hours,
holidays and exceptions), agreements (with their targets and escalations),
and the working hours of groups and services. Every change is journaled;
a changed agreement's open timers are recomputed."""

from django.contrib import admin

from servista.core.admin import JournaledAdmin

from . import services
from .models import (
    Agreement,
    Calendar,
    CalendarException,
    Escalation,
    GroupHours,
    Holiday,
    ServiceHours,
    Target,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(JournaledAdmin):
    list_display = ["name", "time_zone", "country", "subdivision"]
    search_fields = ["name"]
    exclude = ["updated_at"]
    inlines = [WorkingHoursInline, HolidayInline, CalendarExceptionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.touch_calendar(form.instance)


class TargetInline(admin.StackedInline):
    model = Target
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(JournaledAdmin):
    list_display = ["name", "kind", "record_type", "customer", "service", "group", "supplier",
                    "calendar", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    inlines = [TargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            services.recompute_agreement(form.instance)


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "on", "action"]
    list_filter = ["action"]


@admin.register(GroupHours)
class GroupHoursAdmin(JournaledAdmin):
    list_display = ["group", "calendar"]


@admin.register(ServiceHours)
class ServiceHoursAdmin(JournaledAdmin):
    list_display = ["service", "calendar"]
