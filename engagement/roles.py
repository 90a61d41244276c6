"""Who may do what with events (SPEC §1), in one place for the pages, the API and the admin.

Officers read events (to see who is coming and to invite businesses); organisers run them.
The growth group and the public never see registrations."""

from core import roles

EVENT_READERS: tuple[str, ...] = (roles.OFFICER, roles.ORGANISER)
EVENT_WRITERS: tuple[str, ...] = (roles.ORGANISER,)
