"""Synthetic SPSS extracts calibrated to the published report (see issue: synthetic extracts).

``counts``: integer counts whose percentages print as published (an integer programme).
"""
