"""The Exchange day area: processes of several organisations compared side by side."""
