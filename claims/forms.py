"""Forms of the desk. They validate input; the domain functions do the work."""

from django import forms
from django.conf import settings

from claims.canonical import UnsafeURL, canonical_url
from claims.importing import ArticleRejected, article_text


class ArticleImportForm(forms.Form):
    title = forms.CharField(max_length=500)
    url = forms.CharField(
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

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if not url:
            return ""
        try:
            return canonical_url(url)
        except UnsafeURL as error:
            raise forms.ValidationError(str(error)) from error

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
