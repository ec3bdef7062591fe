"""huankuan: compliance-first debt collection."""
