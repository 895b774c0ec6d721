"""Form fields in Bootstrap 5 markup without a template per field (issue #36).

``{{ field|as_crispy_field }}`` renders two or three templates for every field (crispy's field
layout, then the widget's); on the reception board's arrival form and the complaint queue's
filter that was a third of the page. ``{% bootstrap_field field %}`` and
``{% bootstrap_fields form %}`` write the same Bootstrap markup (label, widget with its
``form-control`` / ``form-select`` / ``form-check-input`` class, errors, help text) in Python;
the widget itself is still Django's.
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
        widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)
    ):
        return "form-select"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return ""
    return "form-control"


@register.simple_tag
def bootstrap_field(field: forms.BoundField) -> SafeString:
    """One field: its label, the widget, its errors and its help text."""
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308 - Django's own widget rendering
    widget = field.field.widget
    classes = [_widget_class(widget), widget.attrs.get("class", "")]
    if field.errors:
        classes.append("is-invalid")
    css = " ".join(c for c in classes if c)
    control = field.as_widget(attrs={"class": css} if css else None)
    errors = format_html_join(
        "",
        '<div class="invalid-feedback d-block"><strong>{}</strong></div>',
        ((error,) for error in field.errors),
    )
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    asterisk = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div id="div_{}" class="mb-3"><div class="form-check">{}'
            '<label for="{}" class="form-check-label">{}{}</label>{}{}</div></div>',
            field.auto_id,
            control,
            field.id_for_label,
            field.label,
            asterisk,
            errors,
            help_text,
        )
    label = (
        format_html(
            '<label for="{}" class="form-label">{}{}</label>',
            field.id_for_label,
            field.label,
            asterisk,
        )
        if field.label
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        label,
        control,
        errors,
        help_text,
    )


@register.simple_tag
def bootstrap_fields(form: forms.BaseForm) -> SafeString:
    """Every field of the form, with its errors that belong to no field first."""
    parts = [
        format_html('<div class="alert alert-block alert-danger">{}</div>', form.non_field_errors())
        if form.non_field_errors()
        else ""
    ]
    parts += [bootstrap_field(field) for field in form]
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - each part is escaped
