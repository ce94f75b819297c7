"""scheduler: a procurement scheduling optimiser on OR-Tools CP-SAT."""
