"""CSV import of the source library (publishers and sources): a preview, then all or nothing.

An admin's file is read as a whole first (claims.sources.csv_format: a file that cannot be
read raises CsvRejected). Its preview (`preview_file`) says what each row would do, against
the library as it is, without writing anything: create a publisher or source, update which
one with which changes, apply to the source that a URL was merged into (its alias), leave
it unchanged, or refuse it with the reason naming the column. The rows see each other as
the import will (a URL twice in the file: created, then updated).

The import (`import_file`) plans the same rows again against the library as it is then, and
writes them in ONE transaction: if any row is refused, if the database refuses a write,
or if the rows would no longer do what the preview showed (the library changed since),
ImportFailed is raised and nothing at all is written. Every write goes through the model's
save() with the admin named, so the history says who changed what.

`preview_upload` keeps an admin's file with its preview (LibraryImport) until the admin
confirms it; the background worker then runs `run_import` (claims.sources.tasks).
"""

import contextlib
import copy
import datetime
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from claims.models import (
    ImportState,
    LibraryImport,
    Publisher,
    PublisherDomain,
    Reliability,
    Source,
    SourceAlias,
    SourceKind,
)
from claims.sources.canonical import CanonicalURL, UnsafeURL, canonical_url
from claims.sources.csv_format import (
    COLUMNS,
    cells,
    decode,
    parse_choice,
    parse_date,
    parse_domains,
    parse_url,
    read_rows,
)
from claims.sources.publishers import domain_candidates

# The actions a row can have, in the order the preview lists them.
ACTIONS = ["refused", "created", "updated", "alias", "unchanged"]
# A preview or report lists every refused row up to this many, and the first rows of each
# other action up to ROWS_LISTED; its counts are for the whole file.
REFUSED_LISTED = 1000
ROWS_LISTED = 50


