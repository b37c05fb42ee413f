"""The local-authority dataset of Appendix A: one row per authority of the LA frame (152).

Built from the analysis frames (user-missing codes already missing): the LA frame's type, the LA
attribute file (Ofsted rating, inspection date, looked-after children), who responded, the Cafcass
records, and survey answers combined per authority. ``COLUMNS`` lists every column with its
definition; the value specs measure ``dataset: la`` on this frame.

Combining rules (the report says only that manager and DCS answers were combined):

- **Service facts** (location, in-house, which IROs are employed, caseloads, protocol scope) come
  from the first valid answer among the authority's IRO managers (in respondent-id order), then its
  DCS. The manager runs the service; the DCS answer fills in where no manager answered. Where both
  answered and disagree the manager's answer wins, and ``location_sources_disagree`` flags it.
- **Expectations of IROs** (non-IRO duties and each kind of duty) combine the DCS and the IROs of
  the authority: yes if any of them says yes, no if at least one answered and none said yes. Each
  kind of duty is over all authorities with an answer on non-IRO duties ("in 51% of authorities"),
  so an authority expecting none counts as not expecting that one.
- **Manager's other duties**: yes if any manager of the authority has other duties.
- **Protocol**: the authority has one if any of its IROs or managers knows of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iro_stats.common.errors import IroStatsError

IN_HOUSE = (1, 2, 3, 4, 5)
OUTSOURCED = (6, 7)
# Section 3.1: the recommended caseload is 50-70 looked-after children per FTE IRO.
CASELOAD_LIMIT = 70
# Table A.2 note b: two ratings, Inadequate with Adequate (1) and Good with Outstanding (2).
OFSTED_2LEVEL = {1: 1, 2: 1, 3: 2, 4: 2}

# Service facts: LA column -> (manager variable, DCS variable or None).
FIRST_VALID = {
    "location": ("mgr_location", "dcs_location"),
    "emp_own": ("mgr_emp_own", "dcs_emp_own"),
    "emp_sessional": ("mgr_emp_sessional", "dcs_emp_sessional"),
    "emp_agency": ("mgr_emp_agency", "dcs_emp_agency"),
    "caseload_lac": ("mgr_caseload_lac", "dcs_caseload_lac"),
    "caseload_cp_incl": ("mgr_caseload_cp_incl", "dcs_caseload_cp_incl"),
    "caseload_total": ("mgr_caseload_total", "dcs_caseload_total"),
    "scope_childrens": ("mgr_scope_childrens", None),
    "scope_other_depts": ("mgr_scope_other_depts", None),
    "scope_external": ("mgr_scope_external", None),
}
# Expectations of IROs: LA column -> (DCS variable, IRO variable), yes if any source says yes.
ANY_YES = {
    "nonduties": ("dcs_iro_nonduties", "iro_nonduties"),
    "nonduty_cp": ("dcs_nonduty_cp", "iro_nonduty_cp"),
    "nonduty_reviews": ("dcs_nonduty_reviews", "iro_nonduty_reviews"),
    "nonduty_training": ("dcs_nonduty_training", "iro_nonduty_training"),
    "nonduty_qa": ("dcs_nonduty_qa", "iro_nonduty_qa"),
    "nonduty_complaints": ("dcs_nonduty_complaints", "iro_nonduty_complaints"),
    "nonduty_lado": ("dcs_nonduty_lado", "iro_nonduty_lado"),
}

# the LA columns counted from the Cafcass enquiries (missing where that extract is not supplied)
CAFCASS_ENQUIRY_COLUMNS = ["n_enquiries", "any_enquiry", "n_placement_enquiries"]
COLUMNS = {
    "la_code": "Three-letter code of the LA frame (internal key; never shown beside answers)",
    "la_type": "LA type from the frame (county_council, london_borough, metropolitan_district, unitary)",
    "ofsted_lac": "Ofsted rating of looked-after children services, 1 inadequate .. 4 outstanding",
    "ofsted_2level": "Ofsted rating in two levels (Table A.2 note b): 1 inadequate/adequate, 2 good/outstanding",
    "ofsted_after_apr2011": "Inspected after April 2011 (1) or before (0)",
    "lac_2012": "Number of looked-after children, 2012",
    "n_iro": "IRO respondents from the LA",
    "n_manager": "IRO manager respondents from the LA",
    "n_dcs": "DCS respondents from the LA",
    "responded_iro": "1 if at least one IRO responded",
    "responded_manager": "1 if at least one IRO manager responded",
    "responded_dcs": "1 if the DCS (or a delegate) responded",
    "n_surveys": "Number of the three surveys with a response from the LA (0-3)",
    "responded": "1 if the LA responded to at least one survey",
    "all_three": "1 if the LA responded to all three surveys",
    "single_respondent": "1 if exactly one person from the LA responded",
    "n_enquiries": "Cafcass helpline enquiries from the LA's IROs",
    "any_enquiry": "1 if the LA's IROs made at least one Cafcass enquiry",
    "n_placement_enquiries": "Cafcass enquiries about the child's placement",
    "n_referral_cases": "Cases formally referred to Cafcass (distinct cases)",
    "location": "Location of the IRO service (service_location 1-7): manager, else DCS",
    "location_sources_disagree": "1 if manager and DCS answers on location differ (manager wins)",
    "in_house": "1 if the service is in-house (location 1-5), 0 if outsourced (6-7)",
    "emp_own": "In-house LAs: employs its own IROs (manager, else DCS)",
    "emp_sessional": "In-house LAs: employs sessional IROs (manager, else DCS)",
    "emp_agency": "In-house LAs: employs agency IROs (manager, else DCS)",
    "nonduties": "IROs expected to undertake non-IRO duties (DCS or any IRO says yes)",
    "nonduty_cp": "IROs chair child protection conferences (DCS or any IRO)",
    "nonduty_reviews": "IROs conduct foster carer/adoption/CiN reviews or Reg. 33 visits (DCS or any IRO)",
    "nonduty_training": "IROs train and support social workers (DCS or any IRO)",
    "nonduty_qa": "IROs conduct file audits and QA (DCS or any IRO)",
    "nonduty_complaints": "IROs investigate complaints (DCS or any IRO)",
    "nonduty_lado": "IROs act as LADO (DCS or any IRO)",
    "mgr_other_duties": "An IRO manager of the LA has duties beyond the IRO service",
    "caseload_lac": "Average FTE IRO caseload of looked-after children (manager, else DCS)",
    "caseload_above_limit": "1 if caseload_lac is above the recommended limit of 70 (IRO Handbook: 50-70)",
    "caseload_cp_incl": "IRO caseloads include child protection cases (manager, else DCS)",
    "caseload_total": "Average FTE caseload including child protection cases (manager, else DCS)",
    "protocol": "The LA has a dispute resolution protocol (any IRO or manager aware of it)",
    "scope_childrens": "Protocol applies to children's services (manager)",
    "scope_other_depts": "Protocol applies to other LA departments (manager)",
    "scope_external": "Protocol applies to external agencies (manager)",
}


def _positions(frame: pd.DataFrame, index: dict[str, int]) -> np.ndarray:
    """Each row's position in the LA frame, -1 for a row without an LA code."""
    codes = frame["la_code"].to_numpy(dtype=object, na_value=None)
    return np.fromiter((index.get(c, -1) for c in codes), dtype=np.int64, count=len(codes))


