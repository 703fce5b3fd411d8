package party

import "github.com/google/uuid"

// ValidID reports whether id is a party id in the one form this service
// writes and reads: 36 characters, lower- or upper-case hex with dashes.
// The braced, bare and urn: forms that uuid.Validate also accepts are
// refused, because Postgres does not read them all.
func ValidID(id string) bool { return len(id) == 36 && uuid.Validate(id) == nil }
