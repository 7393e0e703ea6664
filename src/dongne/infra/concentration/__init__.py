"""Live concentration: online travelers and locals, and recent questions, per area."""
