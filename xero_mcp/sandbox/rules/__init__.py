"""Domain behaviour per entity: validation, totals, status machines, payments, allocations."""
