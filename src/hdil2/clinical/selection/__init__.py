"""Patient selection: the patient record, eligibility, screening and the prognostic and
predictive models (``models``)."""
