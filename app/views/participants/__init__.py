"""The Participants area: the registry list, the detail panel, and the dialogs around it."""
