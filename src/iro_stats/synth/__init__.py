"""Synthetic SPSS extracts calibrated to the published report.

- ``counts``: integer counts whose percentages print as published (an integer programme);
- ``la_structure``: which authorities responded to which survey, with how many respondents;
- ``respondents``: each variable's answers from counts per subgroup, routing and base Ns;
- ``joint``: statistics across several items, by swapping answers between respondents;
- ``la_answers``: the LA dataset's values decided per authority, then written into the manager,
  DCS, IRO and Cafcass rows it combines (and the synthetic ratings and looked-after children);
- ``surveys``: the stages in their order (each with its own random stream), the datasets put
  together and written as labelled .sav files (:mod:`iro_stats.render.sav`);
- ``table_a3``, ``regression`` and ``calibration``: Table A.3's outcomes calibrated last;
- ``scale``: k-times larger surveys for benchmarks.

A client on top of the package: nothing below the commands imports it.
"""
