"""Readership: the cookie-less view counter (daily and hourly counts) and "Meistgelesen".

Directly above newsroom: the Wochenrückblick (digest) ranks with its daily counts, and the page
templates show its "Meistgelesen" box. Nothing here knows a reader: see README, "View counter"."""
