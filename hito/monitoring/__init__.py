"""Monitoring for the committee: indicators defined once as data, computed the same way on both
nodes from what the user may see, with thresholds that alert supervisors; forecasts; the
briefing."""
