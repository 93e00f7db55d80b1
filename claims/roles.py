"""The desk's roles as questions about a user: a module that imports nothing of the desk,
so that the row-set rules and the permissions can both ask it.

Roles are Django groups (Reviewer, Editor, Admin; created by a migration) whose
permissions these functions read."""


def active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_reviewer(user) -> bool:
    return active(user) and user.has_perm("claims.change_claim")


def is_editor(user) -> bool:
    return active(user) and user.has_perm("claims.approve_verdict")