class RowRefused(Exception):
    """One row cannot be applied: {column: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self):
        return "; ".join(f"{column}: {message}" for column, message in self.errors.items())


class ImportFailed(Exception):
    """The import wrote nothing; the message says why, for a person."""

    def __init__(self, message: str, report: "ImportReport | None" = None):
        super().__init__(message)
        self.report = report


@dataclass
class RowResult:
    """What a row does (or would do). `changes` are [column, old value, new value];
    `target` is, for a row whose URL is an alias, the URL of the source it was merged into;
    `target_id` the existing row it applies to (not one created earlier in the file)."""

    line: int
    action: str  # one of ACTIONS
    label: str
    message: str = ""
    changes: list[list[str]] = field(default_factory=list)
    target: str = ""
    target_id: int | None = None

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "action": self.action,
            "label": self.label,
            "message": self.message,
            "changes": self.changes,
            "target": self.target,
            "target_id": self.target_id,
        }


@dataclass
class ImportReport:
    kind: str  # "publishers" | "sources"
    rows: list[RowResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def refused(self) -> int:
        return self.count("refused")

    @property
    def summary(self) -> str:
        return (
            f"{self.kind.capitalize()}: {self.created} created, {self.updated} updated, "
            f"{self.count('alias')} through an alias, {self.unchanged} unchanged, "
            f"{self.refused} refused."
        )

    @property
    def refusals(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == "refused"]

    @property
    def digest(self) -> str:
        """SHA-256 of what every row does: equal for a preview and an import that agree."""
        plan = [[r.line, r.action, r.label, r.message, r.changes, r.target] for r in self.rows]
        return hashlib.sha256(json.dumps(plan, default=str).encode()).hexdigest()

    def as_json(self) -> dict:
        """The counts for the whole file and the rows listed (see REFUSED_LISTED)."""
        listed, seen = [], Counter()
        for row in self.rows:
            seen[row.action] += 1
            if seen[row.action] <= (REFUSED_LISTED if row.action == "refused" else ROWS_LISTED):
                listed.append(row.as_json())
        return {
            "kind": self.kind,
            "total": len(self.rows),
            "counts": {action: seen[action] for action in ACTIONS},
            "rows": listed,
        }


# --- The library as the rows see it ----------------------------------------------------


class _Library:
    """The publishers, domains and sources an import looks at, loaded in a few queries.

    Rows work on copies of these objects; only a row that is applied puts its object back
    (remember), so a refused row's half-made changes never reach the next row, and the next
    rows see a row applied whether or not it was written (a preview writes nothing).
    """

    def __init__(self, *, lock: bool):
        publishers = Publisher.objects.all()
        if lock:  # the import's transaction holds what the rows read
            publishers = publishers.select_for_update()
        self.publishers: dict[str, list[Publisher]] = defaultdict(list)
        by_pk = {}
        for publisher in publishers:
            self.publishers[publisher.name.casefold()].append(publisher)
            by_pk[publisher.pk] = publisher
        # domain -> the publisher owning it; a publisher's key -> its domains
        self.domain_owner: dict[str, Publisher] = {}
        self.domains: dict[object, set[str]] = defaultdict(set)
        for domain, publisher_id in PublisherDomain.objects.values_list("domain", "publisher_id"):
            self.domain_owner[domain] = by_pk[publisher_id]
            self.domains[publisher_id].add(domain)
        self.lock = lock
        self.sources: dict[str, Source | None] = {}
        self.alias_of: dict[str, str] = {}
        self.canonical_urls: dict[str, CanonicalURL | str] = {}

    @staticmethod
    def key(publisher: Publisher):
        """Who a publisher is: its id, or for one a preview would create, its name."""
        return publisher.pk if publisher.pk is not None else "new:" + publisher.name.casefold()

    def canonical_url(self, url: str) -> CanonicalURL:
        """canonical_url() of a url cell, once per distinct cell (the prefetch and the row
        both ask); UnsafeURL as it raised."""
        if url not in self.canonical_urls:
            try:
                self.canonical_urls[url] = canonical_url(url)
            except UnsafeURL as error:
                self.canonical_urls[url] = str(error)
        found = self.canonical_urls[url]
        if not isinstance(found, CanonicalURL):
            raise UnsafeURL(found)
        return found

    def publishers_named(self, name: str) -> list[Publisher]:
        return self.publishers.get(name.casefold(), [])

    def prefetch_sources(self, urls: list[str]) -> None:
        """The sources of these URLs, and the sources that URLs were merged into."""
        for begin in range(0, len(urls), 500):
            chunk = urls[begin : begin + 500]
            self.sources.update(dict.fromkeys(chunk))
            found = Source.objects.filter(url__in=chunk).select_related("publisher")
            if self.lock:
                found = found.select_for_update(of=("self",))
            self.sources.update((source.url, source) for source in found)
            aliases = SourceAlias.objects.filter(url__in=chunk).select_related("source__publisher")
            for alias in aliases:
                if self.sources.get(alias.url) is None:
                    self.alias_of[alias.url] = alias.source.url
                    if self.sources.get(alias.source.url) is None:
                        self.sources[alias.source.url] = alias.source

    def source(self, url: str) -> tuple[Source | None, str]:
        """The source a URL names, and if it names it through an alias, the source's URL."""
        if url not in self.sources:
            self.prefetch_sources([url])
        if url in self.alias_of:
            kept = self.alias_of[url]
            return self.sources[kept], kept
        return self.sources[url], ""

    def publisher_for_url(self, url: str) -> Publisher | None:
        """publishers.publisher_for_url, from the domains loaded."""
        for candidate in domain_candidates(urlsplit(url).hostname or ""):
            if candidate in self.domain_owner:
                return self.domain_owner[candidate]
        return None

    def remember(self, obj, domains: list[str] | None) -> None:
        if isinstance(obj, Publisher):
            same = self.publishers[obj.name.casefold()]
            same[:] = [p for p in same if self.key(p) != self.key(obj)] + [obj]
            if domains is not None:
                for domain in self.domains.pop(self.key(obj), set()):
                    self.domain_owner.pop(domain, None)
                self.domains[self.key(obj)] = set(domains)
                self.domain_owner.update(dict.fromkeys(domains, obj))
        else:
            self.sources[obj.url] = obj


