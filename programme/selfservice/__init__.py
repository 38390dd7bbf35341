"""Forms participants fill in themselves, through a link without signing in: registration with consent, and the
module's evaluation. links (open, close, list, find by token), labels (the forms' words per language),
registration, evaluation, checkin (the optional daily check-in with a personal code), submissions (one per browser
session, a rate per client, size limits, audit, void), changes and undo (what a registration changed, and voiding
it undoes exactly that), forget (what erasing a person clears here),
qr (the link's QR code, drawn offline)."""
