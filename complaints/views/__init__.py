"""Complaint pages (rules#complaints): thin views over complaints.services."""

from complaints.views.common import OPENERS, QUEUE_ROLES, READERS
from complaints.views.complaint import complaint_act, complaint_detail, offer_decide
from complaints.views.opening import complaint_customer_search, complaint_new
from complaints.views.queue import BULK_REASSIGNERS, complaint_bulk_reassign, complaint_queue

__all__ = [
    "BULK_REASSIGNERS",
    "OPENERS",
    "QUEUE_ROLES",
    "READERS",
    "complaint_act",
    "complaint_bulk_reassign",
    "complaint_customer_search",
    "complaint_detail",
    "complaint_new",
    "complaint_queue",
    "offer_decide",
]
