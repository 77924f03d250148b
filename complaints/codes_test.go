package complaints_test

import (
	"strings"
	"testing"

	"cleancity/complaints"
)

func TestNormalizeCode(t *testing.T) {
	tests := map[string]string{
		"K7M2Q9XR4T":    "K7M2Q9XR4T",
		"k7m2q-9xr4t":   "K7M2Q9XR4T",
		" K7M2 Q9XR 4T": "K7M2Q9XR4T",
		"O0IL1ABCDE":    "00111ABCDE",
		"K7M2Q9XR4":     "",
		"K7M2Q9XR4TT":   "",
		"K7M2Q9XR4U":    "",
		"K7M2Q9XR4$":    "",
		"":              "",
	}
	for in, want := range tests {
		if got := complaints.NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	for range 100 {
		c := complaints.NewTrackingCode()
		if complaints.NormalizeCode(c) != c || complaints.NormalizeCode(strings.ToLower(c)) != c {
			t.Fatalf("generated code %q does not round-trip", c)
		}
	}
}

// FuzzNormalizeCode: tracking codes come from URLs; normalising never
// panics and yields either "" or a canonical code.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"K7M2Q9XR4T", "k7m2q-9xr4t", "", "ÖÖÖÖÖÖÖÖÖÖ", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := complaints.NormalizeCode(s)
		if c == "" {
			return
		}
		if len(c) != complaints.CodeLength || complaints.NormalizeCode(c) != c {
			t.Fatalf("NormalizeCode(%q) = %q is not canonical", s, c)
		}
	})
}

func TestStateMachineTable(t *testing.T) {
	staff := complaints.StaffActions
	want := map[complaints.Status][]complaints.Action{
		complaints.StatusSubmitted:  {complaints.ActionAccept, complaints.ActionReject, complaints.ActionReassign, complaints.ActionMerge},
		complaints.StatusAccepted:   {complaints.ActionStart, complaints.ActionReject, complaints.ActionReassign, complaints.ActionMerge},
		complaints.StatusInProgress: {complaints.ActionResolve, complaints.ActionReassign, complaints.ActionMerge},
		complaints.StatusReopened:   {complaints.ActionStart, complaints.ActionReassign, complaints.ActionMerge},
		complaints.StatusResolved:   nil,
		complaints.StatusClosed:     nil,
		complaints.StatusRejected:   nil,
	}
	for st, w := range want {
		got := complaints.AllowedFrom(st, staff)
		if len(got) != len(w) {
			t.Errorf("%s: %v, want %v", st, got, w)
			continue
		}
		for i := range got {
			if got[i] != w[i] {
				t.Errorf("%s: %v, want %v", st, got, w)
			}
		}
	}
	if complaints.RoleMay(complaints.RoleDepartment, complaints.ActionReassign) || !complaints.RoleMay(complaints.RoleOfficial, complaints.ActionReassign) {
		t.Error("only officials and admins reassign")
	}
	if complaints.RoleMay(complaints.RoleResident, complaints.ActionAccept) || complaints.RoleMay(complaints.RoleDepartment, complaints.ActionConfirm) {
		t.Error("residents do not accept; staff do not confirm")
	}
}
