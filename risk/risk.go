package risk

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
)

// SchemaVersion is the version of the stored [Risk] document format.
const SchemaVersion = 1

// Risk is one entry of the AI risk register (ISO/IEC 42001 6.1.2, 8.2;
// the vocabulary of ISO/IEC 23894 and ISO 31000): what could go wrong,
// for which AI systems, why, how bad it is before and after treatment,
// what is done about it and who accepted what remains.
//
// The register ([Register]) sets Inherent, Treatment, Residual and
// Acceptance through its methods and the lifecycle workflow; [Register.Add]
// refuses a new risk that already carries them.
type Risk struct {
	aims.Meta
	// Title names the risk in one line.
	Title string `json:"title"`
	// Description says what could happen and to whom.
	Description string `json:"description,omitempty"`
	// Systems lists the ids of the AI systems affected (the inventory of
	// clause 4.3).
	Systems []string `json:"systems,omitempty"`
	// Sources are the Annex C.3 risk sources involved.
	Sources []controls.RiskSource `json:"sources,omitempty"`
	// Objectives are the Annex C.2 objectives the risk threatens.
	Objectives []controls.AIObjective `json:"objectives,omitempty"`
	// Owner is the actor accountable for the risk (the risk owner of
	// 6.1.3); they may accept it within the criteria's tolerance.
	Owner string `json:"owner"`
	// Causes and Consequences are what the analysis found.
	Causes       []string `json:"causes,omitempty"`
	Consequences []string `json:"consequences,omitempty"`
	// Inherent is the risk before (further) treatment.
	Inherent *Rating `json:"inherent,omitempty"`
	// Treatment is the treatment plan (6.1.3).
	Treatment *Treatment `json:"treatment,omitempty"`
	// Residual is the risk remaining after treatment.
	Residual *Rating `json:"residual,omitempty"`
	// Acceptance records who accepted the risk, when and why.
	Acceptance *Acceptance `json:"acceptance,omitempty"`
	// NextReview is when the risk must next be reviewed.
	NextReview time.Time `json:"nextReview,omitzero"`
	// Reviews lists the periodic reviews, oldest first.
	Reviews []Review `json:"reviews,omitempty"`
	// Reopenings lists the times the risk was reopened, oldest first.
	Reopenings []Reopening `json:"reopenings,omitempty"`
	// ClosedReason says why the risk was closed (the AI system was retired,
	// the source removed).
	ClosedReason string `json:"closedReason,omitempty"`
}

// Rating is a scored assessment: what was judged, the score, and who
// judged it when.
type Rating struct {
	Assessment Assessment `json:"assessment"`
	Score      Score      `json:"score"`
	// Note records the assessor's reasoning.
	Note       string    `json:"note,omitempty"`
	AssessedAt time.Time `json:"assessedAt,omitzero"`
	AssessedBy string    `json:"assessedBy,omitempty"`
}

// Option is a risk treatment option (ISO 31000 6.5.2; ISO/IEC 23894).
// Values are append-only.
type Option string

// The treatment options.
const (
	// OptionAvoid: stop or do not start the activity that gives rise to the risk.
	OptionAvoid Option = "avoid"
	// OptionRemoveSource: remove the risk source.
	OptionRemoveSource Option = "remove-source"
	// OptionChangeLikelihood: make the event less likely.
	OptionChangeLikelihood Option = "change-likelihood"
	// OptionChangeConsequence: make the consequences less severe.
	OptionChangeConsequence Option = "change-consequence"
	// OptionShare: share the risk (contracts, insurance).
	OptionShare Option = "share"
	// OptionRetain: retain the risk by informed decision.
	OptionRetain Option = "retain"
)

// Valid reports whether o is one of the defined options.
func (o Option) Valid() bool {
	switch o {
	case OptionAvoid, OptionRemoveSource, OptionChangeLikelihood, OptionChangeConsequence, OptionShare, OptionRetain:
		return true
	}
	return false
}

