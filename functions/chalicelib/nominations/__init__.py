"""Host nominations: organisations offer to host a future event; organisers shortlist, accept
or decline, and the nominee hears by email."""
