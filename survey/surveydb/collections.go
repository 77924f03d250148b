package surveydb

// Collections are every collection this store uses (PostgreSQL mode
// creates them all at start).
func Collections() []string {
	return []string{CollQuestionnaires, CollRounds, CollAssignments, CollResponses, CollActivity,
		CollTallies, CollTallyPending, CollTallyLocks}
}