// Treatment is a risk treatment plan (ISO/IEC 42001 6.1.3): the options
// chosen, the controls that implement them, the actions with owners and
// due dates, the controls considered and rejected, and the residual risk
// expected.
type Treatment struct {
	// Options are the treatment options chosen; at least one.
	Options []Option `json:"options"`
	// Rationale says why these options.
	Rationale string `json:"rationale,omitempty"`
	// Controls are the controls chosen: Annex A ids or the organisation's
	// own, checked against the register's catalog.
	Controls []ControlChoice `json:"controls,omitempty"`
	// Rejected are controls considered and not chosen, each with the
	// reason (6.1.3 c: the comparison with Annex A).
	Rejected []Rejection `json:"rejected,omitempty"`
	// Actions implement the plan.
	Actions []Action `json:"actions,omitempty"`
	// Expected is the residual risk the plan is expected to leave; the
	// register scores its Assessment.
	Expected *Rating `json:"expected,omitempty"`
}

// ControlChoice is a control chosen to treat a risk.
type ControlChoice struct {
	ID   string `json:"id"`
	Note string `json:"note,omitempty"`
}

// Rejection is a control considered for a risk and not chosen.
type Rejection struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// Action is one task of a treatment plan.
type Action struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Owner string    `json:"owner"`
	Due   time.Time `json:"due"`
	// Done is when the action was completed; zero while open.
	Done time.Time `json:"done,omitzero"`
}

// Open reports whether the action is not yet done.
func (a Action) Open() bool { return a.Done.IsZero() }

// Stage names which assessment of a risk is meant.
type Stage string

// The assessment stages.
const (
	// StageInherent: before (further) treatment.
	StageInherent Stage = "inherent"
	// StageResidual: after treatment.
	StageResidual Stage = "residual"
)

// Valid reports whether s is a defined stage.
func (s Stage) Valid() bool { return s == StageInherent || s == StageResidual }

// Acceptance records the decision to accept a risk (6.1.3 f: the risk
// owners' approval of the residual risk).
type Acceptance struct {
	By    string    `json:"by"`
	At    time.Time `json:"at"`
	Basis string    `json:"basis"`
	// Stage, Band and Level are the rating accepted.
	Stage Stage  `json:"stage"`
	Band  string `json:"band"`
	Level int    `json:"level"`
}

// Review is one periodic review of a risk under monitoring.
type Review struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Note string    `json:"note,omitempty"`
}

// Trigger says why a risk was reopened.
type Trigger string

// The reopening triggers.
const (
	// TriggerReview: a review found the risk changed.
	TriggerReview Trigger = "review"
	// TriggerIncident: an incident showed the risk was misjudged or has
	// materialised.
	TriggerIncident Trigger = "incident"
)

// Valid reports whether t is a defined trigger.
func (t Trigger) Valid() bool { return t == TriggerReview || t == TriggerIncident }

// Reopening records one reopening of a risk.
type Reopening struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Trigger Trigger   `json:"trigger"`
	Reason  string    `json:"reason"`
	From    string    `json:"from"`
	// Superseded is the acceptance that no longer holds, if any.
	Superseded *Acceptance `json:"superseded,omitempty"`
}

// Limits on list sizes, so that one record stays reasonably small.
const (
	maxItems = 200
	maxText  = 10000
	maxTitle = 300
)

// Validate checks the record's own rules and reports every problem with
// its path. It does not consult the catalog (see [Register.Treat]) or the
// criteria.
func (r *Risk) Validate() error {
	var p aims.Problems
	p.Require("title", r.Title)
	checkText(&p, "title", r.Title, maxTitle)
	checkText(&p, "description", r.Description, maxText)
	if !aims.ValidName(r.Owner) {
		p.Add("owner", "is required: the actor accountable for the risk")
	}
	checkIDs(&p, "systems", r.Systems)
	checkList(&p, "sources", len(r.Sources))
	for i, s := range r.Sources {
		if !s.Valid() {
			p.Addf(fmt.Sprintf("sources[%d]", i), "unknown risk source %q", s)
		}
	}
	checkList(&p, "objectives", len(r.Objectives))
	for i, o := range r.Objectives {
		if !o.Valid() {
			p.Addf(fmt.Sprintf("objectives[%d]", i), "unknown AI objective %q", o)
		}
	}
	checkTexts(&p, "causes", r.Causes)
	checkTexts(&p, "consequences", r.Consequences)
	r.Inherent.validate(&p, "inherent")
	r.Residual.validate(&p, "residual")
	if t := r.Treatment; t != nil {
		t.validate(&p, "treatment")
	}
	if a := r.Acceptance; a != nil {
		a.validate(&p, "acceptance")
	}
	checkList(&p, "reviews", len(r.Reviews))
	for i, v := range r.Reviews {
		path := fmt.Sprintf("reviews[%d]", i)
		if v.At.IsZero() {
			p.Add(path+".at", "is required")
		}
		if !aims.ValidName(v.By) {
			p.Add(path+".by", "is required")
		}
		checkText(&p, path+".note", v.Note, maxText)
	}
	checkList(&p, "reopenings", len(r.Reopenings))
	for i, o := range r.Reopenings {
		path := fmt.Sprintf("reopenings[%d]", i)
		if !o.Trigger.Valid() {
			p.Addf(path+".trigger", "must be %q or %q, got %q", TriggerReview, TriggerIncident, o.Trigger)
		}
		p.Require(path+".reason", o.Reason)
		checkText(&p, path+".reason", o.Reason, maxText)
		if o.Superseded != nil {
			o.Superseded.validate(&p, path+".superseded")
		}
	}
	checkText(&p, "closedReason", r.ClosedReason, maxText)
	return p.Err()
}

