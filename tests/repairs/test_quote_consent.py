"""rules#quote as the customer meets it at the counter: the quote (labor, each part, total) first,
then one signature (or the answer by phone, recorded with who took it and when), then the choice
approve or refuse; and the parts the diagnosis offers, the ones that fit the phone first."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from parts.models import Part
from repairs.actions import PartLineInput, amount_due, warranty_covers
from repairs.models import ConsentKind, Quote, RepairType, TicketStatus
from repairs.selectors import parts_for_device
from servicedesk.models import Role
from tests.factories import in_stock
from tests.opening import open_ticket
from tests.tickets import PNG, move

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(staff_of):
    return {"desk": staff_of(Role.FRONT_DESK), "tech": staff_of(Role.TECHNICIAN)}


def _diagnosed(point, people, *, out_of_warranty=True, parts=()):
    ticket = open_ticket(
        point, people["desk"].user, purchase_days_ago=500 if out_of_warranty else 100
    )
    tech = people["tech"].user
    move(ticket, tech, "start_diagnosis")
    labor = RepairType.objects.create(
        point=point, code="SCR", name="更换屏幕总成", labor_fee=Decimal("80.00")
    )
    lines = [PartLineInput(part.pk, 1) for part in parts]
    move(
        ticket,
        tech,
        "diagnose",
        fault_confirmed="屏幕排线断裂",
        repair_type_id=labor.pk,
        parts=lines,
    )
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def glass(point):
    return in_stock(
        Part.objects.create(
            point=point, code="P1", name="X100 屏幕总成", model_name="X100", price=Decimal("620.00")
        )
    )


def test_the_consent_form_shows_the_quote_total_before_the_one_signature_and_both_choices(
    client, point, people, glass
):
    ticket = _diagnosed(point, people, parts=[glass])
    client.force_login(people["desk"].user)
    html = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    form = html[html.index('data-action="approve_quote"') :]
    form = form[: form.index("</form>")]
    assert form.count("signature-pad") == 1
    assert form.index("¥700.00") < form.index("signature-pad")
    assert form.index("X100 屏幕总成") < form.index("signature-pad")
    assert 'value="approve_quote"' in form and 'value="refuse_quote"' in form
    assert 'data-action="refuse_quote"' not in html  # one form, not two
    assert "顾客同意，开始维修" in form and "顾客拒绝，不维修" in form


def test_an_empty_signature_is_marked_on_the_pad_and_the_choice_is_kept(
    client, point, people, glass
):
    ticket = _diagnosed(point, people, parts=[glass])
    client.force_login(people["desk"].user)
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        {"action": "refuse_quote", "version": ticket.version, "consent_kind": "signature"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="js-signature is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert "请顾客在签名框内签名。" in html
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_APPROVAL


def test_a_refusal_by_phone_records_who_took_the_call_and_when(client, point, people, glass):
    ticket = _diagnosed(point, people, parts=[glass])
    desk = people["desk"]
    with time_machine.travel("2026-12-04 06:30:00+00:00", tick=False):
        client.force_login(desk.user)
        response = client.post(
            reverse("repairs:ticket_action", args=[ticket.pk]),
            {"action": "refuse_quote", "version": ticket.version, "consent_kind": "verbal"},
        )
        assert response.status_code == 302
        page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    quote = Quote.objects.get(ticket=ticket)
    assert (quote.consent_kind, quote.verbal_called_by) == (ConsentKind.VERBAL, desk.user)
    assert "电话答复" in page and "口头同意" not in page
    assert "2026-12-04 14:30" in page  # Beijing time


def test_a_signed_approval_starts_the_repair(client, point, people, glass):
    ticket = _diagnosed(point, people, parts=[glass])
    client.force_login(people["desk"].user)
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        {
            "action": "approve_quote",
            "version": ticket.version,
            "consent_kind": "signature",
            "signature": PNG,
        },
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert bytes(Quote.objects.get(ticket=ticket).signature_png).startswith(b"\x89PNG")


def test_in_warranty_the_warranty_line_brings_the_amount_due_to_zero(client, point, people, glass):
    ticket = _diagnosed(point, people, out_of_warranty=False, parts=[glass])
    assert warranty_covers(ticket) == Decimal("700.00")
    assert amount_due(ticket) == Decimal("0.00")
    client.force_login(people["desk"].user)
    html = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    line = html[html.index('data-testid="warranty-line"') :]
    assert "−¥700.00" in line[: line.index("</tr>")]
    assert html.index('data-testid="warranty-line"') < html.index('data-testid="amount-due"')


def test_out_of_warranty_there_is_no_warranty_line(client, point, people, glass):
    ticket = _diagnosed(point, people, parts=[glass])
    assert warranty_covers(ticket) == Decimal("0.00")
    client.force_login(people["desk"].user)
    html = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="warranty-line"' not in html


def test_the_diagnosis_offers_the_parts_that_fit_the_phones_model_first(point, other_point):
    def part(code, name, model="", also=""):
        return in_stock(
            Part.objects.create(
                point=point, code=code, name=name, model_name=model, also_fits=also, price=10
            )
        )

    pro = part("P1", "X100 电池", "X100", "X100 Pro, X100 Lite")
    plain = part("P2", "X200 电池", "X200")
    tray = part("P3", "SIM 卡托（通用）")
    in_stock(
        Part.objects.create(
            point=other_point, code="P1", name="X100 电池", model_name="X100 Pro", price=1
        )
    )
    choices = parts_for_device(point=point, model_name="x100  pro")
    assert choices.fitting == [tray, pro]
    assert choices.others == [plain]


def test_the_diagnosis_form_lists_each_part_once_with_its_price(client, point, people):
    in_stock(
        Part.objects.create(
            point=point,
            code="P1",
            name="X100 电池",
            model_name="X100",
            also_fits="X100 Pro",
            price=129,
        )
    )
    in_stock(Part.objects.create(point=point, code="P2", name="背板", model_name="X200", price=90))
    ticket = open_ticket(point, people["desk"].user)  # an X100 Pro
    move(ticket, people["tech"].user, "start_diagnosis")
    client.force_login(people["tech"].user)
    html = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert "X100 X100" not in html
    assert html.count("X100 电池 ¥129.00") == 3  # once in each of the three part rows
    fits = html.index("适用 X100 Pro")
    assert (
        fits < html.index("X100 电池 ¥129.00") < html.index("其他型号") < html.index("背板 (X200)")
    )
