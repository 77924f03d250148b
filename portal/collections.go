package portal

import (
	"cleancity/complaints/complaintdb"
	"cleancity/complaints/summary/summarydb"
	"cleancity/portal/areas"
	"cleancity/portal/audit"
	"cleancity/portal/auth"
	"cleancity/portal/open311"
	"cleancity/survey/surveydb"
)

// Collections are every collection the portal and its commands use. In
// PostgreSQL mode store.Open creates them all before the portal starts, so
// no process ever meets a collection another one created after it read
// FerretDB's catalogue (see portal/store/postgresql.go).
func Collections() []string {
	var out []string
	for _, part := range [][]string{areas.Collections(), auth.Collections(), complaintdb.Collections(),
		summarydb.Collections(), surveydb.Collections(), {open311.KeysCollection, audit.Collection}} {
		out = append(out, part...)
	}
	return out
}