func (g *Rating) validate(p *aims.Problems, path string) {
	if g == nil {
		return
	}
	switch {
	case g.Score.Rationale == nil:
		p.Add(path+".score.rationale", "is required")
	case g.Score.Rationale.Level < 1:
		p.Addf(path+".score.rationale.level", "must be at least 1, got %d", g.Score.Rationale.Level)
	}
	p.Require(path+".score.band", g.Score.Band)
	if !finite(g.Score.Value) {
		p.Addf(path+".score.value", "must be a finite number, got %g", g.Score.Value)
	}
	checkText(p, path+".note", g.Note, maxText)
	if len(g.Assessment.Factors) > maxItems {
		p.Addf(path+".assessment.factors", "must hold at most %d factors, got %d", maxItems, len(g.Assessment.Factors))
	}
}

func (t *Treatment) validate(p *aims.Problems, path string) {
	checkList(p, path+".options", len(t.Options))
	seen := map[Option]bool{}
	for i, o := range t.Options {
		ip := fmt.Sprintf("%s.options[%d]", path, i)
		switch {
		case !o.Valid():
			p.Addf(ip, "unknown treatment option %q (want avoid, remove-source, change-likelihood, change-consequence, share or retain)", o)
		case seen[o]:
			p.Addf(ip, "duplicate option %q", o)
		}
		seen[o] = true
	}
	checkText(p, path+".rationale", t.Rationale, maxText)
	chosen := map[string]bool{}
	checkList(p, path+".controls", len(t.Controls))
	for i, c := range t.Controls {
		ip := fmt.Sprintf("%s.controls[%d].id", path, i)
		switch {
		case !aims.ValidName(c.ID):
			p.Add(ip, "is required")
		case chosen[c.ID]:
			p.Addf(ip, "duplicate control %q", c.ID)
		}
		chosen[c.ID] = true
		checkText(p, fmt.Sprintf("%s.controls[%d].note", path, i), c.Note, maxText)
	}
	checkList(p, path+".rejected", len(t.Rejected))
	rejected := map[string]bool{}
	for i, c := range t.Rejected {
		ip := fmt.Sprintf("%s.rejected[%d]", path, i)
		switch {
		case !aims.ValidName(c.ID):
			p.Add(ip+".id", "is required")
		case chosen[c.ID]:
			p.Addf(ip+".id", "control %q is both chosen and rejected", c.ID)
		case rejected[c.ID]:
			p.Addf(ip+".id", "duplicate control %q", c.ID)
		}
		rejected[c.ID] = true
		if strings.TrimSpace(c.Reason) == "" {
			p.Add(ip+".reason", "is required: say why the control was not chosen")
		}
		checkText(p, ip+".reason", c.Reason, maxText)
	}
	checkList(p, path+".actions", len(t.Actions))
	ids := map[string]bool{}
	for i, a := range t.Actions {
		ip := fmt.Sprintf("%s.actions[%d]", path, i)
		switch {
		case !aims.ValidName(a.ID):
			p.Add(ip+".id", "is required")
		case ids[a.ID]:
			p.Addf(ip+".id", "duplicate action %q", a.ID)
		}
		ids[a.ID] = true
		p.Require(ip+".title", a.Title)
		checkText(p, ip+".title", a.Title, maxTitle)
		if !aims.ValidName(a.Owner) {
			p.Add(ip+".owner", "is required")
		}
		if a.Due.IsZero() {
			p.Add(ip+".due", "is required")
		}
	}
	t.Expected.validate(p, path+".expected")
}

