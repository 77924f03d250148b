package complaints_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cleancity/complaints"
)

// receiver is a webhook endpoint that checks signatures and can fail.
type receiver struct {
	t      *testing.T
	secret string
	fail   atomic.Int32 // answer 503 this many more times
	mu     sync.Mutex
	got    []map[string]any
	events []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	ts, _ := strconv.ParseInt(req.Header.Get("X-CleanCity-Timestamp"), 10, 64)
	if req.Header.Get("X-CleanCity-Signature") != complaints.Sign(r.secret, ts, body) {
		r.t.Errorf("bad signature on %s", req.Header.Get("X-CleanCity-Event"))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.fail.Add(-1) >= 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	r.mu.Lock()
	r.got = append(r.got, m)
	r.events = append(r.events, req.Header.Get("X-CleanCity-Event"))
	r.mu.Unlock()
}

func TestOutboxWebhookRetriesAndDeliversOnce(t *testing.T) {
	ctx := context.Background()
	svc, clk, st := newService(t)
	svc.SetChannels(complaints.ChannelWebhook)
	rcv := &receiver{t: t, secret: "0123456789abcdef-secret"}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	newDeliverer := func() *complaints.Deliverer {
		return complaints.NewDeliverer(st, map[string]complaints.Channel{
			complaints.ChannelWebhook: &complaints.Webhook{URL: hook.URL, Secret: rcv.secret, Now: clk.Now},
		}, clk.Now, log)
	}
	a, b := newDeliverer(), newDeliverer()

	f := mustFile(t, svc, 27.85, 113.15)
	if _, err := svc.Act(ctx, dept, f.Complaint.ID, complaints.ActInput{Action: complaints.ActionAccept, Version: 1}); err != nil {
		t.Fatal(err)
	}
	id := complaints.EventID(f.Complaint.ID, 2) + "/" + complaints.ChannelWebhook

	// The receiver is down twice: attempts back off 10 s, then 20 s.
	rcv.fail.Store(2)
	runBoth := func() {
		var wg sync.WaitGroup
		for _, d := range []*complaints.Deliverer{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := d.RunOnce(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	runBoth()
	m, err := st.Message(ctx, id)
	if err != nil || m.Attempts != 1 || m.Status != complaints.MessagePending || !m.NextAt.Equal(clk.Now().Add(10*time.Second)) {
		t.Fatalf("after first failure: %+v %v", m, err)
	}
	runBoth() // not due yet
	clk.Advance(10 * time.Second)
	runBoth()
	m, _ = st.Message(ctx, id)
	if m.Attempts != 2 || !m.NextAt.Equal(clk.Now().Add(20*time.Second)) {
		t.Fatalf("after second failure: %+v", m)
	}
	clk.Advance(20 * time.Second)
	runBoth()
	runBoth()
	m, _ = st.Message(ctx, id)
	if m.Status != complaints.MessageSent {
		t.Fatalf("not sent: %+v", m)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.got) != 1 || rcv.events[0] != complaints.EventID(f.Complaint.ID, 2) {
		t.Fatalf("deliveries %v", rcv.events)
	}
	if rcv.got[0]["kind"] != "accepted" || rcv.got[0]["tracking_code"] != f.Complaint.ID {
		t.Errorf("payload %v", rcv.got[0])
	}
}

// crashChannel claims the attempt and then "dies" (never answers) once.
type crashChannel struct {
	crashed atomic.Bool
	sent    atomic.Int32
}

func (c *crashChannel) Deliver(ctx context.Context, m complaints.Message) error {
	if c.crashed.CompareAndSwap(false, true) {
		return errCrash
	}
	c.sent.Add(1)
	return nil
}

var errCrash = errors.New("process died")

func TestOutboxLeaseSurvivesCrash(t *testing.T) {
	ctx := context.Background()
	svc, clk, st := newService(t)
	svc.SetChannels(complaints.ChannelLog)
	f := mustFile(t, svc, 27.85, 113.15)
	if _, err := svc.Act(ctx, dept, f.Complaint.ID, complaints.ActInput{Action: complaints.ActionAccept, Version: 1}); err != nil {
		t.Fatal(err)
	}
	id := complaints.EventID(f.Complaint.ID, 2) + "/" + complaints.ChannelLog
	// A process claims the attempt and dies before recording anything:
	// the claim is taken, the message stays pending.
	slot := clk.Now().Unix() / int64(complaints.LeaseDuration/time.Second)
	if ok, err := st.ClaimMessage(ctx, id, 1, slot, "dead-process", clk.Now()); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	ch := &crashChannel{}
	ch.crashed.Store(true)
	d := complaints.NewDeliverer(st, map[string]complaints.Channel{complaints.ChannelLog: ch}, clk.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if sent, _, _ := d.RunOnce(ctx); sent != 0 {
		t.Fatalf("delivered while the dead process holds the lease")
	}
	clk.Advance(complaints.LeaseDuration)
	if sent, _, err := d.RunOnce(ctx); sent != 1 || err != nil {
		t.Fatalf("not redelivered after the lease: %d %v", sent, err)
	}
	if ch.sent.Load() != 1 {
		t.Errorf("sent %d times", ch.sent.Load())
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second}
	for i, w := range want {
		if got := complaints.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := complaints.Backoff(30); got != time.Hour {
		t.Errorf("Backoff(30) = %v, want 1h", got)
	}
}
