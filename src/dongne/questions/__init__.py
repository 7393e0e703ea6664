"""Questions, answers, their rooms, accepting and points."""
