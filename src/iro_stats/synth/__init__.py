"""Synthetic SPSS extracts calibrated to the published report.

- ``counts``: integer counts whose percentages print as published (an integer programme);
- ``la_structure``: which authorities responded to which survey, with how many respondents;
- ``respondents``: each variable's answers from counts per subgroup, routing and base Ns;
- ``joint``: statistics across several items, by swapping answers between respondents;
- ``la_answers``: the LA dataset's values decided per authority, then written into the manager,
  DCS, IRO and Cafcass rows it combines (and the synthetic ratings and looked-after children);
- ``surveys``: the datasets put together; ``sav``: written as labelled .sav files.
"""
