"""[17] "Answered before": answered questions that ask the same thing nearby."""