func (a *Acceptance) validate(p *aims.Problems, path string) {
	if !aims.ValidName(a.By) {
		p.Add(path+".by", "is required")
	}
	if a.At.IsZero() {
		p.Add(path+".at", "is required")
	}
	p.Require(path+".basis", a.Basis)
	checkText(p, path+".basis", a.Basis, maxText)
	if !a.Stage.Valid() {
		p.Addf(path+".stage", "must be %q or %q, got %q", StageInherent, StageResidual, a.Stage)
	}
	p.Require(path+".band", a.Band)
}

func checkText(p *aims.Problems, path, s string, limit int) {
	if len(s) > limit {
		p.Addf(path, "must be at most %d bytes, got %d", limit, len(s))
	}
}

func checkList(p *aims.Problems, path string, n int) {
	if n > maxItems {
		p.Addf(path, "must hold at most %d items, got %d", maxItems, n)
	}
}

func checkTexts(p *aims.Problems, path string, list []string) {
	checkList(p, path, len(list))
	for i, s := range list {
		empty := strings.TrimSpace(s) == ""
		if !empty && len(s) <= maxText {
			continue // valid: no path to build
		}
		ip := fmt.Sprintf("%s[%d]", path, i)
		if empty {
			p.Add(ip, "must not be empty")
		}
		checkText(p, ip, s, maxText)
	}
}

func checkIDs(p *aims.Problems, path string, ids []string) {
	checkList(p, path, len(ids))
	var seen map[string]bool // for long lists; short ones are searched
	if len(ids) > 8 {
		seen = make(map[string]bool, len(ids))
	}
	for i, id := range ids {
		dup := false
		if seen != nil {
			dup, seen[id] = seen[id], true
		} else {
			dup = slices.Contains(ids[:i], id)
		}
		switch {
		case !aims.ValidName(id):
			p.Addf(fmt.Sprintf("%s[%d]", path, i), "must be an id, got %q", id)
		case dup:
			p.Addf(fmt.Sprintf("%s[%d]", path, i), "duplicate %q", id)
		}
	}
}

// Current returns the rating that stands for the risk now: the residual
// rating once assessed, else the inherent one, with its stage; nil before
// any assessment.
func (r *Risk) Current() (*Rating, Stage) {
	if r.Residual != nil {
		return r.Residual, StageResidual
	}
	if r.Inherent != nil {
		return r.Inherent, StageInherent
	}
	return nil, ""
}

// Attributes returns the indexed attributes a List can filter on:
// "owner", "level" (the current band's name), "inherent" (the inherent
// band), and one "system:<id>" = "true" per affected AI system (a record
// may affect several); and those whole-register views read instead of
// the document (residual band, treatment options and controls, accepted
// stage, review and due dates, title and the set's version): see
// [AttrIndex] and the other Attr names.
func (r *Risk) Attributes() map[string]string {
	attrs := map[string]string{"owner": r.Owner}
	if cur, _ := r.Current(); cur != nil {
		attrs["level"] = cur.Score.Band
	}
	if r.Inherent != nil {
		attrs["inherent"] = r.Inherent.Score.Band
	}
	for _, s := range r.Systems {
		if aims.ValidName("system:" + s) {
			attrs["system:"+s] = "true"
		}
	}
	r.viewAttributes(attrs)
	return attrs
}

// DecodeRisk reads one JSON risk document strictly and within bounds, as
// [aims.Decode] does (unknown fields, duplicate keys, invalid UTF-8, wrong
// types, control characters in text and inputs past
// [aims.MaxDecodeBytes], [aims.MaxDecodeDepth] or [aims.MaxDecodeValues]
// are refused), and validates it. Errors match [aims.ErrInvalid] and
// name the field.
func DecodeRisk(data []byte) (*Risk, error) {
	return aims.Decode[Risk](data)
}
