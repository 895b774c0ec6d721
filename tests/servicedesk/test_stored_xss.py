"""Stored XSS: script and attribute-breaking payloads saved through the real forms wherever staff
type customer text (customer, arrival, intake, diagnosis, repair, retest, handover card, slips,
calls, complaints and their contacts, offers, decisions, callbacks, settings), then every page
of the URL walk rendered for every role: the payload shows only escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from followups.reports import callback_report_generate
from followups.services import callback_schedule_for_complaint
from intake.models import Customer, MessageSlip, Visit
from repairs.models import RepairTicket
from servicedesk.models import Department, Role
from tests import tickets, urlwalk
from tests.factories import make_staff
from tests.strategies import RAW_XSS_MARKERS, XSS
from tests.urlwalk.servicedesk import settings_body

pytestmark = pytest.mark.django_db
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"


def saved(response) -> None:
    assert response.status_code == 302, getattr(response, "context", None) and [
        (form.errors if hasattr(form, "errors") else form)
        for form in [response.context.get("form")]
    ]
    errors = [m for m in response.wsgi_request._messages._queued_messages if m.level_tag == "error"]
    assert not errors, [str(m) for m in errors]


def store_payloads(point, w, client) -> dict:
    """Type the payload into every free-text field of every form, as staff would."""
    posts = urlwalk.posts()
    client.force_login(w["manager"])
    saved(
        client.post(
            reverse("servicedesk:point_settings", args=[point.pk]),
            settings_body(point, address=XSS, opening_hours=XSS[:100]),
        )
    )
    client.force_login(w["supervisor"])
    saved(
        client.post(
            reverse("intake:customer_create"),
            {"name": XSS, "phone": "13911112222", "customer_type": "individual", "company": XSS},
        )
    )
    customer = Customer.objects.get(point=point, phone="+8613911112222")
    saved(client.post(reverse("intake:board"), {"purpose": "inquiry", "contact_name": XSS}))
    visit = Visit.objects.get(point=point, contact_name=XSS)
    fields = ("model_name", "fault_description", "accessories", "condition", "purchase_place")
    saved(
        client.post(
            reverse("repairs:ticket_open", args=[customer.pk]),
            posts["repairs:ticket_open"](w) | dict.fromkeys(fields, XSS),
        )
    )
    ticket = RepairTicket.objects.get(customer=customer)
    act = reverse("repairs:ticket_action", args=[ticket.pk])

    def move(action, **body):
        ticket.refresh_from_db()
        saved(client.post(act, {"action": action, "version": ticket.version} | body))

    ticket.refresh_from_db()
    saved(
        client.post(
            reverse("repairs:ticket_override", args=[ticket.pk]),
            {"version": ticket.version, "status": ticket.warranty_status, "reason": XSS},
        )
    )
    move("start_diagnosis")
    move("diagnose", fault_confirmed=XSS)
    move("complete_repair", repair_method=XSS)
    move("fail_qa", reason=XSS)
    move("complete_repair", repair_method=XSS)
    move("pass_qa")
    hand_over = tickets.CASES["hand_over"][3]
    move("hand_over", **(hand_over | {"satisfaction_comment": XSS}))
    saved(
        client.post(
            reverse("intake:visit_slip", args=[visit.pk]),
            posts["intake:visit_slip"](w)
            | {"addressee": w["supervisor"].pk}
            | dict.fromkeys(("caller_name", "company", "message", "best_time_to_call"), XSS),
        )
    )
    slip = MessageSlip.objects.get(point=point, message=XSS)
    saved(client.post(reverse("intake:slip_callback", args=[slip.pk]), {"note": XSS}))
    saved(
        client.post(
            reverse("intake:call_screen"),
            posts["intake:call_screen"](w)
            | dict.fromkeys(("contact_name", "company", "summary", "outcome"), XSS)
            | {
                "transferred_to": XSS,
                "contact_phone": "13922223333",
                "create_customer": "on",
                "purpose": "suggestion",
                "department": w["department"].pk,
            },
        )
    )
    call = Visit.objects.get(point=point, summary=XSS, channel="hotline")
    saved(
        client.post(
            reverse("complaints:new"),
            posts["complaints:new"](w) | {"customer": customer.pk, "summary": XSS},
        )
    )
    complaint = Complaint.objects.get(point=point, summary=XSS, customer=customer)
    later = urlwalk.local_input(days=2)

    def complain(what, **body):
        complaint.refresh_from_db()
        url = reverse("complaints:act", args=[complaint.pk, what])
        saved(client.post(url, {"version": complaint.version} | body))

    complain("contact", note=XSS, promised_reply_at=later)
    complain("offer", amount="0", description=XSS[:255])
    complain("escalate", note=XSS)
    complain("decision", decision=XSS)
    complain(
        "stage",
        action="clarify",
        restatement=XSS,
        customer_confirmed="on",
        note=XSS,
        promised_reply_at=later,
    )
    complain("stage", action="propose", options=f"{XSS}\nB", promised_reply_at=later)
    complain("transfer", owner=w["complaint_colleague"].pk, note=XSS[:500])
    callback = callback_schedule_for_complaint(
        point=point, customer=customer, resolved_at=timezone.now() - dt.timedelta(days=1)
    )
    saved(
        client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "dissatisfied",
                "dissatisfaction_reason": XSS,
                "note": XSS[:500],
                "outside_hours_reason": "customer_called",  # the test runs at any hour
            },
        )
    )
    w["callback"].refresh_from_db()
    saved(
        client.post(
            reverse("followups:callback_move", args=[w["callback"].pk]),
            posts["followups:callback_move"](w) | {"reason": XSS},
        )
    )
    saved(
        client.post(
            reverse("followups:callback_slip", args=[w["callback"].pk]),
            posts["followups:callback_slip"](w) | {"message": XSS},
        )
    )
    # Typed by administrators in the admin: shown to staff on several pages.
    Department.objects.filter(pk=w["department"].pk).update(name=XSS)
    w["staff"].display_name = XSS
    w["staff"].save(update_fields=["display_name"])
    report = callback_report_generate(point=point, month=timezone.localdate().replace(day=1))
    return w | {
        "customer": customer,
        "visit": visit,
        "ticket": ticket,
        "device": ticket.device,
        "slip": slip,
        "call": call,
        "complaint": complaint,
        "callback": callback,
        "report": report,
    }


def urls(objects: dict) -> list[str]:
    plain, object_urls = urlwalk.registry()
    # Every page of the walk (an action URL answers a GET with 405: harmless).
    found = [reverse(name) for name in sorted(plain - {"health", "logout"})]
    found += [
        urlwalk.url_for(name, objects)
        for name in sorted(object_urls)
        if name != "reporting:export_download"
    ]
    customer, ticket = objects["customer"], objects["ticket"]
    found += [
        reverse("repairs:ticket_print", args=[ticket.pk, "customer-copy"]),
        reverse("repairs:ticket_open", args=[customer.pk]),
        f"{reverse('intake:search')}?q={XSS}",
        f"{reverse('intake:search')}?q=13911112222",
        f"{reverse('intake:caller_lookup')}?q=13911112222",
        f"{reverse('complaints:customer_search')}?q=13911112222",
        f"{reverse('intake:slip_queue')}?mine=0",
        f"{reverse('followups:queue')}?tab=upcoming",
        f"{reverse('repairs:pickup')}?number={XSS}",
        f"{reverse('servicedesk:audit_list')}?action={XSS}",
    ]
    return found


@pytest.mark.reliability(
    "Stored XSS",
    "script and attribute payloads saved through every form with free text, then every page "
    "of the URL walk rendered for every role",
)
def test_customer_text_is_escaped_on_every_page_for_every_role(point, client):
    w = urlwalk.make_objects(point)
    w["manager"] = make_staff(Role.SERVICE_MANAGER, point=point).user
    objects = store_payloads(point, w, client)
    pages = urls(objects)
    # Each role sees other pages and parts of pages; managers see what supervisors see.
    roles = set(Role) - {Role.SERVICE_MANAGER, Role.ADMIN}
    viewers = [make_staff(role, point=point, region=point.region).user for role in sorted(roles)]
    raw, escaped_on = [], set()
    for viewer in viewers:
        client.force_login(viewer)
        for url in pages:
            response = client.get(url)
            assert response.status_code < 500, url
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            text = response.content.decode()
            raw += [f"{viewer.staff_profile.role} {url}" for m in RAW_XSS_MARKERS if m in text]
            if ESCAPED in text:
                escaped_on.add(url)
    assert not raw, "unescaped payload on:\n" + "\n".join(raw)
    # The payloads were stored and shown: on the pages that show customer text, escaped.
    for name in ("customer", "ticket", "complaint", "call", "slip", "callback"):
        url = next(u for u in pages if u == urlwalk.url_for(DETAIL[name], objects))
        assert url in escaped_on, f"{name} page does not show the saved text"


DETAIL = {
    "customer": "intake:customer_detail",
    "ticket": "repairs:ticket_detail",
    "complaint": "complaints:detail",
    "call": "intake:call_detail",
    "slip": "intake:slip_queue",
    "callback": "followups:callback",
}
