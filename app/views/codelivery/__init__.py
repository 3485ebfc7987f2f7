"""Co-delivery in the window: volunteers, missions, time sheets, the value of citizen time."""
