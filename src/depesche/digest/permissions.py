"""Who may do what with a Wochenrückblick in the admin (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from wagtail.permission_policies import ModelPermissionPolicy


class DigestPermissionPolicy(ModelPermissionPolicy):
    """Digests are made by `depesche digest build` and the worker, never with "Add" (a digest
    needs its week's period and topics), so nobody has the "add" permission here. Approving
    is the separate permission `digest.approve_digest`."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action != "add" and bool(super().user_has_permission(user, action))

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        allowed = [action for action in actions if action != "add"]
        return bool(allowed) and bool(super().user_has_any_permission(user, allowed))
