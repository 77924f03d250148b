package complaints

import (
	"context"
	"errors"
	"time"

	"cleancity/portal/apperr"
)

// The triage queue. A filing whose place nobody can tell from what the
// reporter gave (an Open311 address_string naming no community of the city)
// is not refused: it waits in the queue with its tracking code, and the
// hotline operator places it (a community, or a point on the map). Placing
// files it as a case with that code, routed like any other, its due time
// counted from the placement (no department could work on it before).

// Intake is a filing waiting to be placed.
type Intake struct {
	ID          string
	Category    string
	Description string
	Address     string
	Contact     Contact
	Attributes  map[string]string
	Source      string
	Private     bool
	MediaURL    string
	FiledAt     time.Time
	// Filer is who filed it; the case's first event names them.
	Filer Actor
	// Hint is what the address did name (a district or street), to start
	// the operator's choice.
	Hint Place
}

// IntakeStore keeps the triage queue.
type IntakeStore interface {
	// CreateIntake stores a filing to place; a taken id is ErrCodeTaken.
	CreateIntake(ctx context.Context, it *Intake) error
	// Intake returns one; an unknown id is ErrNotFound.
	Intake(ctx context.Context, id string) (*Intake, error)
	// Intakes returns the queue, oldest first, at most limit.
	Intakes(ctx context.Context, limit int) ([]*Intake, error)
	// DeleteIntake removes a placed one (no error when it is gone).
	DeleteIntake(ctx context.Context, id string) error
}

// ErrAlreadyPlaced answers placing a filing someone else placed first.
var ErrAlreadyPlaced = apperr.New(apperr.Conflict, "this report has already been placed")

// mayTriage: the hotline works for the whole city (city-wide officials and admins).
func mayTriage(actor Actor) bool {
	return actor.Role == RoleAdmin || actor.Role == RoleOfficial && actor.Scope == ""
}

// FileUnplaced validates a filing that names no place the city knows and
// puts it in the triage queue under a new tracking code. Everything but
// the place is checked as File checks it; photos are not taken here.
func (s *Service) FileUnplaced(ctx context.Context, actor Actor, in FileInput, hint Place) (*Intake, error) {
	in.unplaced, in.Point, in.CommunityID = true, nil, ""
	if in.Address == "" {
		return nil, invalid(map[string]string{"address": "required"})
	}
	if len(in.Photos) > 0 {
		return nil, invalid(map[string]string{"photos": "photos need a place; give a point or a community"})
	}
	if _, _, err := s.checkFile(&in); err != nil {
		return nil, err
	}
	it := &Intake{Category: in.Category, Description: in.Description, Address: in.Address, Contact: in.Contact,
		Attributes: in.Attributes, Source: in.Source, Private: in.Private, MediaURL: in.MediaURL, FiledAt: s.now(), Filer: actor,
		Hint: Place{DistrictID: hint.DistrictID, StreetID: hint.StreetID}}
	if it.Source == "" {
		it.Source = "web"
	}
	for attempt := 0; ; attempt++ {
		it.ID = NewTrackingCode()
		if _, err := s.load(ctx, it.ID); !IsNotFound(err) {
			if err != nil {
				return nil, err
			}
			continue // a case holds this code
		}
		err := s.store.CreateIntake(ctx, it)
		if err == nil {
			return it, nil
		}
		if !errors.Is(err, ErrCodeTaken) || attempt >= 3 {
			return nil, err
		}
	}
}

// Intakes returns the triage queue, oldest first.
func (s *Service) Intakes(ctx context.Context, actor Actor, limit int) ([]*Intake, error) {
	if !mayTriage(actor) {
		return nil, ErrOutOfScope
	}
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	return s.store.Intakes(ctx, limit)
}

// TrackIntake returns a filing still waiting to be placed, by its code;
// the caller shows only its public parts.
func (s *Service) TrackIntake(ctx context.Context, code string) (*Intake, error) {
	id := NormalizeCode(code)
	if id == "" {
		return nil, ErrNotFound
	}
	return s.store.Intake(ctx, id)
}

// PlaceInput is the operator's placement: a point, or a community (with
// the address as the reporter wrote it, or one the operator corrects).
type PlaceInput struct {
	Point       *Point
	CommunityID string
	Address     string
}

// Place files a queued report at the place the operator chose: located,
// routed and due from now like any new case, under its reserved code.
func (s *Service) Place(ctx context.Context, actor Actor, id string, in PlaceInput) (*Filed, error) {
	if !mayTriage(actor) {
		return nil, ErrOutOfScope
	}
	it, err := s.store.Intake(ctx, NormalizeCode(id))
	if err != nil {
		return nil, err
	}
	fi := FileInput{Category: it.Category, Description: it.Description, Address: it.Address, Contact: it.Contact,
		Attributes: it.Attributes, Source: it.Source, Private: it.Private, MediaURL: it.MediaURL, Point: in.Point, CommunityID: in.CommunityID,
		id: it.ID, filedAt: it.FiledAt, note: "placed from the triage queue by " + actor.Name}
	if in.Address != "" {
		fi.Address = in.Address
	}
	switch {
	case in.Point != nil && in.CommunityID != "":
		return nil, invalid(map[string]string{"community_id": "give a point or a community, not both"})
	case in.Point == nil && in.CommunityID == "":
		return nil, invalid(map[string]string{"community_id": "give a point or a community"})
	}
	filed, err := s.File(ctx, it.Filer, fi)
	if errors.Is(err, ErrCodeTaken) {
		// Placed already (by another operator, or before a crash that kept
		// the queue entry): finish the clean-up.
		_ = s.store.DeleteIntake(ctx, it.ID)
		return nil, ErrAlreadyPlaced
	}
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteIntake(ctx, it.ID); err != nil {
		// The case exists; the entry goes on the next attempt (ErrCodeTaken).
		s.log.Warn("complaints: triage entry not removed", "case", it.ID, "err", err)
	}
	return filed, nil
}
