package portal_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"cleancity/portal"
	"cleancity/portal/portaltest"
	"cleancity/portal/store"
)

// TestCollectionsNamesEveryCollection: every collection the portal creates
// while it seeds, files (by the web form and by Open311 into triage), joins
// and records staff actions is in portal.Collections, which PostgreSQL mode
// creates before any process starts. A collection missing from the list
// would be invisible to a second portal process whose FerretDB read its
// catalogue before the first process created it.
func TestCollectionsNamesEveryCollection(t *testing.T) {
	srv := newCityServer(t, portaltest.WithDemo())
	filed := mustFileHTTP(t, srv, "", nil)
	id, _ := filed["id"].(string)
	if resp := srv.PostJSON("/api/v1/complaints/"+id+"/join", "", map[string]any{}); resp.Status >= 500 {
		t.Fatalf("join: %d %s", resp.Status, resp.Body)
	}
	form := url.Values{"api_key": {"demo"}, "service_code": {"garbage"}, "address_string": {"解放路88号门口"}, "description": {"门口垃圾"}}
	if resp := srv.Do(portaltest.Request{Method: http.MethodPost, Path: "/open311/v2/requests.json", Body: []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded"}); resp.Status != http.StatusCreated {
		t.Fatalf("open311 triage filing: %d %s", resp.Status, resp.Body)
	}
	admin := srv.Token(t, portal.RoleAdmin, "")
	if resp := srv.Get("/api/v1/complaints/"+id, admin); resp.Status != http.StatusOK {
		t.Fatalf("staff read: %d", resp.Status)
	}
	names, err := srv.Store().DB.ListCollectionNames(t.Context(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	known := append(portal.Collections(), store.SecretsCollection)
	for _, n := range names {
		if !slices.Contains(known, n) {
			t.Errorf("collection %q is created but not in portal.Collections", n)
		}
	}
	if len(names) < 10 {
		t.Errorf("only %d collections: %v", len(names), names)
	}
}
