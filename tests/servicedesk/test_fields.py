"""The Bootstrap field tags (issue #36) write what the forms need without crispy's templates."""

from django import forms
from django.template import engines


class ArrivalForm(forms.Form):
    purpose = forms.ChoiceField(choices=[("repair", "Repair"), ("pickup", "Pickup")])
    contact_name = forms.CharField(required=False, help_text="As the customer says it")
    waits = forms.BooleanField(required=False, label="Waits")
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_every_field_gets_its_bootstrap_class_label_and_help():
    html = render("{% bootstrap_fields form %}", form=ArrivalForm())
    assert 'class="form-select"' in html and 'name="purpose"' in html
    assert 'class="form-control"' in html and 'name="contact_name"' in html
    assert 'class="form-check-input"' in html and 'class="form-check-label"' in html
    assert '<label for="id_purpose" class="form-label">Purpose<span class="asteriskField">*' in html
    assert 'id="id_contact_name_helptext" class="form-text">As the customer says it<' in html
    assert '<input type="hidden" name="token"' in html and 'for="id_token"' not in html


def test_a_field_with_an_error_is_marked_and_says_why():
    form = ArrivalForm({"purpose": "nonsense"})
    assert not form.is_valid()
    html = render("{% bootstrap_field form.purpose %}", form=form)
    assert 'class="form-select is-invalid"' in html
    assert 'class="invalid-feedback d-block"><strong>' in html and "nonsense" in html
