// Package party holds the contact service's domain: organisations and people
// (both "parties"), the rules that keep them valid, and the pure operations the
// service builds on: normalising phones, emails and tax codes, folding
// Vietnamese text for search, finding duplicate keys, diffing for the change
// history and merging duplicates.
//
// Nothing here does I/O; every rule is a function of its arguments so it can be
// table-tested without a database.
package party
