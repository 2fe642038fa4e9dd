"""auditkit: audit ML models against a fairness and explainability policy."""
