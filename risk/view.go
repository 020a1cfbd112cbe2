package risk

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Attribute names of a stored risk's index ([Risk.Attributes]; the kernel
// adds "state"). Whole-register views ([Register.Views]: the SoA's
// requirements, the readiness checks, review inputs) read these instead of
// decoding every document.
const (
	AttrOwner    = "owner"    // the risk owner
	AttrLevel    = "level"    // the current band (residual, else inherent)
	AttrInherent = "inherent" // the inherent band, when assessed
	AttrResidual = "residual" // the residual band, when assessed
	// AttrTreatment holds the treatment plan's options, as [aims.JoinAttr]
	// writes a list ("reduce" or "reduce,share"); absent without a plan.
	AttrTreatment = "treatment"
	// AttrControls holds the ids of the controls the treatment chose, in
	// plan order, as [aims.JoinAttr] writes them (an id holding "," or "%"
	// is escaped); absent when none are chosen.
	AttrControls = "controls"
	AttrAccepted = "accepted" // the accepted stage (inherent or residual)
	// AttrReview is the next review date, AttrDue the earliest due date of
	// the open treatment actions, both RFC 3339 in UTC with nanoseconds.
	AttrReview = "review"
	AttrDue    = "due"
	AttrTitle  = "title" // the risk's title
	// AttrIndex is the version of this attribute set: [IndexVersion] on
	// every risk written since the set above existed. A risk without it
	// (written by an older build, or whose title cannot be stored as an
	// attribute) is decoded instead when a view reads it.
	AttrIndex = "ix"
	attrState = "state"
)

// IndexVersion is the value of [AttrIndex] on risks carrying the whole
// attribute set.
const IndexVersion = "2"

// viewAttrs are the attributes a [View] is read from, in Select order.
var viewAttrs = []string{AttrIndex, attrState, AttrTitle, AttrOwner, AttrLevel, AttrInherent, AttrResidual,
	AttrTreatment, AttrControls, AttrAccepted, AttrReview, AttrDue}

// indexTime formats a date for AttrReview and AttrDue.
func indexTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// storableAttr reports whether every store keeps v as an attribute value:
// valid UTF-8 without NUL bytes.
func storableAttr(v string) bool { return utf8.ValidString(v) && strings.IndexByte(v, 0) < 0 }

// viewAttributes adds the attributes whole-register views read (see
// [AttrIndex]) to attrs.
func (r *Risk) viewAttributes(attrs map[string]string) {
	if r.Residual != nil {
		attrs[AttrResidual] = r.Residual.Score.Band
	}
	if t := r.Treatment; t != nil {
		opts := make([]string, len(t.Options))
		for i, o := range t.Options {
			opts[i] = string(o)
		}
		attrs[AttrTreatment] = aims.JoinAttr(opts)
		if len(t.Controls) > 0 {
			ids := make([]string, len(t.Controls))
			for i, c := range t.Controls {
				ids[i] = c.ID
			}
			attrs[AttrControls] = aims.JoinAttr(ids)
		}
		var due time.Time
		for _, a := range t.Actions {
			if a.Open() && (due.IsZero() || a.Due.Before(due)) {
				due = a.Due
			}
		}
		if !due.IsZero() {
			attrs[AttrDue] = indexTime(due)
		}
	}
	if r.Acceptance != nil {
		attrs[AttrAccepted] = string(r.Acceptance.Stage)
	}
	if !r.NextReview.IsZero() {
		attrs[AttrReview] = indexTime(r.NextReview)
	}
	if storableAttr(r.Title) {
		attrs[AttrTitle] = r.Title
		attrs[AttrIndex] = IndexVersion
	}
}

// View is what whole-register reads need of one risk, read from its
// indexed attributes without decoding the document (see [Register.Views]).
type View struct {
	ID      string
	Version int64
	State   State
	Title   string
	Owner   string
	// Level is the current band (residual when assessed, else inherent);
	// Inherent and Residual the bands of those ratings; "" when not
	// assessed.
	Level, Inherent, Residual string
	// Options are the treatment plan's options; nil without a plan.
	Options []Option
	// Controls are the ids of the controls the treatment chose, in plan
	// order.
	Controls []string
	// Accepted is the stage accepted; "" when not accepted.
	Accepted Stage
	// NextReview is the next review date; NextDue the earliest due date
	// of an open treatment action; zero when none.
	NextReview, NextDue time.Time
}

// Treated reports whether the risk has a treatment plan.
func (v *View) Treated() bool { return v.Options != nil }

// BandOfRecord is the band that called for treatment: the inherent band,
// or the current one when no inherent rating exists.
func (v *View) BandOfRecord() string {
	if v.Inherent != "" {
		return v.Inherent
	}
	return v.Level
}

// viewOf reads a View from attribute values in viewAttrs order.
func viewOf(id string, version int64, vals []string) (View, error) {
	v := View{ID: id, Version: version, State: State(vals[1]), Title: vals[2], Owner: vals[3],
		Level: vals[4], Inherent: vals[5], Residual: vals[6], Accepted: Stage(vals[9])}
	if vals[7] != "" {
		opts, err := aims.SplitAttr(vals[7])
		if err != nil {
			return View{}, aims.E("view", Kind, id, err)
		}
		v.Options = make([]Option, len(opts))
		for i, o := range opts {
			v.Options[i] = Option(o)
		}
	}
	if vals[8] != "" {
		ids, err := aims.SplitAttr(vals[8])
		if err != nil {
			return View{}, aims.E("view", Kind, id, err)
		}
		v.Controls = ids
	}
	for i, dst := range [...]*time.Time{&v.NextReview, &v.NextDue} {
		if s := vals[10+i]; s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return View{}, aims.E("view", Kind, id, aims.Invalid(viewAttrs[10+i], fmt.Sprintf("stored attribute %q is not an RFC 3339 time", s)))
			}
			*dst = t
		}
	}
	return v, nil
}

