"""People: the registry's records (participants, names, countries, corridors) and one person's record looked after:
edit it (`edit`), find and merge duplicates (`duplicates`, `merge`), set consent for many people at once
(`consent`), and the team's contact columns for a module (`contacts`)."""