def _values(frame: pd.DataFrame, var: str) -> np.ndarray:
    return frame[var].to_numpy(dtype="float64", na_value=np.nan)


def _count(where: np.ndarray, n_las: int) -> np.ndarray:
    """Per LA: how many rows (positions ``where``) it has."""
    return np.bincount(where[where >= 0], minlength=n_las)


class _Rows:
    """A survey's rows by LA: positions, and the order in which answers are taken (by LA, then
    by respondent id, so that the first row of each LA is its lowest id)."""

    def __init__(self, frame: pd.DataFrame, id_column: str, index: dict[str, int]):
        self.frame, self.n_las = frame, len(index)
        self.pos = _positions(frame, index)
        order = np.argsort(frame[id_column].to_numpy(dtype=object), kind="stable")
        self.order = order[np.argsort(self.pos[order], kind="stable")]

    def first_valid(self, var: str) -> np.ndarray:
        """Per LA: the first valid answer in id order, else missing."""
        values, pos = _values(self.frame, var)[self.order], self.pos[self.order]
        keep = ~np.isnan(values) & (pos >= 0)
        las, first = np.unique(pos[keep], return_index=True)
        out = np.full(self.n_las, np.nan)
        out[las] = values[keep][first]
        return out

    def any_yes(self, var: str) -> np.ndarray:
        """Per LA: 1 if any respondent answered 1, 0 if some answered and none 1, else missing."""
        values = _values(self.frame, var)
        answered = _count(np.where(np.isnan(values), -1, self.pos), self.n_las) > 0
        yes = _count(np.where(values == 1, self.pos, -1), self.n_las) > 0
        return np.where(answered, yes.astype(float), np.nan)


def _any_yes(parts: list[np.ndarray]) -> np.ndarray:
    """Per LA: 1 if any source has a 1, 0 if any has a valid answer and none a 1, else missing."""
    joined = np.column_stack(parts)
    answered = (~np.isnan(joined)).any(axis=1)
    return np.where(answered, (joined == 1).any(axis=1).astype(float), np.nan)


