package complaints

import (
	"slices"
)

// Action is something that may happen to a complaint.
type Action string

// The actions. Staff send accept, start, resolve, reject, reassign and
// merge; reporters confirm or reopen (feedback) and anyone may join; the
// system files, issues notices, publishes and closes unanswered resolutions.
const (
	ActionFile      Action = "file"
	ActionAccept    Action = "accept"
	ActionStart     Action = "start"
	ActionResolve   Action = "resolve"
	ActionReject    Action = "reject"
	ActionReassign  Action = "reassign"
	ActionMerge     Action = "merge"
	ActionJoin      Action = "join"
	ActionConfirm   Action = "confirm"
	ActionReopen    Action = "reopen"
	ActionNotice    Action = "notice"
	ActionPublish   Action = "publish"
	ActionAutoClose Action = "auto_close"
	// ActionModerate decides the public version of the case's text.
	ActionModerate Action = "moderate"
	// ActionConfirmContact records the reporter's confirmation of the
	// contact given with the filing; ActionEraseContact the retention
	// sweep's deletion of it. Neither shows in the public history.
	ActionConfirmContact Action = "confirm_contact"
	ActionEraseContact   Action = "erase_contact"
)

// StaffActions are the actions of POST /complaints/{id}/actions.
var StaffActions = []Action{ActionAccept, ActionStart, ActionResolve, ActionReject, ActionReassign, ActionMerge}

// transition is one row of the state machine: from which statuses an action
// may run, where it leads ("" keeps the status) and who may send it.
type transition struct {
	from  []Status
	to    Status
	roles []Role
}

var (
	staffRoles    = []Role{RoleDepartment, RoleOfficial, RoleAdmin}
	officialRoles = []Role{RoleOfficial, RoleAdmin}
	reporterRoles = []Role{RoleReporter, RoleResident}
	joinRoles     = []Role{RoleAnonymous, RoleResident, RoleVolunteer, RoleReporter, RoleDepartment, RoleOfficial, RoleAdmin}
	systemRoles   = []Role{RoleSystem}
)

// machine is the complete state machine. Nothing changes a complaint's
// status except through a row of this table.
var machine = map[Action]transition{
	ActionAccept:         {from: []Status{StatusSubmitted}, to: StatusAccepted, roles: staffRoles},
	ActionStart:          {from: []Status{StatusAccepted, StatusReopened}, to: StatusInProgress, roles: staffRoles},
	ActionResolve:        {from: []Status{StatusInProgress}, to: StatusResolved, roles: staffRoles},
	ActionReject:         {from: []Status{StatusSubmitted, StatusAccepted}, to: StatusRejected, roles: staffRoles},
	ActionReassign:       {from: OpenStatuses, to: StatusSubmitted, roles: officialRoles},
	ActionMerge:          {from: OpenStatuses, to: StatusRejected, roles: staffRoles},
	ActionJoin:           {from: OpenStatuses, roles: joinRoles},
	ActionConfirm:        {from: []Status{StatusResolved}, to: StatusClosed, roles: reporterRoles},
	ActionReopen:         {from: []Status{StatusResolved}, to: StatusReopened, roles: reporterRoles},
	ActionNotice:         {from: OpenStatuses, roles: systemRoles},
	ActionPublish:        {from: OpenStatuses, roles: systemRoles},
	ActionAutoClose:      {from: []Status{StatusResolved}, to: StatusClosed, roles: systemRoles},
	ActionModerate:       {from: Statuses, roles: officialRoles},
	ActionConfirmContact: {from: Statuses, roles: reporterRoles},
	ActionEraseContact:   {from: []Status{StatusClosed, StatusRejected}, roles: systemRoles},
}

// Target returns the status an action leads to from status from ("" when
// the action keeps the status).
func Target(a Action, from Status) Status {
	t := machine[a]
	if t.to == "" {
		return from
	}
	return t.to
}

// AllowedFrom lists the actions in candidates that the state machine allows
// from status s, in the order given.
func AllowedFrom(s Status, candidates []Action) []Action {
	var out []Action
	for _, a := range candidates {
		if slices.Contains(machine[a].from, s) {
			out = append(out, a)
		}
	}
	return out
}

// RoleMay reports whether role r may send action a at all.
func RoleMay(r Role, a Action) bool {
	return slices.Contains(machine[a].roles, r)
}

// Allowed lists the staff actions the actor may send on c now: allowed from
// c's status, for the actor's role, within the actor's scope.
func Allowed(c *Complaint, actor Actor) []Action {
	if !inScope(c, actor) {
		return nil
	}
	var out []Action
	for _, a := range AllowedFrom(c.Status, StaffActions) {
		if RoleMay(actor.Role, a) {
			out = append(out, a)
		}
	}
	return out
}

// inScope reports whether staff may touch the case: department staff only
// their department's cases, a district official only the district's.
func inScope(c *Complaint, actor Actor) bool {
	switch actor.Role {
	case RoleDepartment:
		return actor.Scope != "" && actor.Scope == c.Department
	case RoleOfficial:
		return actor.Scope == "" || actor.Scope == c.Place.DistrictID
	case RoleAdmin, RoleSystem:
		return true
	}
	return false
}

// CanSee reports whether the actor may read the case's staff view: staff in
// scope, and the reporter's own account.
func CanSee(c *Complaint, actor Actor) bool {
	if actor.Role == RoleResident || actor.Role == RoleVolunteer {
		return actor.ID != "" && actor.ID == c.ReporterID
	}
	return inScope(c, actor)
}
