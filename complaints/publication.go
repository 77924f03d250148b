package complaints

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"cleancity/portal/apperr"
)

// The publication rule. A reporter's free text (the description and the
// address) says who and where far too easily: residents type their phone
// number, their flat, a neighbour's name. So no public surface (the track
// page, the public map, the overdue list, Open311, anything exported to the
// public) shows the text as filed. It shows PublicText: the version staff
// approved or redacted, and nothing at all for a case the reporter marked
// private or staff kept private.

// Moderation is where a case's free text is in the moderation queue.
type Moderation string

// The moderation states. A case stored before moderation existed has ""
// and is treated as pending.
const (
	ModerationPending  Moderation = "pending"
	ModerationApproved Moderation = "approved"
	ModerationWithheld Moderation = "withheld"
)

// Publication is the public version of a case's free text and who decided it.
type Publication struct {
	State Moderation
	// Description and Address are the approved text (Redacted: edited by
	// staff before approval).
	Description string
	Address     string
	Redacted    bool
	By          string
	At          time.Time
}

// Public is the free text a public surface may show for a case.
type Public struct {
	Description string
	Address     string
}

// PublicText is the one publication rule: the approved or redacted text of
// a case, and false when there is none to show (pending moderation, kept
// private by staff, or marked private by the reporter, whatever staff did).
func PublicText(c *Complaint) (Public, bool) {
	if c == nil || c.Private || c.Publication.State != ModerationApproved {
		return Public{}, false
	}
	return Public{Description: c.Publication.Description, Address: c.Publication.Address}, true
}

// PublicationState is what the public may be told about the text: approved,
// pending, withheld or private (the reporter's choice).
func PublicationState(c *Complaint) string {
	switch {
	case c.Private:
		return "private"
	case c.Publication.State == "":
		return string(ModerationPending)
	}
	return string(c.Publication.State)
}

// AwaitsModeration reports whether c belongs in the moderation queue.
func AwaitsModeration(c *Complaint) bool {
	return !c.Private && (c.Publication.State == "" || c.Publication.State == ModerationPending)
}

// ModerationDecision is a moderator's answer.
type ModerationDecision string

// The decisions: publish the text as filed, publish an edited (redacted)
// version, or keep the text private.
const (
	DecisionApprove  ModerationDecision = "approve"
	DecisionRedact   ModerationDecision = "redact"
	DecisionWithhold ModerationDecision = "withhold"
)

// ModerateInput is a moderation decision on one case.
type ModerateInput struct {
	Decision ModerationDecision
	// Description and Address are the redacted text (DecisionRedact only;
	// an empty address publishes none).
	Description string
	Address     string
	// Version is the version the moderator saw; another one is ErrStale.
	Version int
}

// ErrPrivateCase refuses moderation of a case the reporter marked private.
var ErrPrivateCase = apperr.New(apperr.Conflict, "the reporter asked to keep this text private; it cannot be published")

// Moderate records a decision on a case's public text. Officials (in
// their district) and admins moderate; a private case cannot be published.
// A decision may be changed later (a published text withdrawn, a withheld
// one redacted and approved).
func (s *Service) Moderate(ctx context.Context, actor Actor, id string, in ModerateInput) (*Complaint, error) {
	p := map[string]string{}
	in.Description = strings.TrimSpace(in.Description)
	in.Address = strings.TrimSpace(in.Address)
	switch in.Decision {
	case DecisionApprove, DecisionWithhold:
		if in.Description != "" || in.Address != "" {
			p["description"] = "only a redaction carries text"
		}
	case DecisionRedact:
		if n := utf8.RuneCountInString(in.Description); n < 1 || n > 4000 || !PlainText(in.Description) {
			p["description"] = "between 1 and 4000 characters of plain text"
		}
		if utf8.RuneCountInString(in.Address) > 200 || !PlainText(in.Address) {
			p["address"] = "at most 200 characters of plain text"
		}
	default:
		p["decision"] = "one of approve, redact, withhold"
	}
	if len(p) > 0 {
		return nil, invalid(p)
	}
	if !RoleMay(actor.Role, ActionModerate) {
		return nil, apperr.New(apperr.Forbidden, "your role may not do this action")
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inScope(c, actor) {
		return nil, ErrOutOfScope
	}
	if in.Version != c.Version {
		e := *ErrStale
		e.Details = map[string]any{"version": c.Version}
		return nil, &e
	}
	if c.Private && in.Decision != DecisionWithhold {
		return nil, ErrPrivateCase
	}
	next := c.clone()
	pub := Publication{State: ModerationApproved, By: actor.Name, At: s.now()}
	switch in.Decision {
	case DecisionApprove:
		pub.Description, pub.Address = c.Description, c.Address
	case DecisionRedact:
		pub.Description, pub.Address, pub.Redacted = in.Description, in.Address, true
	case DecisionWithhold:
		pub.State = ModerationWithheld
	}
	next.Publication = pub
	// The note names the decision, never the text: events are read by
	// consumers that must not hold unpublished text.
	ev := Event{ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: ActionModerate, Note: string(in.Decision)}
	return s.apply(ctx, c, next, ev)
}

// ModerationQueue returns the oldest cases in the actor's scope whose text
// awaits a decision (never private ones), at most limit.
func (s *Service) ModerationQueue(ctx context.Context, actor Actor, limit int) ([]*Complaint, error) {
	if !RoleMay(actor.Role, ActionModerate) {
		return nil, apperr.New(apperr.Forbidden, "your role may not do this action")
	}
	if limit <= 0 || limit > MaxPage {
		limit = 50
	}
	f := Filter{AwaitingModeration: true, Sort: "filed_at", Limit: limit}
	page, err := s.List(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}
