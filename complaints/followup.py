"""The one interface between complaints and the follow-up module (rules#complaints, 6).

After resolution a callback asks within N days whether the customer is satisfied with the outcome
(回访员三天内再次回访). This records the due date on the complaint (shown in the supervisor
queue) and asks the follow-up module to schedule the callback itself."""

from __future__ import annotations

import datetime as dt

from complaints.models import Complaint


def schedule_complaint_callback(*, complaint: Complaint) -> dt.date:
    """Schedule the complaint callback and record by when it is due: the last day of its window
    (the point's ``complaint_callback_days`` after the resolution, in the point's local dates,
    as ``followups.services.callback_schedule_for_complaint`` counts them)."""
    from followups.services import callback_schedule_for_complaint

    resolved_at = complaint.resolved_at
    if resolved_at is None:
        raise ValueError("only a resolved complaint gets its callback")
    callback = callback_schedule_for_complaint(
        point=complaint.point, customer=complaint.customer, resolved_at=resolved_at
    )
    due = callback.window_end
    Complaint.objects.filter(pk=complaint.pk).update(callback_due_on=due)
    complaint.callback_due_on = due
    return due
