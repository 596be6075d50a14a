"""Calibration: the targets of the brief, and the commands that fit parameters to them."""
