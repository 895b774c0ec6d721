"""The one family of refused actions. Every service that refuses a move (wrong state, wrong role
for this step, a stale form) raises an ``ActionRefused``; its message is for the user. A view shows
it on its form (``servicedesk.forms.apply_errors``), or else one middleware shows it as a message
on the page the user came from (``servicedesk.middleware.RefusedActionMiddleware``)."""

from __future__ import annotations


class ActionRefused(Exception):
    """An action that the current state, the actor's role or a stale form does not allow."""


class ConflictError(ActionRefused):
    """The record changed since the form was shown (optimistic concurrency)."""
