"""What every area shares: dates in Morocco's time, positions, tracking codes, model helpers,
the rule errors, idempotent replays and the state machine engine. Areas import from here; this
package imports no area."""
