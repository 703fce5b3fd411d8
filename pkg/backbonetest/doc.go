// Package backbonetest proves the event backbone end to end with a small
// test-only service, "ledger": an HTTP request records an entry and its
// event in one transaction, the outbox relay publishes it, and an idempotent
// consumer writes an effect row. It has no product code; everything is in
// its tests.
package backbonetest
