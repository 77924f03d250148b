package complaints

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"cleancity/portal/apperr"
)

// Contact confirmation (issue 15 row 7: each "me too" notified the
// unverified phone and email given with a filing, so anyone could flood a
// stranger). A contact given with a filing gets one message, a code; the
// reporter enters it on the tracking page; only then do notifications name
// the contact. A contact gets at most one code a day, whatever is filed
// with it, and a case takes ContactCodeAttempts tries.
const (
	// ContactCodeAttempts is how many codes may be tried on one case.
	ContactCodeAttempts = 5
	// contactCodeDigits is the length of the code.
	contactCodeDigits = 6
)

// Contact confirmation states of a filing (Filed.ContactCode).
const (
	ContactCodeNone    = ""        // no phone or email given
	ContactCodeSent    = "sent"    // a code was queued to the contact
	ContactCodeLimited = "limited" // the contact already had a code today
)

// Errors of ConfirmContact.
var (
	ErrContactCode        = apperr.New(apperr.Invalid, "the confirmation code does not match")
	ErrContactAttempts    = apperr.New(apperr.Conflict, "too many wrong confirmation codes for this case")
	ErrNoContactToConfirm = apperr.New(apperr.Conflict, "this case has no contact waiting for confirmation")
)

// NoteContactCode is the kind of the confirmation message, the only one
// that reaches an unconfirmed contact.
const NoteContactCode = "contact_code"

// reachable reports whether a contact can be sent a message.
func (c Contact) reachable() bool { return c.Phone != "" || c.Email != "" }

// contactKey names a contact for claims without keeping it in clear.
func contactKey(c Contact) string {
	return shortHash(strings.ToLower(strings.TrimSpace(c.Phone)) + "|" + strings.ToLower(strings.TrimSpace(c.Email)))
}

// shortHash is a stored stand-in for a value that must not be kept in
// clear (contacts, device tokens, client addresses).
func shortHash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:16])
}

func newContactCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return fmt.Sprintf("%0*d", contactCodeDigits, n.Int64())
}

// sendContactCode queues the code to the filing's contact, at most once a
// day per contact across every process (the claim is an insert).
func (s *Service) sendContactCode(ctx context.Context, c *Complaint, code string, now time.Time) (string, error) {
	day := now.UTC().Format("2006-01-02")
	won, err := s.store.Claim(ctx, "contact-code:"+contactKey(c.Contact)+":"+day, now)
	if err != nil || !won {
		return ContactCodeLimited, err
	}
	s.mu.RLock()
	channels := slices.Clone(s.channels)
	s.mu.RUnlock()
	payload, _ := json.Marshal(map[string]any{
		"event_id": c.ID + "/contact-code", "kind": NoteContactCode, "case_id": c.ID, "tracking_code": c.ID,
		"code": code, "at": now.UTC().Format(time.RFC3339),
		"recipient": map[string]any{"name": c.Contact.Name, "phone": c.Contact.Phone, "email": c.Contact.Email},
	})
	msgs := make([]Message, 0, len(channels))
	for _, ch := range channels {
		msgs = append(msgs, Message{ID: c.ID + "/contact-code/" + ch, EventID: c.ID + "/contact-code", CaseID: c.ID,
			Kind: NoteContactCode, Channel: ch, Payload: payload, Status: MessagePending, NextAt: now, CreatedAt: now})
	}
	if err := s.store.Enqueue(ctx, msgs); err != nil {
		return ContactCodeLimited, err
	}
	return ContactCodeSent, nil
}

// ConfirmContactInput is the reporter's entry of the code.
type ConfirmContactInput struct {
	Secret string
	Code   string
}

