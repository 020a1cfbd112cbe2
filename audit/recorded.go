package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// A record of what happened may be kept after the fact: an organisation
// that moves its AIMS into the SDK (from a manifest, from another tool)
// records audits and reviews it has already carried out. The At variants
// below fire the same transitions as their counterparts, as the same
// actors under the same rules, and differ only in the date the record
// carries: the one declared, which may not lie after the workspace's
// clock. The journal entry keeps the time it was recorded.

// pastDate checks a declared date: set, and not after now.
func pastDate(op, kind, id, field string, at, now time.Time) error {
	switch {
	case at.IsZero():
		return aims.E(op, kind, id, aims.Invalid(field, "is required"))
	case at.After(now):
		return aims.E(op, kind, id, aims.Invalid(field, fmt.Sprintf("%s is after now (%s): a record of what happened cannot be dated in the future",
			at.UTC().Format(time.RFC3339), now.Format(time.RFC3339))))
	}
	return nil
}

// StartAt is [Audits.Start] for fieldwork that started at at, which may
// not be after the workspace's clock.
func (s *Audits) StartAt(ctx context.Context, actor, id string, at time.Time) (*Audit, error) {
	if err := pastDate("start", KindAudit, id, "started", at, s.ws.Now()); err != nil {
		return nil, err
	}
	at = at.UTC()
	return s.fire(ctx, actor, id, EventStart, func(a *Audit) error { a.Started = at; return nil })
}

// CompleteAt is [Audits.Complete] for an audit completed at at, which may
// be neither after the workspace's clock nor before the audit started.
func (s *Audits) CompleteAt(ctx context.Context, actor, id, conclusion string, at time.Time) (*Audit, error) {
	if err := pastDate("complete", KindAudit, id, "completed", at, s.ws.Now()); err != nil {
		return nil, err
	}
	at = at.UTC()
	return s.fire(ctx, actor, id, EventComplete, func(a *Audit) error {
		if at.Before(a.Started) {
			return aims.Invalid("completed", fmt.Sprintf("%s is before the audit started (%s)", at.Format(time.RFC3339), a.Started.Format(time.RFC3339)))
		}
		a.Conclusion, a.Completed = conclusion, at
		return nil
	})
}

// RecordAt is [Reviews.Record] for a review held at at, which may not be
// after the workspace's clock.
func (rs *Reviews) RecordAt(ctx context.Context, actor, id string, o Outcome, at time.Time) (*Review, error) {
	if err := pastDate("record", KindReview, id, "held", at, rs.ws.Now()); err != nil {
		return nil, err
	}
	if len(o.Completed) > 0 {
		return nil, aims.E("record", KindReview, id, aims.Invalid("completed", "is recorded at the time it is marked: use Record"))
	}
	at = at.UTC()
	return aims.Fire(ctx, rs.c, reviewWorkflow, aims.Firing[Review, ReviewEvent]{ID: id, Actor: actor, Event: EventRecord,
		Change: func(r *Review) error {
			r.Held, r.Attendees, r.Decisions, r.Changes, r.Actions = at, append([]string(nil), o.Attendees...), append([]string(nil), o.Decisions...),
				append([]string(nil), o.Changes...), append([]ReviewAction(nil), o.Actions...)
			return r.Validate()
		}})
}