# --- Planning and writing rows ---------------------------------------------------------


@dataclass
class _Plan:
    """What a row does: the object as it would be saved, and its changes."""

    action: str
    obj: Publisher | Source
    changes: list[list[str]]
    existed: bool  # the object was in the library before the import
    save: bool  # the object itself changes (a publisher's domains are apart)
    domains: list[str] | None = None  # a publisher's domains after the row, if they change
    target: str = ""

    def message(self) -> str:
        if self.action == "alias":
            merged = f"its URL was merged into {self.target}"
            changed = ", ".join(name for name, _old, _new in self.changes)
            return f"{merged}; changed: {changed}" if changed else f"{merged}; unchanged"
        if self.action == "updated":
            return "changed: " + ", ".join(name for name, _old, _new in self.changes)
        return ""


def _plan_publisher(cells: dict[str, str], library: _Library) -> _Plan:
    errors: dict[str, str] = {}
    name = cells.get("name", "")
    if not name:
        raise RowRefused({"name": "the publisher's name is empty."})
    values = {}
    domains = None
    if "domains" in cells:
        domains = parse_domains(cells["domains"], errors) or None
    if "reliability" in cells:
        values["reliability"] = parse_choice(
            cells["reliability"], Reliability, "reliability", errors
        )
    if "reliability_note" in cells:
        values["reliability_note"] = cells["reliability_note"]
    if "reliability_rated_on" in cells:
        values["reliability_rated_on"] = parse_date(
            cells["reliability_rated_on"], "reliability_rated_on", errors
        )
    if "homepage" in cells:
        values["homepage"] = parse_url(cells["homepage"], "homepage", errors)

    matches = library.publishers_named(name)
    if len(matches) > 1:
        errors["name"] = f"more than one publisher is called “{name}” (ignoring case)."
    publisher = copy.copy(matches[0]) if matches else Publisher(name=name)
    key = library.key(publisher)
    if domains:
        taken = {
            domain: library.domain_owner[domain].name
            for domain in domains
            if domain in library.domain_owner and library.key(library.domain_owner[domain]) != key
        }
        if taken:
            errors["domains"] = "; ".join(
                f"{domain} already belongs to {owner}" for domain, owner in sorted(taken.items())
            )
    if errors:
        raise RowRefused(errors)

    changes = _assign(publisher, values, url_fields={"homepage"})
    save = not matches or bool(changes)
    if save:
        _validate(publisher)
    current = library.domains.get(key, set())
    if domains is not None and set(domains) != current:
        changes.append(["domains", " ".join(sorted(current)), " ".join(domains)])
        for domain in set(domains) - current:
            _validate(PublisherDomain(domain=domain), {"domain": "domains"})
    else:
        domains = None
    return _Plan(_action(bool(matches), changes), publisher, changes, bool(matches), save, domains)


def _plan_source(cells: dict[str, str], library: _Library) -> _Plan:
    errors: dict[str, str] = {}
    try:
        url = library.canonical_url(cells.get("url", ""))
    except UnsafeURL as error:
        raise RowRefused({"url": str(error)}) from None
    values: dict = {}
    for column in ("title", "author", "summary"):
        if column in cells:
            values[column] = cells[column]
    if "publisher" in cells:
        matches = library.publishers_named(cells["publisher"])
        if not matches:
            errors["publisher"] = (
                f"no publisher is called “{cells['publisher']}”: import the publishers first."
            )
        elif len(matches) > 1:
            errors["publisher"] = f"more than one publisher is called “{cells['publisher']}”."
        else:
            values["publisher"] = matches[0]
    if "published_on" in cells:
        values["published_on"] = parse_date(cells["published_on"], "published_on", errors)
    if "kind" in cells:
        values["kind"] = parse_choice(cells["kind"], SourceKind, "kind", errors)
    if "archived_url" in cells:
        values["archived_url"] = parse_url(cells["archived_url"], "archived_url", errors)
    if errors:
        raise RowRefused(errors)

    existing, merged_into = library.source(url)
    if existing is None:
        source = Source(url=url)
        if "publisher" not in values:
            values["publisher"] = library.publisher_for_url(url)
    else:
        source = copy.copy(existing)
    changes = _assign(source, values, url_fields={"archived_url"})
    save = existing is None or bool(changes)
    if save:
        _validate(source)
    action = "alias" if merged_into else _action(existing is not None, changes)
    return _Plan(action, source, changes, existing is not None, save, target=merged_into)


