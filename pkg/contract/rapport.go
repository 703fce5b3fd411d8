package contract

// Rapport returns the catalogue of every event the product publishes. Each
// context lists its entries in its own file of this package.
func Rapport() *Catalogue {
	var all []Entry
	all = append(all, contactEntries()...)
	all = append(all, trainingEntries()...)
	return MustNew(all...)
}
