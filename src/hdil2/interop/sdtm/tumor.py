"""TU (Tumor/Lesion Identification) and TR (Tumor/Lesion Results): the lesions followed and
their measurements on each scan.

TU holds one row per lesion (``TUTESTCD`` ``TUMIDENT``): ``TULNKID`` the registry's lesion id
(``T01``, ``NT01``, ``N01``), ``TUORRES`` = ``TUSTRESC`` ``TARGET``, ``NON-TARGET`` or ``NEW``,
``TULOC`` the organ, and the scan it was first seen on (``TUMETHOD``, ``VISITNUM``, ``VISIT``,
``TUDTC``).

TR holds one row per diameter measured: ``LDIAM`` (longest diameter), ``SAXIS`` (short axis,
lymph nodes) and ``LPERP`` (longest perpendicular, the WHO and NCI bidimensional criteria), in
mm; a lesion without a diameter on a scan gets one ``TUMSTATE`` (Tumor State) row with its
status: ``PRESENT``, ``ABSENT``, ``UNEQUIVOCAL PROGRESSION``, ``NOT EVALUABLE`` or ``TOO SMALL TO
MEASURE``. ``TRLNKID`` links a TR row to its TU lesion.
"""

from __future__ import annotations

from typing import Any

from hdil2.interop.sdtm.common import Row, decimal_text, iso_date, number, subject_id

KINDS = {"target": "TARGET", "non-target": "NON-TARGET", "new": "NEW"}
METHODS = {"ct": "CT SCAN", "mri": "MRI", "pet_ct": "PET/CT SCAN", "xray": "X-RAY",
           "caliper": "CALIPER", "ultrasound": "ULTRASOUND"}
DIAMETERS = (("longest_mm", "LDIAM", "Longest Diameter"),
             ("short_axis_mm", "SAXIS", "Short Axis"),
             ("perpendicular_mm", "LPERP", "Longest Perpendicular"))
STATES = {"present": "PRESENT", "absent": "ABSENT",
          "unequivocal_progression": "UNEQUIVOCAL PROGRESSION",
          "not_evaluated": "NOT EVALUABLE", "too_small": "TOO SMALL TO MEASURE"}


def method(modality: str) -> str:
    """The SDTM method of a scan's modality; a modality not recorded (a scan imported from
    files that name none) is written empty, an unknown one is an error."""
    return METHODS[modality] if modality else ""


def _visit(scan: dict[str, Any]) -> tuple[int, str]:
    return scan["visitnum"], (scan.get("label") or "").upper()


def tu_rows(patient: dict[str, Any], study: str) -> list[Row]:
    """One TU row per lesion, by the scan it was first seen on and its id."""
    subj = subject_id(patient, study)
    scans = {s["key"]: s for s in patient.get("scans", ())}
    out: list[Row] = []
    lesions = sorted(patient.get("lesions", ()),
                     key=lambda les: (scans[les["first_scan"]]["visitnum"]
                                      if les.get("first_scan") in scans else 0,
                                      les["lesion_id"]))
    for les in lesions:
        scan = scans.get(les.get("first_scan"))
        visitnum, visit = _visit(scan) if scan else (None, "")
        kind = KINDS[les["kind"]]
        out.append({
            "STUDYID": study, "DOMAIN": "TU", "USUBJID": subj, "TULNKID": les["lesion_id"],
            "TUTESTCD": "TUMIDENT", "TUTEST": "Tumor Identification", "TUORRES": kind,
            "TUSTRESC": kind, "TULOC": (les.get("organ") or "").upper(),
            "TUMETHOD": method(scan["modality"]) if scan else "", "TUEVAL": "INVESTIGATOR",
            "VISITNUM": visitnum, "VISIT": visit,
            "TUDTC": iso_date(scan["date"], "scanned_on") if scan else ""})
    return out


def tr_rows(patient: dict[str, Any], study: str) -> list[Row]:
    """The TR rows: each lesion's diameters (or state) on each scan, by scan and lesion."""
    subj = subject_id(patient, study)
    scans = {s["key"]: s for s in patient.get("scans", ())}
    out: list[Row] = []
    measured = sorted(patient.get("measurements", ()),
                      key=lambda m: (scans[m["scan"]]["visitnum"], m["lesion"]))
    for m in measured:
        scan = scans[m["scan"]]
        visitnum, visit = _visit(scan)
        common = {"STUDYID": study, "DOMAIN": "TR", "USUBJID": subj, "TRLNKID": m["lesion"],
                  "TRMETHOD": method(scan["modality"]), "TREVAL": "INVESTIGATOR",
                  "VISITNUM": visitnum, "VISIT": visit,
                  "TRDTC": iso_date(scan["date"], "scanned_on")}
        diameters = [(code, name, number(m.get(field), field))
                     for field, code, name in DIAMETERS if m.get(field) is not None]
        if m["status"] == "present" and diameters:
            for code, name, mm in diameters:
                text = decimal_text(mm, code)
                out.append({**common, "TRTESTCD": code, "TRTEST": name, "TRORRES": text,
                            "TRORRESU": "mm", "TRSTRESC": text, "TRSTRESN": mm,
                            "TRSTRESU": "mm"})
        else:
            state = STATES[m["status"]]
            out.append({**common, "TRTESTCD": "TUMSTATE", "TRTEST": "Tumor State",
                        "TRORRES": state, "TRORRESU": "", "TRSTRESC": state,
                        "TRSTRESN": None, "TRSTRESU": ""})
    return out
