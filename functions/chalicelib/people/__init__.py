"""People: everything held about one person, exported on request or erased."""