def _action(existed: bool, changes: list) -> str:
    if not existed:
        return "created"
    return "updated" if changes else "unchanged"


# Each kind of file: how a row is planned.
PLANNERS = {"publishers": _plan_publisher, "sources": _plan_source}


def _write(plan: _Plan, by) -> None:
    """Save what the row changes, with `by` named in the history."""
    obj = plan.obj
    if plan.save:
        if isinstance(obj, Source) and obj.pk is None:
            obj.created_by = by
        obj._history_user = by
        obj.save()
    if plan.domains is not None:
        wanted = set(plan.domains)
        for entry in PublisherDomain.objects.filter(publisher=obj).exclude(domain__in=wanted):
            entry._history_user = by
            entry.delete()
        have = set(PublisherDomain.objects.filter(publisher=obj).values_list("domain", flat=True))
        for domain in plan.domains:
            if domain not in have:
                entry = PublisherDomain(publisher=obj, domain=domain)
                entry._history_user = by
                entry.save()


def _run(kind: str, rows: list[tuple[int, dict]], *, by, write: bool) -> ImportReport:
    """Plan every row, in order; with `write`, also write each row while none is refused
    (the caller's transaction undoes them if one is)."""
    label_column = COLUMNS[kind][1]
    plan_row = PLANNERS[kind]
    report = ImportReport(kind=kind)
    library = _Library(lock=write)
    if kind == "sources":
        library.prefetch_sources(_canonical_urls(rows, library))
    for line, record in rows:
        row = cells(record)
        try:
            plan = plan_row(row, library)
        except RowRefused as refusal:
            report.rows.append(RowResult(line, "refused", row.get(label_column, ""), str(refusal)))
            continue
        target_id = plan.obj.pk if plan.existed else None
        if write and not report.refused:
            try:
                _write(plan, by)
            except DatabaseError as error:
                raise ImportFailed(
                    f"Line {line}: the database refused the row ({error}). Nothing was written."
                ) from error
        library.remember(plan.obj, plan.domains)
        label = plan.obj.name if isinstance(plan.obj, Publisher) else str(plan.obj.url)
        if plan.target:
            label = library.canonical_url(row.get("url", ""))
        report.rows.append(
            RowResult(
                line, plan.action, label, plan.message(), plan.changes, plan.target, target_id
            )
        )
    return report


def _canonical_urls(rows: list[tuple[int, dict]], library: _Library) -> list[str]:
    urls = set()
    for _line, record in rows:
        with contextlib.suppress(UnsafeURL):
            urls.add(library.canonical_url(cells(record).get("url", "")))
    return sorted(urls)


def _assign(obj, values: dict, *, url_fields: set[str]) -> list[list[str]]:
    """Set the values that differ from obj's; return [name, old, new] for each changed."""
    changed = []
    for name, value in values.items():
        current = getattr(obj, name)
        if name in url_fields and current and _same_url(current, value):
            continue
        if current != value:
            setattr(obj, name, value)
            changed.append([name, _shown(current), _shown(value)])
    return changed


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Publisher):
        return value.name
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _same_url(current: str, new: str) -> bool:
    try:
        return canonical_url(current) == new
    except UnsafeURL:
        return False


def _validate(obj, columns: dict[str, str] | None = None) -> None:
    """Field validation (lengths, choices, URLs) as a row refusal naming the column.

    Relations were looked up by the import itself; uniqueness and check constraints are
    the database's to enforce (a violation stops the import, which writes nothing).
    """
    try:
        obj.clean_fields(exclude=[f.name for f in obj._meta.fields if f.is_relation])
    except ValidationError as error:
        columns = columns or {}
        raise RowRefused(
            {
                columns.get(name, "row" if name == "__all__" else name): " ".join(messages)
                for name, messages in error.message_dict.items()
            }
        ) from None


