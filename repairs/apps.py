import datetime as dt
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self):
        from parts.services import stock
        from repairs import subscribers
        from servicedesk import navigation
        from servicedesk.models import Role

        navigation.register(
            "repairs:ticket_list",
            _("Repair records"),
            [
                Role.FRONT_DESK,
                Role.TECHNICIAN,
                Role.SUPERVISOR,
                Role.SERVICE_MANAGER,
                Role.REGIONAL_CENTER,
            ],
            order=15,
        )
        navigation.register(
            "repairs:technician_queue",
            _("Workshop"),
            [Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER],
            order=20,
            menu=[Role.TECHNICIAN],
        )
        navigation.register(
            "repairs:pickup",
            _("Pickup"),
            [Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER],
            order=25,
            menu=[Role.FRONT_DESK],
        )
        navigation.register(
            "repairs:cash_up",
            _("Cash-up"),
            [Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER],
            order=27,
            menu=[],
        )
        # Under "More": the technician's home lists the tickets waiting for parts.
        navigation.register(
            "repairs:stock_list",
            _("Parts stock"),
            [
                Role.FRONT_DESK,
                Role.TECHNICIAN,
                Role.SUPERVISOR,
                Role.SERVICE_MANAGER,
                Role.REGIONAL_CENTER,
            ],
            order=28,
            menu=[],
        )
        subscribers.subscribe()
        stock.waiting_tickets_register(_WaitingTickets())


class _WaitingTickets:
    """The parts app's view of the tickets waiting for a delivery (``WaitingTickets``)."""

    def lock(self, *, point_id: int, part_id: int) -> list[Any]:
        from repairs.actions.base import waiting_tickets_lock

        return waiting_tickets_lock(point_id=point_id, part_id=part_id)

    def resume_if_covered(self, *, ticket: Any, actor: Any, now: dt.datetime) -> bool:
        from repairs.actions.base import ticket_resume_if_covered

        return ticket_resume_if_covered(ticket=ticket, actor=actor, now=now)
