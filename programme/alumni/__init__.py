"""The alumni area: directory search, profiles and consent, networks, trainers, outcomes, corridors."""
