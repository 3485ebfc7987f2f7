"""Vote screens: ballot entry, kiosk and the votes area."""
