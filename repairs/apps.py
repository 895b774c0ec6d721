from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self):
        from repairs import subscribers, transitions
        from repairs.actions import commands
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
        # The ticket's machine takes its rows from the table of commands (see its docstring).
        transitions.MACHINE.load(commands.TRANSITIONS)
