package audit_test

import (
	"testing"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
)

// TestRecordedAfterTheFact: an audit and a review recorded after they
// happened carry the declared dates, fire the same transitions as the
// same actors, and refuse a date in the future or a completion before
// the start.
func TestRecordedAfterTheFact(t *testing.T) {
	t.Parallel()
	ws, clk := newWS(t)
	ctx := t.Context()
	clk.Advance(60 * 24 * time.Hour)
	s := audit.NewAudits(ws, nil)
	in := planInput()
	a := must[*audit.Audit](t)(s.Plan(ctx, "aud1", in))
	started := t0.Add(8 * 24 * time.Hour)
	_, err := s.StartAt(ctx, "aud1", a.ID, clk.now.Add(time.Hour))
	wantErr(t, err, aims.ErrInvalid)
	_, err = s.StartAt(ctx, "dev", a.ID, started)
	wantErr(t, err, aims.ErrForbidden) // dev owns the areas
	a = must[*audit.Audit](t)(s.StartAt(ctx, "aud1", a.ID, started))
	if !a.Started.Equal(started) {
		t.Errorf("started %s, want %s", a.Started, started)
	}
	for _, it := range a.Checklist {
		must[*audit.Audit](t)(s.RecordResult(ctx, "aud1", a.ID, it.Ref, audit.ResultConforms, []string{"sampled"}, ""))
	}
	_, err = s.CompleteAt(ctx, "aud1", a.ID, "fine", started.Add(-time.Hour))
	wantErr(t, err, aims.ErrInvalid)
	done := started.Add(4 * time.Hour)
	a = must[*audit.Audit](t)(s.CompleteAt(ctx, "aud1", a.ID, "fine", done))
	if audit.AuditState(a.State) != audit.AuditCompleted || !a.Completed.Equal(done) {
		t.Errorf("audit %s completed %s, want completed at %s", a.State, a.Completed, done)
	}

	rs := audit.NewReviews(ws, nil)
	must[*audit.Review](t)(rs.Prepare(ctx, "mgr", "mr-1", "review", t0.Add(20*24*time.Hour)))
	out := audit.Outcome{Attendees: []string{"boss"}, Decisions: []string{"carry on"}}
	_, err = rs.RecordAt(ctx, "boss", "mr-1", out, clk.now.Add(time.Minute))
	wantErr(t, err, aims.ErrInvalid)
	_, err = rs.RecordAt(ctx, "mgr", "mr-1", out, done)
	wantErr(t, err, aims.ErrForbidden) // not top management
	held := t0.Add(21 * 24 * time.Hour)
	r := must[*audit.Review](t)(rs.RecordAt(ctx, "boss", "mr-1", out, held))
	if audit.ReviewState(r.State) != audit.ReviewHeld || !r.Held.Equal(held) {
		t.Errorf("review %s held %s, want held at %s", r.State, r.Held, held)
	}
}
