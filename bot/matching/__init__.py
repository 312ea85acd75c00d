"""Partner matching: a partner's match on a live project, its rules (rules.py) and how it is
stored (queries.py); below the catalogue and the ledger, which both count it in progress."""