// ConfirmContact confirms the case's contact with the code sent to it. The
// reporter is proven like for feedback (the follow-up secret or the case's
// account). Each try, right or wrong, takes one of ContactCodeAttempts.
func (s *Service) ConfirmContact(ctx context.Context, actor Actor, code string, in ConfirmContactInput) (*Complaint, error) {
	in.Code = strings.TrimSpace(in.Code)
	if len(in.Code) != contactCodeDigits || strings.Trim(in.Code, "0123456789") != "" {
		return nil, invalid(map[string]string{"code": "the code has 6 digits"})
	}
	c, err := s.Track(ctx, code)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Secret != "":
		if !secretMatches(c.SecretHash, in.Secret) {
			return nil, ErrBadSecret
		}
		actor.Role = RoleReporter
	case actor.ID != "" && actor.ID == c.ReporterID:
		actor.Role = RoleResident
	default:
		return nil, ErrNotReporter
	}
	if c.ContactConfirmed {
		return c, nil
	}
	if c.ContactCodeHash == "" {
		return nil, ErrNoContactToConfirm
	}
	now := s.now()
	won := false
	for n := 1; n <= ContactCodeAttempts && !won; n++ {
		if won, err = s.store.Claim(ctx, fmt.Sprintf("contact-try:%s:%d", c.ID, n), now); err != nil {
			return nil, err
		}
	}
	if !won {
		return nil, ErrContactAttempts
	}
	if !secretMatches(c.ContactCodeHash, in.Code) {
		return nil, ErrContactCode
	}
	next := c.clone()
	next.ContactConfirmed, next.ContactCodeHash = true, ""
	ev := Event{ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: ActionConfirmContact}
	res, err := s.apply(ctx, c, next, ev)
	if IsConflict(err) {
		if cur, gerr := s.Track(ctx, code); gerr == nil && cur.ContactConfirmed {
			return cur, nil // confirmed at the same time elsewhere
		}
	}
	return res, err
}

// EraseResult counts what one retention sweep did.
type EraseResult struct {
	Erased int
	Lost   int // cases another process erased first
}

// EraseContacts deletes the reporters' contact details of cases closed or
// rejected more than retention ago (the retention sweep), and the case's
// notifications, which may name them. Each erasure is
// an event whose number is claimed by insert, so several processes may
// sweep at once: exactly one records each erasure, the others lose the
// claim and skip the case.
func (s *Service) EraseContacts(ctx context.Context, retention time.Duration) (EraseResult, error) {
	var res EraseResult
	if retention <= 0 {
		return res, nil
	}
	now := s.now()
	before := now.Add(-retention)
	ids, err := s.store.ContactCandidates(ctx, before)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		c, err := s.load(ctx, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return res, err
		}
		if !ContactErasable(c, before) {
			continue
		}
		next := c.clone()
		next.Contact, next.ContactCodeHash, next.ContactConfirmed = Contact{}, "", false
		ev := Event{ActorID: System.ID, ActorName: System.Name, Role: RoleSystem, Action: ActionEraseContact, At: now,
			Note: "contact details deleted after the retention period"}
		if _, err := s.apply(ctx, c, next, ev); err != nil {
			if IsConflict(err) {
				res.Lost++
				continue
			}
			return res, err
		}
		// The erasure event itself queued nothing; the case's messages,
		// long delivered or given up, may still name the contact.
		if err := s.store.ForgetMessages(ctx, c.ID); err != nil {
			return res, err
		}
		res.Erased++
	}
	return res, nil
}

// ContactErasable reports whether the retention sweep deletes c's contact
// (closed or rejected before closedBefore, with a contact or a pending
// code). Every Store answers ContactCandidates with it.
func ContactErasable(c *Complaint, closedBefore time.Time) bool {
	return (c.Status == StatusClosed || c.Status == StatusRejected) && !c.ClosedAt.IsZero() &&
		c.ClosedAt.Before(closedBefore) && (!c.Contact.Empty() || c.ContactCodeHash != "")
}

// RunRetention runs the retention sweep every interval until ctx ends.
func (s *Service) RunRetention(ctx context.Context, retention, interval time.Duration) {
	if retention <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			res, err := s.EraseContacts(ctx, retention)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("complaints: retention sweep failed", "err", err)
			}
			if res.Erased > 0 {
				s.log.Info("complaints: contact details deleted", "cases", res.Erased, "lost", res.Lost)
			}
			// Claims (contact codes a day, code tries) matter for days.
			if err := s.store.PruneClaims(ctx, s.now().Add(-30*24*time.Hour)); err != nil && ctx.Err() == nil {
				s.log.Warn("complaints: prune claims failed", "err", err)
			}
		}
	}
}
