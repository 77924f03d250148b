package areas

// Collections are every collection the areas store uses (PostgreSQL mode
// creates them all at start).
func Collections() []string { return []string{collAreas, collDepartments, collMeta} }
