"""The organization's own details (§7(2)): contact fields, change requests for the corporate
name and representative that staff decide; and the staff's deletion of the accounts of a
trial-only organization (`trial`, §7(5))."""
