package complaints

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Outbox channels.
const (
	ChannelLog     = "log"
	ChannelWebhook = "webhook"
)

// Notification kinds.
const (
	NoteAccepted = "accepted"
	NoteResolved = "resolved"
	NoteNotice   = "notice"
	NoteMerged   = "merged"
	NoteJoined   = "joined"
)

// Outbox message statuses.
const (
	MessagePending = "pending"
	MessageSent    = "sent"
	MessageDead    = "dead"
)

// Message is one notification for one channel, kept until delivered. Its
// id ("<event id>/<channel>") makes queueing idempotent, and receivers can
// drop repeats by EventID.
type Message struct {
	ID        string
	EventID   string
	CaseID    string
	Kind      string
	Channel   string
	Payload   []byte // JSON
	Status    string
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
	SentAt    time.Time
	LastError string
}

// notifications returns the messages an event causes.
func notifications(c *Complaint, ev Event, channels []string, now time.Time) []Message {
	var kind string
	switch ev.Action {
	case ActionAccept:
		kind = NoteAccepted
	case ActionResolve:
		kind = NoteResolved
	case ActionNotice:
		kind = NoteNotice
	case ActionMerge:
		kind = NoteMerged
	case ActionJoin:
		kind = NoteJoined
	default:
		return nil
	}
	body := map[string]any{
		"event_id":      ev.ID,
		"kind":          kind,
		"case_id":       c.ID,
		"tracking_code": c.ID,
		"status":        c.Status,
		"category":      c.Category,
		"department":    c.Department,
		"district_id":   c.Place.DistrictID,
		"at":            ev.At.UTC().Format(time.RFC3339),
		"due_at":        c.DueAt.UTC().Format(time.RFC3339),
		"note":          ev.Note,
	}
	if kind == NoteNotice {
		body["notice_level"] = ev.NoticeLevel
		body["recipient"] = map[string]any{"department": c.Department}
	} else {
		// An unconfirmed contact is never named: it got its one code
		// at filing (sendContactCode) and nothing else.
		r := map[string]any{"user_id": c.ReporterID}
		if c.ContactConfirmed {
			r["name"], r["phone"], r["email"] = c.Contact.Name, c.Contact.Phone, c.Contact.Email
		}
		body["recipient"] = r
	}
	if kind == NoteMerged {
		body["merged_into"] = c.MergedInto
	}
	if kind == NoteJoined {
		body["supporters"] = c.Supporters
	}
	payload, _ := json.Marshal(body)
	out := make([]Message, 0, len(channels))
	for _, ch := range channels {
		out = append(out, Message{ID: ev.ID + "/" + ch, EventID: ev.ID, CaseID: c.ID, Kind: kind, Channel: ch,
			Payload: payload, Status: MessagePending, NextAt: now, CreatedAt: now})
	}
	return out
}

// Channel delivers a message somewhere.
type Channel interface {
	Deliver(ctx context.Context, m Message) error
}

// LogChannel writes notifications to the log, without contact details.
type LogChannel struct{ Log *slog.Logger }

// Deliver logs the message.
func (l LogChannel) Deliver(_ context.Context, m Message) error {
	l.Log.Info("complaints: notification", "kind", m.Kind, "case", m.CaseID, "event", m.EventID)
	return nil
}

// Webhook posts notifications as JSON, signed with HMAC-SHA256 over
// "<timestamp>.<body>" in X-CleanCity-Signature ("sha256=<hex>").
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client
	Now    func() time.Time
}

// Sign returns the signature header value of a body at a timestamp.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", timestamp)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Deliver posts the message; any answer but 2xx is an error.
func (w *Webhook) Deliver(ctx context.Context, m Message) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(m.Payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CleanCity-Event", m.EventID)
	req.Header.Set("X-CleanCity-Kind", m.Kind)
	req.Header.Set("X-CleanCity-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-CleanCity-Signature", Sign(w.Secret, ts, m.Payload))
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	return nil
}

// Outbox delivery tuning.
const (
	// LeaseDuration is how long a claimed attempt is exclusive; a process
	// that dies mid-delivery frees the message when it ends.
	LeaseDuration = 60 * time.Second
	// MaxAttempts before a message is dead.
	MaxAttempts = 10
	backoffBase = 10 * time.Second
	backoffMax  = 1 * time.Hour
)

// Backoff is the wait after the n-th failed attempt (1-based): 10 s, 20 s,
// 40 s ... capped at one hour.
func Backoff(n int) time.Duration {
	d := backoffBase
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// Deliverer sends due outbox messages through their channels. Several
// processes may run it: each attempt is claimed in the store for a lease
// slot, so an attempt runs once, and a crashed attempt is retried after
// the lease.
type Deliverer struct {
	Store    OutboxStore
	Channels map[string]Channel
	Now      func() time.Time
	Log      *slog.Logger
	owner    string
}

// NewDeliverer returns a deliverer over the channels.
func NewDeliverer(store OutboxStore, channels map[string]Channel, now func() time.Time, log *slog.Logger) *Deliverer {
	var b [6]byte
	_, _ = rand.Read(b[:])
	if now == nil {
		now = time.Now
	}
	return &Deliverer{Store: store, Channels: channels, Now: now, Log: log, owner: hex.EncodeToString(b[:])}
}

// RunOnce delivers the messages due now and returns how many it sent and
// how many failed.
func (d *Deliverer) RunOnce(ctx context.Context) (sent, failed int, err error) {
	now := d.Now()
	msgs, err := d.Store.DueMessages(ctx, now, 100)
	if err != nil {
		return 0, 0, err
	}
	slot := now.Unix() / int64(LeaseDuration/time.Second)
	for _, m := range msgs {
		ok, err := d.Store.ClaimMessage(ctx, m.ID, m.Attempts+1, slot, d.owner, now)
		if err != nil {
			return sent, failed, err
		}
		if !ok {
			continue
		}
		ch := d.Channels[m.Channel]
		var derr error
		if ch == nil {
			derr = fmt.Errorf("channel %q is not configured", m.Channel)
		} else {
			dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			derr = ch.Deliver(dctx, m)
			cancel()
		}
		if derr == nil {
			if err := d.Store.MessageDone(ctx, m.ID, d.Now()); err != nil {
				return sent, failed, err
			}
			sent++
			continue
		}
		failed++
		n := m.Attempts + 1
		dead := n >= MaxAttempts
		if err := d.Store.MessageFailed(ctx, m.ID, n, d.Now().Add(Backoff(n)), truncate(derr.Error(), 300), dead); err != nil {
			return sent, failed, err
		}
		d.Log.Warn("complaints: notification delivery failed", "message", m.ID, "attempt", n, "dead", dead, "err", derr)
	}
	return sent, failed, nil
}

// Run delivers every interval until ctx ends, and prunes old lease claims hourly.
func (d *Deliverer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	lastPrune := time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
				d.Log.Warn("complaints: outbox run failed", "err", err)
			}
			if now := d.Now(); now.Sub(lastPrune) > time.Hour {
				lastPrune = now
				if err := d.Store.PruneLeases(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
					d.Log.Warn("complaints: prune outbox leases failed", "err", err)
				}
			}
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
