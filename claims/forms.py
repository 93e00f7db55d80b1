"""Forms of the desk. They validate input; the domain functions do the work."""

from django import forms
from django.conf import settings

from claims.editing import split_points
from claims.importing import ArticleRejected, article_text
from claims.models import ClaimKind, ClaimStatus, Rating, Source, SourceKind, Stance
from claims.sources.canonical import UnsafeURL, canonical_url


class CanonicalURLField(forms.CharField):
    """A URL field that accepts only http(s) and cleans to the canonical URL: the boundary
    where a typed URL is canonicalised, once (a CanonicalURL, or "" when left empty)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        try:
            return canonical_url(value)
        except UnsafeURL as error:
            raise forms.ValidationError(str(error)) from error


class ArticleImportForm(forms.Form):
    title = forms.CharField(max_length=500)
    url = CanonicalURLField(
        label="URL", max_length=2000, required=False, help_text="Where the article was published."
    )
    author = forms.CharField(max_length=300, required=False)
    published_on = forms.DateField(
        label="Published on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    body = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Paste the article's text, or upload a UTF-8 text file below.",
    )
    upload = forms.FileField(label="…or a text file", required=False)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > settings.ARTICLE_MAX_CHARS * 4:
            raise forms.ValidationError(
                f"The file is too large: the limit is {settings.ARTICLE_MAX_CHARS:,} characters."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        field = "upload" if upload else "body"
        if self.has_error(field):
            return cleaned
        raw = upload.read() if upload else cleaned.get("body", "")
        try:
            cleaned["text"] = article_text(raw)
        except ArticleRejected as error:
            self.add_error(field, str(error))
        return cleaned


class ArticlePageForm(forms.Form):
    """The first step of importing from the web: a page's address, or the page saved as HTML."""

    url = CanonicalURLField(
        label="Web address",
        max_length=2000,
        required=False,
        help_text="The desk fetches the page, keeps a copy and reads the article from it.",
    )
    page = forms.FileField(
        label="…or a saved web page",
        required=False,
        help_text="An HTML file saved from a browser.",
    )

    def __init__(self, *args, **kwargs):
        # It shares the import page with ArticleImportForm, which has a `url` field too.
        kwargs.setdefault("auto_id", "page_%s")
        super().__init__(*args, **kwargs)

    def clean_page(self):
        page = self.cleaned_data.get("page")
        if page and page.size > settings.FETCH_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large: the limit is {settings.FETCH_MAX_BYTES / 1_000_000:g} MB."
            )
        return page

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("url") and cleaned.get("page"):
            raise forms.ValidationError("Give a web address or a saved page, not both.")
        if not cleaned.get("url") and not cleaned.get("page"):
            raise forms.ValidationError("Give the article's web address or a saved page.")
        return cleaned


class ArticlePreviewForm(forms.Form):
    """The reviewer's corrections to what the desk read from a page, before importing."""

    title = forms.CharField(max_length=500)
    url = CanonicalURLField(
        label="URL", max_length=2000, required=False, help_text="Where the article was published."
    )
    author = forms.CharField(max_length=300, required=False)
    published_on = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    body = forms.CharField(
        label="Article text",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Remove anything that is not the article; claims are proposed in this text.",
    )

    def clean_body(self):
        try:
            return article_text(self.cleaned_data["body"])
        except ArticleRejected as error:
            raise forms.ValidationError(str(error)) from error


class ArticleRevisionForm(forms.Form):
    """An article's new text, pasted or read again from its page, previewed then saved."""

    body = forms.CharField(
        label="The article's new text",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="The whole article as it reads now; every claim is looked for in it again.",
    )

    def clean_body(self):
        try:
            return article_text(self.cleaned_data["body"])
        except ArticleRejected as error:
            raise forms.ValidationError(str(error)) from error


class DeskForm(forms.Form):
    """A form whose element ids start with its own prefix: several forms share a page."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class VersionedForm(DeskForm):
    """A form that carries the version of the object it was based on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClaimEditForm(VersionedForm):
    id_prefix = "edit"

    statement = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A self-contained restatement of what is checked.",
    )
    claimant = forms.CharField(max_length=300, required=False, help_text="Who made the claim.")
    kind = forms.ChoiceField(choices=ClaimKind.choices)


class DismissForm(VersionedForm):
    id_prefix = "dismiss"

    reason = forms.CharField(
        label="Reason for dismissing",
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "e.g. opinion, not a checkable claim"}),
    )


class SplitForm(VersionedForm):
    id_prefix = "split"

    at = forms.TypedChoiceField(label="Split before", coerce=int, choices=[])

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        quote = claim.quote
        self.fields["at"].choices = [
            (point, f"…{quote[max(0, point - 24) : point].strip()} | {quote[point : point + 24]}…")
            for point in split_points(quote)
        ]


def words_field(label: str, help_text: str) -> forms.CharField:
    """The exact words of a span of the article, as selected (or pasted): kept unstripped,
    since they must be found in the text as they are."""
    return forms.CharField(
        label=label,
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class SelectedWordsForm(DeskForm):
    """Words selected in the article text: `quote` (declared by each form, with its own
    label) and where the selection began and ended, if it was made with the mouse
    (editing.selected_span checks them)."""

    start = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)


