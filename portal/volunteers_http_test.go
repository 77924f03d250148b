package portal_test

import (
	"context"
	"encoding/json"
	"testing"

	"cleancity/portal"
	"cleancity/portal/auth"
	"cleancity/portal/portaltest"
)

// TestVolunteerPicker: officials list the enabled volunteer accounts
// (username and display name, nothing else); disabled accounts and other
// roles are left out, ?q narrows, and only officials and admins may ask.
func TestVolunteerPicker(t *testing.T) {
	srv := portaltest.NewServer(t)
	a := srv.CreateUser(t, "vol-a", portal.RoleVolunteer, "")
	srv.CreateUser(t, "vol-b", portal.RoleVolunteer, "")
	off := srv.CreateUser(t, "vol-off", portal.RoleVolunteer, "")
	srv.CreateUser(t, "res-1", portal.RoleResident, "")
	yes := true
	admin := srv.CreateUser(t, "boss", portal.RoleAdmin, "")
	if _, err := srv.Auth.UpdateUser(context.Background(), admin.ID, off.ID, auth.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	name := "王小明"
	if _, err := srv.Auth.UpdateUser(context.Background(), admin.ID, a.ID, auth.UserUpdate{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	official := srv.Token(t, portal.RoleOfficial, "")
	r := srv.Get("/api/v1/volunteers", official)
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var got struct {
		Volunteers []map[string]any `json:"volunteers"`
		Truncated  bool             `json:"truncated"`
	}
	if err := json.Unmarshal(r.Body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Volunteers) != 2 || got.Volunteers[0]["username"] != "vol-a" || got.Volunteers[0]["display_name"] != "王小明" ||
		got.Volunteers[1]["username"] != "vol-b" || got.Truncated {
		t.Fatalf("volunteers: %s", r.Body)
	}
	for _, v := range got.Volunteers {
		if len(v) > 2 {
			t.Errorf("more than username and display name leave the server: %v", v)
		}
	}
	if r := srv.Get("/api/v1/volunteers?q=vol-b", official); portaltest.Lookup(r.JSON(t), "volunteers.0.username") != "vol-b" ||
		portaltest.Lookup(r.JSON(t), "volunteers.1") != nil {
		t.Errorf("q=vol-b: %s", r.Body)
	}
	for _, tc := range []struct {
		token  string
		status int
	}{
		{srv.Token(t, portal.RoleVolunteer, ""), 403},
		{srv.Token(t, portal.RoleResident, ""), 403},
		{"", 401},
	} {
		if r := srv.Get("/api/v1/volunteers", tc.token); r.Status != tc.status {
			t.Errorf("status %d, want %d", r.Status, tc.status)
		}
	}
	if r := srv.Get("/api/v1/volunteers?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", official); r.Status != 400 {
		t.Errorf("a 69-character q: status %d, want 400", r.Status)
	}
}
