"""Forms of the parts stock and the return batches (rules#parts)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parts.models import Part, ReturnBatch
from servicedesk import inputs

# --- spare-parts stock (rules#parts) ---------------------------------------------------------


class PartCodeField(inputs.CodeField):
    """A part number as typed or scanned (the service finds it on the point's list)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Part number"))
        kwargs.setdefault("max_length", inputs.column_max_length(Part, "code"))
        kwargs.setdefault("error_messages", {"required": _("Enter or scan the part number.")})
        super().__init__(**kwargs)


class StockReceiveForm(inputs.OneTimeTokenMixin, forms.Form):
    """A delivery of parts (收货): the part, how many, the delivery note; the one-time token
    keeps a double click from receiving it twice."""

    part = PartCodeField()
    quantity = inputs.IntegerField(
        label=_("Quantity received"),
        min_value=1,
        max_value=9999,
        error_messages={
            "min_value": _("A delivery is from 1 to 9999 parts."),
            "max_value": _("A delivery is from 1 to 9999 parts."),
        },
    )
    reference = forms.CharField(label=_("Delivery note number"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


class StockAdjustForm(inputs.OneTimeTokenMixin, forms.Form):
    """A count, a defective part set aside or sent back, or a new reorder level, with why."""

    part = PartCodeField()
    kind = forms.ChoiceField(
        label=_("What you are doing"),
        choices=[
            ("count", _("Counted: the number on the shelf")),
            ("defective", _("Found defective: set aside")),
            ("defective_out", _("Defective parts sent back or scrapped")),
            ("level", _("New reorder level")),
        ],
    )
    quantity = inputs.IntegerField(label=_("Number"), min_value=0, max_value=99999)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Say why the stock changes.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


# --- defective parts back to the brand (旧件返还, rules#parts) --------------------------------


class ReturnBatchCreateForm(inputs.OneTimeTokenMixin, forms.Form):
    """Make a return batch of everything waiting; the token makes a double click one batch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


class ReturnBatchMoveForm(forms.Form):
    """Pack or receive a return batch: nothing to type, the batch's state is the check."""


class ReturnBatchShipForm(forms.Form):
    """Ship a packed return batch: the carrier and its tracking number."""

    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=inputs.column_max_length(ReturnBatch, "carrier"),
        error_messages={"required": _("Enter the carrier.")},
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=inputs.column_max_length(ReturnBatch, "tracking_number"),
        error_messages={"required": _("Enter the tracking number.")},
    )
