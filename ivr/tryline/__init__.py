"""Try the line: staff ring the real line from the staff area, with switches a real call
cannot give on demand, and no side effects (see ivr.dryrun). Modules: runner (the
replayed call), clock (the moment that makes the helpline open, closed or on a
holiday), drafts (a staff member's own drafts), views (the page and its JSON)."""
