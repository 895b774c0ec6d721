"""Double submits and two colleagues on one record: every create form and every transition has
one effect however often it is sent (one ticket, slip, complaint, call, transition, payment), and
the second of two staff editing one ticket or one complaint gets a clear conflict message instead
of overwriting the first one's change."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from complaints.models import ComplaintContact
from complaints.services import escalate
from counter.models import Payment
from repairs.models import TicketEvent
from servicedesk.models import Role
from tests import tickets, urlwalk
from tests.factories import CustomerFactory
from tests.servicedesk.test_url_walk import CHANGING_POSTS

pytestmark = pytest.mark.django_db

TICKET_CONFLICT = "Someone else changed this repair record meanwhile. Reload the page."
COMPLAINT_CONFLICT = "Someone else changed this complaint meanwhile. Reload the page and try again."


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def in_chinese(msgid: str) -> str:
    with override("zh-hans"):
        return gettext(msgid)


@pytest.mark.reliability(
    "Double submit (double click, resent form)",
    "every POST of the URLconf sent twice with the same body: the second changes nothing",
)
@pytest.mark.parametrize("name", CHANGING_POSTS)
def test_every_post_sent_twice_has_one_effect(name, point, client):
    objects = urlwalk.make_objects(point)
    client.force_login(urlwalk.actors().get(name, lambda f: f["supervisor"])(objects))
    url, body = urlwalk.url_for(name, objects), urlwalk.posts()[name](objects)
    first = client.post(url, body)
    assert first.status_code in (200, 302)
    after_first = urlwalk.db_state()
    second = client.post(url, body)
    assert second.status_code < 500
    changed = urlwalk.changed_tables(after_first, urlwalk.db_state())
    if name in urlwalk.audited_each_time():
        assert changed == ["servicedesk_auditlog"]
    else:
        assert not changed


@pytest.mark.reliability(
    "Double submit of a ticket transition",
    "each transition's form (diagnosis, quote, consent, QA, handover with payment) sent twice",
)
@pytest.mark.parametrize("case", sorted(tickets.CASES))
def test_every_ticket_transition_sent_twice_happens_once(case, point, client, staff_of):
    supervisor = staff_of(Role.SUPERVISOR).user
    ticket, body = tickets.ticket_ready_for(
        case, point=point, desk=staff_of(Role.FRONT_DESK).user, actor=supervisor
    )
    client.force_login(supervisor)
    url = reverse("repairs:ticket_action", args=[ticket.pk])
    client.post(url, body)
    ticket.refresh_from_db()
    assert ticket.version == body["version"] + 1, "the first submit went through"
    after_first = urlwalk.db_state()
    second = client.post(url, body, follow=True)
    assert in_chinese(TICKET_CONFLICT) in shown_messages(second)
    assert not urlwalk.changed_tables(after_first, urlwalk.db_state())
    assert TicketEvent.objects.filter(ticket=ticket, action=body["action"]).count() == 1
    assert Payment.objects.filter(ticket=ticket).count() == (1 if case == "hand_over_paid" else 0)


@pytest.mark.reliability(
    "Two staff edit one repair record",
    "both load the ticket page; the second posts a transition or override on the stale version",
)
@pytest.mark.parametrize("second", ["start_diagnosis", "override"])
def test_second_of_two_staff_on_one_ticket_gets_a_conflict_not_a_lost_update(
    second, point, client, staff_of
):
    desk = staff_of(Role.FRONT_DESK).user
    ticket, body = tickets.ticket_ready_for("start_diagnosis", point=point, desk=desk, actor=desk)
    technician = staff_of(Role.TECHNICIAN).user
    supervisor = staff_of(Role.SUPERVISOR).user
    shown = ticket.version  # both pages show this version
    client.force_login(technician)
    client.post(reverse("repairs:ticket_action", args=[ticket.pk]), body)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.technician) == ("diagnosing", technician)
    client.force_login(supervisor)
    before = urlwalk.db_state()
    if second == "override":
        url = reverse("repairs:ticket_override", args=[ticket.pk])
        data = {"version": shown, "status": "out_of_warranty", "reason": "人为损坏"}
    else:
        url = reverse("repairs:ticket_action", args=[ticket.pk])
        data = {"action": "start_diagnosis", "version": shown}
    response = client.post(url, data, follow=True)
    assert in_chinese(TICKET_CONFLICT) in shown_messages(response)
    assert not urlwalk.changed_tables(before, urlwalk.db_state())
    ticket.refresh_from_db()
    assert ticket.technician == technician and ticket.warranty_overridden_by is None


COMPLAINT_ACTIONS = {
    "stage": lambda o: {
        "action": "clarify",
        "restatement": "顾客认为收费不透明",
        "customer_confirmed": "on",
        "promised_reply_at": urlwalk.local_input(days=2),
    },
    "contact": lambda o: {"note": "已回电说明", "promised_reply_at": urlwalk.local_input(days=2)},
    "offer": lambda o: {"amount": "0", "description": "免费贴膜"},
    "escalate": lambda o: {"note": "顾客要求退款"},
    "decision": lambda o: {"decision": "同意退款"},
    "transfer": lambda o: {"owner": o["complaint_colleague"].pk, "note": ""},
}


@pytest.mark.reliability(
    "Two staff edit one complaint (or one sends its form twice)",
    "both load the complaint; the second posts any complaint action on the stale version",
)
@pytest.mark.parametrize("what", sorted(COMPLAINT_ACTIONS))
def test_second_of_two_staff_on_one_complaint_gets_a_conflict_not_a_lost_update(
    what, point, client
):
    objects = urlwalk.make_objects(point)
    complaint = objects["complaint"]
    if what == "decision":
        complaint = escalate(complaint=complaint, actor=objects["supervisor"], note="上报")
    shown = complaint.version
    # The first colleague logs a contact with the customer.
    owner = complaint.owner
    client.force_login(owner)
    client.post(
        reverse("complaints:act", args=[complaint.pk, "contact"]),
        {"version": shown, "note": "第一位同事已回电", "promised_reply_at": urlwalk.local_input(2)},
    )
    assert ComplaintContact.objects.filter(complaint=complaint, note="第一位同事已回电").exists()
    # The second, on the page loaded before that, acts on the stale version.
    client.force_login(objects["supervisor"])
    before = urlwalk.db_state()
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, what]),
        {"version": shown} | COMPLAINT_ACTIONS[what](objects),
        follow=True,
    )
    assert in_chinese(COMPLAINT_CONFLICT) in shown_messages(response)
    assert not urlwalk.changed_tables(before, urlwalk.db_state())


def test_the_complaint_page_carries_the_version_and_a_fresh_one_is_accepted(point, client):
    objects = urlwalk.make_objects(point)
    complaint = objects["complaint"]
    client.force_login(objects["supervisor"])
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f'name="version" value="{complaint.version}"' in page
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "escalate"]),
        {"version": complaint.version, "note": "超出权限"},
        follow=True,
    )
    assert in_chinese(COMPLAINT_CONFLICT) not in shown_messages(response)
    complaint.refresh_from_db()
    assert complaint.escalated_at is not None


def test_a_create_form_carries_a_one_time_token(point, client, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    customer = CustomerFactory(point=point)
    pages = [
        reverse("intake:board"),
        reverse("complaints:new"),
        reverse("repairs:ticket_open", args=[customer.pk]),
        reverse("intake:call_screen"),
    ]
    for url in pages:
        assert 'name="token"' in client.get(url).content.decode(), url
