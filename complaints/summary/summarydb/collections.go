package summarydb

// Collections are every collection this store uses (PostgreSQL mode
// creates them all at start).
func Collections() []string {
	return []string{DaysCollection, OpenCollection, MetaCollection, QueueCollection, LeasesCollection}
}