# --- Preview and import ----------------------------------------------------------------


def preview_file(kind: str, data: bytes | str) -> ImportReport:
    """What each row of a file would do to the library as it is now; writes nothing.
    CsvRejected if the file cannot be read as a whole."""
    return _run(kind, read_rows(data, kind), by=None, write=False)


def import_file(kind: str, data: bytes | str, *, by, expected: str = "") -> ImportReport:
    """Import a file of publishers or sources, all or nothing, in one transaction.

    ImportFailed (nothing written) if a row is refused, if the database refuses a write,
    or, given the `expected` digest of a preview, if the rows would not do what it showed.
    """
    rows = read_rows(data, kind)
    with transaction.atomic():
        report = _run(kind, rows, by=by, write=True)
        if report.refused:
            first = report.refusals[0]
            raise ImportFailed(
                f"{report.refused} row{'s' if report.refused > 1 else ''} refused "
                f"(line {first.line}: {first.message}). Nothing was written.",
                report,
            )
        if expected and report.digest != expected:
            raise ImportFailed(
                "The library changed since the preview: the rows would no longer do what it "
                "showed. Nothing was written: preview the file again.",
                report,
            )
    return report


def import_publishers(data: bytes | str, *, by) -> ImportReport:
    """Create or update publishers (matched by name, ignoring case) from CSV."""
    return import_file("publishers", data, by=by)


def import_sources(data: bytes | str, *, by) -> ImportReport:
    """Create or update sources (matched by canonical URL, or an alias of one) from CSV."""
    return import_file("sources", data, by=by)


def preview_upload(data: bytes | str, *, kind: str, by, file_name: str = "") -> LibraryImport:
    """Keep an admin's file with its preview until the admin confirms it; writes nothing
    to the library. CsvRejected if the file cannot be read as a whole."""
    text = decode(data)
    report = preview_file(kind, text)
    return LibraryImport.objects.create(
        kind=kind,
        file_name=file_name[:255],
        text=text,
        preview=report.as_json(),
        plan_digest=report.digest,
        created_by=by,
    )


def preview_again(job: LibraryImport) -> LibraryImport:
    """A failed import's file previewed again, against the library as it is now."""
    report = preview_file(job.kind, job.text)
    job.preview, job.plan_digest = report.as_json(), report.digest
    job.state, job.error, job.started_at, job.finished_at = ImportState.PREVIEWED, "", None, None
    job.save(
        update_fields=["preview", "plan_digest", "state", "error", "started_at", "finished_at"]
    )
    return job


def run_import(import_id) -> str:
    """Import a confirmed file, all or nothing (the worker's task); returns its new state.

    Marked imported in the import's own transaction, so that a task run again (its worker
    was taken for dead) finds it done; marked failed, with why, if it wrote nothing.
    """
    LibraryImport.objects.filter(pk=import_id, state=ImportState.QUEUED).update(
        started_at=timezone.now()
    )
    try:
        with transaction.atomic():
            job = LibraryImport.objects.select_for_update().select_related("created_by")
            job = job.get(pk=import_id)
            if job.state != ImportState.QUEUED:
                return job.state
            report = import_file(job.kind, job.text, by=job.created_by, expected=job.plan_digest)
            job.state, job.report, job.finished_at = (
                ImportState.IMPORTED,
                report.as_json(),
                timezone.now(),
            )
            job.save(update_fields=["state", "report", "finished_at"])
            return job.state
    except ImportFailed as failure:
        fail_import(import_id, str(failure))
        return ImportState.FAILED


def fail_import(import_id, reason: str) -> None:
    """Record that a confirmed import wrote nothing, and why."""
    LibraryImport.objects.filter(pk=import_id, state=ImportState.QUEUED).update(
        state=ImportState.FAILED, error=reason[:5000], finished_at=timezone.now()
    )
