"""Forms participants fill in themselves, through a link without signing in: registration with consent, and the
module's evaluation. links (open, close, list, find by token), labels (the forms' words per language),
registration, evaluation, checkin (the optional daily check-in with a personal code), submissions (one per browser
session, a rate per client, size limits, audit, void),
qr (the link's QR code, drawn offline)."""
