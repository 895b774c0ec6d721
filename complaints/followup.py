"""The one interface between complaints and the follow-up module (rules#complaints, 6).

After resolution a callback asks within N days whether the customer is satisfied with the outcome
(回访员三天内再次回访). This records the due date on the complaint (shown in the supervisor
queue) and asks the follow-up module to schedule the callback itself."""

from __future__ import annotations

import datetime as dt

from complaints.models import Complaint


def schedule_complaint_callback(*, complaint: Complaint) -> dt.date:
    """Record by when the complaint callback is due: the point's ``complaint_callback_days``
    after the resolution, counted in the point's local dates."""
    from complaints.services import local_date

    resolved_at = complaint.resolved_at
    if resolved_at is None:
        raise ValueError("only a resolved complaint gets its callback")
    resolved = local_date(complaint.point, resolved_at)
    due = resolved + dt.timedelta(days=complaint.point.complaint_callback_days)
    Complaint.objects.filter(pk=complaint.pk).update(callback_due_on=due)
    complaint.callback_due_on = due
    from followups.services import callback_schedule_for_complaint

    callback_schedule_for_complaint(
        point=complaint.point, customer=complaint.customer, resolved_at=resolved_at
    )
    return due
