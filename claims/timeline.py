"""A claim's readable timeline: every recorded change to it, its citations and verdicts,
with who, when and what changed (before → after), in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model

from claims.models import Citation, Claim, Rating, Verdict

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "anchor_hash", "signals", "submitted_at"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Event:
    when: datetime
    who: str
    subject: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _display(record, name: str, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names.get((model_field.related_model._meta.label, value), f"#{value}")
    return str(value)


def _related_names(records_by_model) -> dict:
    """Names of the users and ratings the records point to, in one query per model."""
    wanted: dict = {}
    for records in records_by_model:
        for record in records:
            for model_field in record._meta.concrete_fields:
                if model_field.is_relation and model_field.name != "history_user":
                    value = getattr(record, model_field.attname)
                    if value is not None:
                        wanted.setdefault(model_field.related_model, set()).add(value)
    names = {}
    for model in (get_user_model(), Rating):
        for obj in model.objects.filter(pk__in=wanted.get(model, ())):
            names[(model._meta.label, obj.pk)] = str(obj)
    return names


def _events(records, subject, names: dict) -> list[Event]:
    """Events for one model's history records, diffing each against the previous one."""
    events = []
    previous_by_object = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = previous_by_object.get(record.id)
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            changes = [
                Change(
                    change.field,
                    _display(record, change.field, change.old, names),
                    _display(record, change.field, change.new, names),
                )
                for change in delta.changes
                if change.field not in HIDDEN_FIELDS
            ]
            if not changes:
                previous_by_object[record.id] = record
                continue
        previous_by_object[record.id] = record
        events.append(
            Event(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "system",
                subject=subject(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
    return events


def claim_timeline(claim: Claim) -> list[Event]:
    """Every recorded step of a claim, newest first."""
    claim_records = list(claim.history.select_related("history_user"))
    citation_records = list(
        Citation.history.filter(claim_id=claim.pk).select_related("history_user", "source")
    )
    verdict_records = list(
        Verdict.history.filter(claim_id=claim.pk).select_related("history_user", "rating")
    )
    names = _related_names([claim_records, verdict_records])
    events = [
        *_events(claim_records, lambda r: "Claim", names),
        *_events(citation_records, lambda r: f"Citation of “{r.source}”", names),
        *_events(verdict_records, lambda r: f"Verdict “{r.rating}”", names),
    ]
    return sorted(events, key=lambda event: event.when, reverse=True)