def build(frames: dict[str, pd.DataFrame], la_frame: pd.DataFrame) -> pd.DataFrame:
    """The LA dataset (see the module docstring) from analysis frames and the LA frame."""
    codes = la_frame["la_code"].tolist()
    index = {code: i for i, code in enumerate(codes)}
    for name, frame in frames.items():
        unknown = sorted({c for c in frame["la_code"].to_numpy(dtype=object, na_value=None)
                          if c is not None and c not in index})
        if unknown:
            raise IroStatsError(f"{name}: la_code values not in the LA frame: {unknown[:10]}")
    n = len(codes)
    la: dict[str, np.ndarray] = {}
    attributes = frames["la_attributes"]
    at = _positions(attributes, index)
    for column in ("ofsted_lac", "ofsted_after_apr2011", "lac_2012"):
        la[column] = np.full(n, np.nan)
        la[column][at[at >= 0]] = _values(attributes, column)[at >= 0]
    la["ofsted_2level"] = np.array([OFSTED_2LEVEL.get(r, np.nan) for r in la["ofsted_lac"]])

    iro = _Rows(frames["iro"], "iro_id", index)
    mgr = _Rows(frames["manager"], "mgr_id", index)
    dcs = _Rows(frames["dcs"], "dcs_id", index)
    for survey, rows in (("iro", iro), ("manager", mgr), ("dcs", dcs)):
        la[f"n_{survey}"] = _count(rows.pos, n)
        la[f"responded_{survey}"] = (la[f"n_{survey}"] > 0).astype(int)
    la["n_surveys"] = la["responded_iro"] + la["responded_manager"] + la["responded_dcs"]
    la["responded"] = (la["n_surveys"] > 0).astype(int)
    la["all_three"] = (la["n_surveys"] == 3).astype(int)
    la["single_respondent"] = ((la["n_iro"] + la["n_manager"] + la["n_dcs"]) == 1).astype(int)

    enquiries = frames["cafcass_enquiry"]
    at = _positions(enquiries, index)
    la["n_enquiries"] = _count(at, n)
    la["any_enquiry"] = (la["n_enquiries"] > 0).astype(int)
    la["n_placement_enquiries"] = _count(
        np.where(_values(enquiries, "enq_concern_placement") == 1, at, -1), n)
    referrals = frames["cafcass_referral"]
    cases = set(zip(_positions(referrals, index).tolist(), referrals["ref_case_id"].tolist()))
    la["n_referral_cases"] = _count(np.array([p for p, case in cases if not pd.isna(case)],
                                             dtype=np.int64), n)
    # an optional extract not supplied (no rows): its counts are unknown, not zero
    for extract, columns in (("cafcass_enquiry", CAFCASS_ENQUIRY_COLUMNS),
                             ("cafcass_referral", ["n_referral_cases"])):
        if not len(frames[extract]):
            for column in columns:
                la[column] = np.full(n, np.nan)

    for column, (mgr_var, dcs_var) in FIRST_VALID.items():
        value = mgr.first_valid(mgr_var)
        if dcs_var is not None:
            value = np.where(np.isnan(value), dcs.first_valid(dcs_var), value)
        la[column] = value
    dcs_location, mgr_location = dcs.first_valid("dcs_location"), mgr.first_valid("mgr_location")
    both = ~np.isnan(mgr_location) & ~np.isnan(dcs_location)
    la["location_sources_disagree"] = np.where(both, (mgr_location != dcs_location) * 1.0, np.nan)
    la["in_house"] = np.select([np.isin(la["location"], IN_HOUSE),
                                np.isin(la["location"], OUTSOURCED)], [1.0, 0.0], np.nan)
    for column in ("emp_own", "emp_sessional", "emp_agency"):
        la[column] = np.where(la["in_house"] == 1, la[column], np.nan)
    la["caseload_total"] = np.where(la["caseload_cp_incl"] == 1, la["caseload_total"], np.nan)
    la["caseload_above_limit"] = np.where(np.isnan(la["caseload_lac"]), np.nan,
                                          (la["caseload_lac"] > CASELOAD_LIMIT) * 1.0)

    for column, (dcs_var, iro_var) in ANY_YES.items():
        la[column] = _any_yes([dcs.any_yes(dcs_var), iro.any_yes(iro_var)])
    for column in ANY_YES:   # a duty not expected at all counts as not undertaken
        if column != "nonduties":
            la[column] = np.where(la["nonduties"] == 0, 0.0, la[column])
    la["mgr_other_duties"] = mgr.any_yes("mgr_other_duties")
    la["protocol"] = _any_yes([iro.any_yes("iro_protocol_aware"),
                               mgr.any_yes("mgr_protocol_aware")])
    out = la_frame[["la_code", "la_type"]].reset_index(drop=True)
    return pd.concat([out, pd.DataFrame(la)], axis=1)[list(COLUMNS)]


def attach(frame: pd.DataFrame, la: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Respondent rows with LA-level columns joined on la_code, renamed as ``columns`` says
    (e.g. ``{"location": "la_location"}`` for the models); rows without an LA get missing."""
    pos = _positions(frame, {code: i for i, code in enumerate(la["la_code"].tolist())})
    take, absent = np.maximum(pos, 0), pos < 0
    joined = {}
    for source, target in columns.items():
        column = la[source]
        if pd.api.types.is_numeric_dtype(column):
            values = column.to_numpy(dtype="float64", na_value=np.nan)[take]
            values[absent] = np.nan
        else:
            values = column.to_numpy(dtype=object, na_value=None)[take]
            values[absent] = None
        joined[target] = pd.array(values, dtype=column.dtype if values.dtype == object
                                  else "float64")
    return pd.concat([frame, pd.DataFrame(joined, index=frame.index)], axis=1)