// ViewOf returns the [View] of a decoded risk: what [Register.Views]
// reads from its attributes.
func ViewOf(rk *Risk) View {
	v := View{ID: rk.ID, Version: rk.Version, State: State(rk.State), Title: rk.Title, Owner: rk.Owner, NextReview: rk.NextReview}
	if cur, _ := rk.Current(); cur != nil {
		v.Level = cur.Score.Band
	}
	if rk.Inherent != nil {
		v.Inherent = rk.Inherent.Score.Band
	}
	if rk.Residual != nil {
		v.Residual = rk.Residual.Score.Band
	}
	if t := rk.Treatment; t != nil {
		v.Options = append(make([]Option, 0, len(t.Options)), t.Options...)
		for _, c := range t.Controls {
			v.Controls = append(v.Controls, c.ID)
		}
		for _, a := range t.Actions {
			if a.Open() && (v.NextDue.IsZero() || a.Due.Before(v.NextDue)) {
				v.NextDue = a.Due
			}
		}
	}
	if rk.Acceptance != nil {
		v.Accepted = rk.Acceptance.Stage
	}
	return v
}

// Views yields the [View] of every risk matching f, in ascending byte order
// of id, read from the risks' indexed attributes (pushed into the store
// when it is an [aims.Querier]), a page at a time, without decoding the
// documents. A risk written before the attribute set existed (see
// [AttrIndex]) is read and decoded instead, so views over a register of
// mixed ages are the same as over a freshly written one. It stops after
// yielding an error.
func (r *Register) Views(ctx context.Context, f Filter) iter.Seq2[View, error] {
	return views(ctx, r.ws, r.risks, f.where())
}

func views(ctx context.Context, ws *aims.Workspace, risks *aims.Collection[Risk, *Risk], where map[string]string) iter.Seq2[View, error] {
	return func(yield func(View, error) bool) {
		q := aims.Query{Kind: Kind, Where: where}
		for row, err := range aims.SelectAll(ctx, ws.Store(), ws.Tenant(), q, viewAttrs) {
			if err != nil {
				yield(View{}, err)
				return
			}
			v, ok, err := rowView(ctx, risks, row)
			if !ok && err == nil {
				continue // deleted since its page was read
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

// chosenKey is the workspace key of the projection of the risks whose
// treatment chose controls.
type chosenKey struct{}

// Choice is what a Statement of Applicability reads of a risk whose
// treatment chose controls: the risk, the band that called for treatment
// ([View.BandOfRecord]) and the controls chosen, in plan order.
type Choice struct {
	ID, Title, Level string
	Controls         []string
}

// Chosen yields the choice of every risk that is not closed and whose
// treatment plan chose controls, in natural order of id. It reads a
// projection the workspace keeps up to date from the journal (see
// [aims.Project]), so a read after a few writes costs what they changed,
// and the choices arrive in the order a report lists them. It stops after
// yielding an error.
func (r *Register) Chosen(ctx context.Context) iter.Seq2[Choice, error] {
	return func(yield func(Choice, error) bool) {
		all, err := aims.Project(ctx, r.ws, chosenKey{}, aims.Projection[Choice]{Kind: Kind, Attrs: viewAttrs, Compare: natsort.Compare,
			Row: func(ctx context.Context, row aims.Row) (Choice, bool, error) {
				v, ok, err := rowView(ctx, r.risks, row)
				if !ok || err != nil || v.State == StateClosed || len(v.Controls) == 0 {
					return Choice{}, false, err
				}
				return Choice{ID: v.ID, Title: v.Title, Level: v.BandOfRecord(), Controls: v.Controls}, true, nil
			}})
		if err != nil {
			yield(Choice{}, err)
			return
		}
		for _, c := range all {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// rowView returns the view of the risk in row: read from its attributes
// when they are the whole set, else decoded; ok false when the risk was
// deleted since row was read.
func rowView(ctx context.Context, risks *aims.Collection[Risk, *Risk], row aims.Row) (View, bool, error) {
	if row.Values[0] == IndexVersion {
		v, err := viewOf(row.ID, row.Version, row.Values)
		return v, err == nil, err
	}
	rk, err := risks.Get(ctx, row.ID)
	if errors.Is(err, aims.ErrNotFound) {
		return View{}, false, nil
	}
	if err != nil {
		return View{}, false, err
	}
	return ViewOf(rk), true, nil
}

// StateCounts returns how many risks are in each workflow state, counted
// by the store (a GROUP BY on an [aims.Querier]) without reading any
// risk.
func (r *Register) StateCounts(ctx context.Context) (map[State]int, error) {
	m, err := aims.GroupCount(ctx, r.ws.Store(), r.ws.Tenant(), aims.Query{Kind: Kind}, attrState)
	if err != nil {
		return nil, aims.E("count", Kind, "", err)
	}
	out := make(map[State]int, len(m))
	for k, n := range m {
		out[State(k)] += n
	}
	return out, nil
}

// BandCounts returns how many risks matching f stand at each current band
// (residual when assessed, else inherent), counted by the store as
// [Register.StateCounts] is; risks never assessed are not counted. Pass
// Filter{State: ...} to count one state.
func (r *Register) BandCounts(ctx context.Context, f Filter) (map[string]int, error) {
	m, err := aims.GroupCount(ctx, r.ws.Store(), r.ws.Tenant(), aims.Query{Kind: Kind, Where: f.where()}, AttrLevel)
	if err != nil {
		return nil, aims.E("count", Kind, "", err)
	}
	return m, nil
}
