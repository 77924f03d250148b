package auth

// Collections are every collection the auth store uses (PostgreSQL mode
// creates them all at start).
func Collections() []string { return []string{collUsers, collSessions, collLimits, collUsed} }
