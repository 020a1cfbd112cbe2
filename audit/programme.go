package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Programme is the internal audit programme (9.2.2): how often audits
// happen, how they are done, who is responsible, against which criteria
// and over which areas.
type Programme struct {
	aims.Meta
	Title string `json:"title"`
	// FrequencyDays is the longest interval between two audits of an area.
	FrequencyDays int `json:"frequencyDays"`
	// Methods lists the audit methods, e.g. "document review", "interview",
	// "sampling of records".
	Methods []string `json:"methods"`
	// Responsible is the actor who manages the programme.
	Responsible string `json:"responsible"`
	// Criteria lists the audit criteria, e.g. "ISO/IEC 42001:2023",
	// "AI policy".
	Criteria []string `json:"criteria"`
	// Areas is the programme's scope, with owners and risk.
	Areas []Area `json:"areas"`
}

// Validate checks the programme.
func (pr *Programme) Validate() error {
	var p aims.Problems
	checkKind(&p, &pr.Meta, KindProgramme)
	p.Require("title", pr.Title)
	if pr.FrequencyDays < 1 {
		p.Addf("frequencyDays", "must be at least 1, got %d", pr.FrequencyDays)
	}
	if len(pr.Methods) == 0 {
		p.Add("methods", "must list at least one audit method")
	}
	checkTexts(&p, "methods", pr.Methods)
	checkActor(&p, "responsible", pr.Responsible, true)
	if len(pr.Criteria) == 0 {
		p.Add("criteria", "must list at least one audit criterion")
	}
	checkTexts(&p, "criteria", pr.Criteria)
	if len(pr.Areas) == 0 {
		p.Add("areas", "must list at least one area")
	}
	checkAreas(&p, "areas", pr.Areas)
	return p.Err()
}

// Attributes returns the filterable attributes: responsible.
func (pr *Programme) Attributes() map[string]string {
	return map[string]string{"responsible": pr.Responsible}
}

// AreaPriority is an area's place in the audit schedule.
type AreaPriority struct {
	Area
	// Findings counts the earlier nonconformity findings in the area.
	Findings int `json:"findings"`
	// LastAudited is when an audit last completed over the area.
	LastAudited time.Time `json:"lastAudited,omitzero"`
	// Due is when the area must next be audited.
	Due time.Time `json:"due"`
}

// Prioritise orders areas for auditing: higher risk first, then more
// earlier findings, then the longest since audited (never audited first),
// then natural id order. findings and audits are the history to weigh;
// frequency sets Due from LastAudited (never audited: due now).
func Prioritise(now time.Time, frequencyDays int, areas []Area, findings []*Finding, audits []*Audit) []AreaPriority {
	out := make([]AreaPriority, len(areas))
	for i, a := range areas {
		ap := AreaPriority{Area: a}
		for _, f := range findings {
			if f.Type.Nonconformity() && covers(a.ID, f.Ref) {
				ap.Findings++
			}
		}
		for _, au := range audits {
			if AuditState(au.State) != AuditCompleted {
				continue
			}
			if slices.ContainsFunc(au.Areas, func(x Area) bool { return covers(x.ID, a.ID) || covers(a.ID, x.ID) }) && au.Completed.After(ap.LastAudited) {
				ap.LastAudited = au.Completed
			}
		}
		ap.Due = now
		if !ap.LastAudited.IsZero() {
			ap.Due = ap.LastAudited.AddDate(0, 0, frequencyDays)
		}
		out[i] = ap
	}
	slices.SortStableFunc(out, func(a, b AreaPriority) int {
		if c := cmp.Compare(b.RiskLevel, a.RiskLevel); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Findings, a.Findings); c != 0 {
			return c
		}
		if c := a.LastAudited.Compare(b.LastAudited); c != 0 {
			return c
		}
		return natsort.Compare(a.ID, b.ID)
	})
	return out
}

// ChecklistItem is one question of an audit checklist and its answer.
type ChecklistItem struct {
	// Ref is the clause or control.
	Ref   string `json:"ref"`
	Title string `json:"title"`
	// Question is what the auditor looks for, from the catalog's summary.
	Question string `json:"question"`
	// Expected lists the documented information the clause requires.
	Expected []string `json:"expected,omitempty"`
	// Result is empty until the auditor records it.
	Result Result `json:"result,omitempty"`
	// Evidence lists what the auditor saw.
	Evidence []string `json:"evidence,omitempty"`
	Notes    string   `json:"notes,omitempty"`
	// Auditor recorded the result.
	Auditor string `json:"auditor,omitempty"`
}

// Result is a checklist answer. Values are append-only.
type Result string

// Results.
const (
	ResultConforms      Result = "conforms"
	ResultNonconforming Result = "nonconforming"
	ResultNotApplicable Result = "not-applicable"
)

// Valid reports whether r is a known result.
func (r Result) Valid() bool {
	return r == ResultConforms || r == ResultNonconforming || r == ResultNotApplicable
}

// Checklist builds an audit checklist from the catalog: every requirement
// clause of 4 to 10 (headings left out) whose id is covered by scope (nil:
// all), then each control of applicable (the controls the current SoA
// marks applicable), in natural order. Unknown control ids are an error
// naming them.
func Checklist(cat *controls.Catalog, scope []string, applicable []string) ([]ChecklistItem, error) {
	in := func(ref string) bool {
		return len(scope) == 0 || slices.ContainsFunc(scope, func(s string) bool { return covers(s, ref) || covers(ref, s) })
	}
	var out []ChecklistItem
	for cl := range cat.Clauses() {
		if cl.Heading || !in(cl.ID) {
			continue
		}
		out = append(out, ChecklistItem{Ref: cl.ID, Title: cl.Title, Question: cl.Summary, Expected: slices.Clone(cl.DocumentedInformation)})
	}
	ids := slices.Clone(applicable)
	sortRefs(ids)
	ids = slices.Compact(ids)
	var p aims.Problems
	for i, id := range ids {
		ct, err := cat.Control(id)
		if err != nil {
			p.Addf(fmt.Sprintf("applicable[%d]", i), "unknown control %q", id)
			continue
		}
		out = append(out, ChecklistItem{Ref: ct.ID, Title: ct.Title, Question: ct.Summary})
	}
	return out, p.Err()
}

// Programmes is the store of audit programmes.
type Programmes struct {
	c *aims.Collection[Programme, *Programme]
}

// NewProgrammes returns the programmes of ws.
func NewProgrammes(ws *aims.Workspace) *Programmes {
	return &Programmes{c: aims.NewCollection[Programme](ws, KindProgramme, 1)}
}

// Create stores a programme.
func (ps *Programmes) Create(ctx context.Context, actor string, pr *Programme) error {
	return ps.c.Create(ctx, actor, pr)
}

// Get returns the programme with id.
func (ps *Programmes) Get(ctx context.Context, id string) (*Programme, error) {
	return ps.c.Get(ctx, id)
}

// Update stores a changed programme at its version.
func (ps *Programmes) Update(ctx context.Context, actor string, pr *Programme) error {
	return ps.c.Update(ctx, actor, pr)
}

// All returns every programme, by id.
func (ps *Programmes) All(ctx context.Context) ([]*Programme, error) { return ps.c.All(ctx, nil) }

// joinRefs prints a list of refs for reports.
func joinRefs(refs []string) string {
	if len(refs) == 0 {
		return "-"
	}
	return strings.Join(refs, ", ")
}