class ClaimCreateForm(SelectedWordsForm):
    id_prefix = "new"

    quote = words_field(
        "Exact words from the article", "Select words in the article text, or paste them here."
    )
    statement = forms.CharField(
        max_length=1000, required=False, help_text="Leave empty to use the exact words."
    )
    claimant = forms.CharField(max_length=300, required=False)
    kind = forms.ChoiceField(choices=ClaimKind.choices, initial=ClaimKind.OTHER)


class ReanchorForm(SelectedWordsForm, VersionedForm):
    """Words selected (or pasted) in the article's current text for a flagged claim."""

    id_prefix = "reanchor"

    quote = words_field(
        "The claim's words in the new text",
        "Select the words in the new text, or paste them here (found exactly once).",
    )


class CitationForm(DeskForm):
    id_prefix = "cite"

    url = CanonicalURLField(
        label="Source URL",
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://…", "autocomplete": "off"}),
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, widget=forms.HiddenInput
    )
    title = forms.CharField(
        max_length=500, required=False, help_text="For a new source: its title."
    )
    kind = forms.ChoiceField(
        choices=SourceKind.choices,
        initial=SourceKind.NEWS,
        required=False,
        help_text="For a new source: a primary document, an official statement, a report…",
    )
    stance = forms.ChoiceField(
        choices=Stance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the source supports, refutes or adds context."},
    )
    excerpt = forms.CharField(
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The words in the source that matter.",
    )
    note = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source") and not cleaned.get("url") and not self.has_error("url"):
            self.add_error("url", "Paste the source's URL or pick a source from the library.")
        return cleaned


class SourceDescribeForm(forms.Form):
    """What a reviewer may say about a cited source: its title and kind (admins keep the
    rest of the library)."""

    title = forms.CharField(max_length=500, required=False)
    kind = forms.ChoiceField(choices=SourceKind.choices)


class VerdictForm(DeskForm):
    id_prefix = "verdict"

    rating = forms.ModelChoiceField(queryset=Rating.objects.none(), empty_label="Choose a rating")
    reasoning = forms.CharField(
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Plain text; links (https://…) become clickable.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings


class CommentForm(DeskForm):
    id_prefix = "comment"

    body = forms.CharField(
        label="Comment", max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label="Search claims", required=False, max_length=200)
    status = forms.ChoiceField(choices=[("", "Any status"), *ClaimStatus.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *ClaimKind.choices], required=False)
    verdict = forms.ChoiceField(choices=[], required=False)
    assignee = forms.ChoiceField(
        choices=[("", "Anyone"), ("me", "Me"), ("none", "Unassigned")], required=False
    )

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = [
            ("", "Any verdict"),
            ("none", "No verdict yet"),
            *[(rating.slug, rating.label) for rating in ratings],
        ]

    def filters(self, user) -> dict:
        """The keyword arguments for ClaimQuerySet.matching (invalid values ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        assignee = data.get("assignee", "")
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "kind": data.get("kind", ""),
            "verdict": data.get("verdict", ""),
            "assignee": user if assignee == "me" else None,
            "unassigned": assignee == "none",
        }


class ChoicesReadOnce(forms.models.ModelChoiceIterator):
    """The rows read once per form: a Select is asked for its choices more than once as
    it renders, each a query otherwise."""

    def __iter__(self):
        if not hasattr(self, "_read"):
            self._read = list(super().__iter__())
        yield from self._read


class ModelChoiceFieldReadOnce(forms.ModelChoiceField):
    iterator = ChoicesReadOnce


class AssignForm(DeskForm):
    id_prefix = "assign"

    assignee = ModelChoiceFieldReadOnce(queryset=None, label="Assign to", empty_label=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = reviewers


class SendBackForm(DeskForm):
    id_prefix = "sendback"

    note = forms.CharField(
        label="What needs another look",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(DeskForm):
    id_prefix = "approve"

    override_reason = forms.CharField(
        label="Approve despite unmet checks because",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CrossCheckForm(DeskForm):
    id_prefix = "crosscheck"

    rating = forms.ModelChoiceField(queryset=None, label="Your rating", empty_label="Choose")

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings


class CorrectionForm(DeskForm):
    id_prefix = "correct"

    rating = forms.ModelChoiceField(
        queryset=None, label="Corrected rating", empty_label="Choose a rating"
    )
    reasoning = forms.CharField(max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(
        label="Correction note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown publicly: what changed and why.",
    )

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings


class BulkForm(DeskForm):
    """Ticked claims of an article and what to do with them."""

    id_prefix = "bulk"

    claims = forms.ModelMultipleChoiceField(queryset=None)
    action = forms.ChoiceField(
        choices=[("accept", "Accept"), ("dismiss", "Dismiss"), ("merge", "Merge")]
    )
    reason = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = article.claims.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "dismiss" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason for dismissing the ticked claims.")
        return cleaned
