"""Each complaint stage move as one command (rules#complaints stages): its form, the typed input
the form gives, the service that makes the move and the partial that draws the step (the form's
``partial``), registered on the action of its row in ``complaints.transitions``.

Adding a step: a form (``StageForm[TheInput]`` with ``to_input``, and its own ``partial`` if the
shared card does not fit), an input dataclass and a service in ``complaints.services.stages``, a
transition row, and one entry here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from complaints import services
from complaints.forms import ClarifyForm, NoteStageForm, ProposeForm, ResolveForm, StageForm
from complaints.models import Complaint

if TYPE_CHECKING:
    from servicedesk.types import Actor

InputT = TypeVar("InputT")
InputT_contra = TypeVar("InputT_contra", contravariant=True)


class StageService(Protocol[InputT_contra]):
    def __call__(
        self,
        *,
        complaint: Complaint,
        actor: Actor,
        data: InputT_contra,
        version: int | None = None,
        now: dt.datetime | None = None,
    ) -> Complaint: ...


@dataclass(frozen=True)
class StageCommand(Generic[InputT]):
    form: type[StageForm[InputT]]
    service: StageService[InputT]

    @property
    def partial(self) -> str:
        """The template drawing the step (its form's ``partial``)."""
        return self.form.partial

    def submit(self, form: StageForm[InputT], *, complaint: Complaint, actor: Actor) -> Complaint:
        """Make the move with what ``form`` (valid) holds, as of the version it was shown with."""
        return self.service(
            complaint=complaint,
            actor=actor,
            data=form.to_input(),
            version=form.cleaned_data["version"],
        )


STAGE_COMMANDS: dict[str, StageCommand[Any]] = {
    "clarify": StageCommand(ClarifyForm, services.complaint_clarify),
    "propose": StageCommand(ProposeForm, services.complaint_propose),
    "resolve": StageCommand(ResolveForm, services.complaint_resolve),
    "follow_up": StageCommand(NoteStageForm, services.complaint_follow_up),
    "close": StageCommand(NoteStageForm, services.complaint_close),
}
