"""Role-play and working groups: balanced splits with roles, their outputs and their storage."""
