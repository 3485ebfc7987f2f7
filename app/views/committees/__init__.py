"""The Committees area: follow-up committees, their plan, meetings, indicators and review."""
