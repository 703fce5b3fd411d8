package contract

// contactEntries are the events of the contact context.
func contactEntries() []Entry { return nil }
