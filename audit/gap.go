package audit

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/aimsgo/iso42001/internal/mdtext"
	"html"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Maturity is a capability level from 0 to 5.
type Maturity int

// Maturity levels.
const (
	MaturityNone Maturity = iota
	MaturityInitial
	MaturityManaged
	MaturityDefined
	MaturityMeasured
	MaturityOptimising
)

var maturityNames = [...]string{"none", "initial", "managed", "defined", "measured", "optimising"}

// Valid reports whether m is between 0 and 5.
func (m Maturity) Valid() bool { return m >= MaturityNone && m <= MaturityOptimising }

// String returns the level's name.
func (m Maturity) String() string {
	if !m.Valid() {
		return fmt.Sprintf("maturity(%d)", int(m))
	}
	return maturityNames[m]
}

// Rating is a person's maturity rating of a clause or control; its id is
// the ref. A rating overrides what the records suggest.
type Rating struct {
	aims.Meta
	Level    Maturity `json:"level"`
	Evidence []string `json:"evidence,omitempty"`
}

// Validate checks the rating.
func (r *Rating) Validate() error {
	var p aims.Problems
	checkKind(&p, &r.Meta, KindRating)
	if !r.Level.Valid() {
		p.Addf("level", "must be between 0 and 5, got %d", r.Level)
	}
	checkTexts(&p, "evidence", r.Evidence)
	return p.Err()
}

// Proposal is a maturity level suggested by records, with the evidence.
type Proposal struct {
	Level    Maturity
	Evidence []string
}

// Proposer suggests levels from records the audit package cannot read
// (risk criteria and assessments, an approved SoA), keyed by ref; the
// highest proposal for a ref wins.
type Proposer func(ctx context.Context, ws *aims.Workspace) (map[string]Proposal, error)

// GapItem is the maturity of one clause or control.
type GapItem struct {
	Ref   string   `json:"ref"`
	Title string   `json:"title"`
	Group string   `json:"group"`
	Level Maturity `json:"level"`
	// Source is "records", "person" or "none".
	Source   string   `json:"source"`
	Evidence []string `json:"evidence,omitempty"`
}

// RoadmapStep is one gap to close, in the order to close it.
type RoadmapStep struct {
	// Wave groups steps that can proceed together: every step's Needs are
	// in earlier waves.
	Wave   int      `json:"wave"`
	Ref    string   `json:"ref"`
	Title  string   `json:"title"`
	From   Maturity `json:"from"`
	To     Maturity `json:"to"`
	Risk   int      `json:"risk"`
	Effort int      `json:"effort"`
	Needs  []string `json:"needs,omitempty"`
}

// GapAssessment is the result of [Gap.Assess].
type GapAssessment struct {
	Target  Maturity      `json:"target"`
	Items   []GapItem     `json:"items"`
	Roadmap []RoadmapStep `json:"roadmap"`
}

// GapOptions tunes [Gap.Assess]. The zero value means the defaults.
type GapOptions struct {
	// Target is the level every item should reach; default defined (3).
	Target Maturity
	// Risk is the risk a gap leaves, by ref (higher first in the roadmap).
	Risk map[string]int
	// Effort estimates the work to close a gap, by ref; default the number
	// of levels to climb.
	Effort map[string]int
	// Proposers add record-based proposals.
	Proposers []Proposer
}

// Gap assesses maturity per clause 4-10 and per control. It is safe for
// concurrent use.
type Gap struct {
	ws      *aims.Workspace
	cat     *controls.Catalog
	ratings *aims.Collection[Rating, *Rating]
}

// NewGap returns the gap assessment of ws over cat (nil: ISO42001).
func NewGap(ws *aims.Workspace, cat *controls.Catalog) *Gap {
	if cat == nil {
		cat = controls.ISO42001()
	}
	return &Gap{ws: ws, cat: cat, ratings: aims.NewCollection[Rating](ws, KindRating, 1)}
}

// Set records a person's rating of ref, creating or replacing it.
func (g *Gap) Set(ctx context.Context, actor, ref string, level Maturity, evidence []string) error {
	if !g.cat.Contains(ref) {
		if _, err := g.cat.Clause(ref); err != nil {
			return aims.E("rate", KindRating, ref, aims.Invalid("ref", fmt.Sprintf("%q is no clause or control of the catalog", ref)))
		}
	}
	cur, err := g.ratings.Get(ctx, ref)
	if err != nil {
		return g.ratings.Create(ctx, actor, &Rating{Meta: aims.Meta{ID: ref}, Level: level, Evidence: evidence})
	}
	cur.Level, cur.Evidence = level, evidence
	return g.ratings.Update(ctx, actor, cur)
}

// clauseNeeds is what each clause builds on: the roadmap closes these
// gaps first.
var clauseNeeds = map[string][]string{
	"4.2": {"4.1"}, "4.3": {"4.1", "4.2"}, "4.4": {"4.3"},
	"5.1": {"4.4"}, "5.2": {"4.3"}, "5.3": {"5.2"},
	"6.1.1": {"4.3", "5.2"}, "6.1.2": {"6.1.1"}, "6.1.3": {"6.1.2"}, "6.1.4": {"6.1.1"}, "6.2": {"5.2"}, "6.3": {"6.2"},
	"7.1": {"5.3"}, "7.2": {"5.3"}, "7.3": {"5.2"}, "7.4": {"5.3"}, "7.5.1": {"4.4"}, "7.5.2": {"7.5.1"}, "7.5.3": {"7.5.2"},
	"8.1": {"6.1.3", "6.2"}, "8.2": {"6.1.2"}, "8.3": {"6.1.3"}, "8.4": {"6.1.4"},
	"9.1": {"6.2", "8.1"}, "9.2.1": {"8.1"}, "9.2.2": {"9.2.1"}, "9.3.1": {"9.1", "9.2.2"}, "9.3.2": {"9.3.1"}, "9.3.3": {"9.3.2"},
	"10.1": {"9.3.3"}, "10.2": {"9.2.2"},
}

// group returns the radar group of ref: "4".."10" or "A.2".."A.10".
func group(ref string) string {
	parts := strings.Split(ref, ".")
	if parts[0] == "A" && len(parts) > 1 {
		return "A." + parts[1]
	}
	return parts[0]
}

type evidenceSet map[string]Proposal

func (e evidenceSet) propose(ref string, l Maturity, why string) {
	p := e[ref]
	if l > p.Level {
		p.Level = l
	}
	p.Evidence = append(p.Evidence, why)
	e[ref] = p
}

// proposals derives levels from the records the audit package can read.
func (g *Gap) proposals(ctx context.Context) (evidenceSet, error) {
	e := evidenceSet{}
	ws := g.ws
	count := func(kind string, where map[string]string) (int, error) {
		n := 0
		q := aims.Query{Kind: kind, Where: where, Limit: aims.MaxPageSize}
		for {
			page, err := ws.Store().List(ctx, ws.Tenant(), q)
			if err != nil {
				return 0, err
			}
			n += len(page.Records)
			if page.Next == "" {
				return n, nil
			}
			q.After = page.Next
		}
	}
	simple := []struct {
		ref, kind string
		where     map[string]string
		level     Maturity
		what      string
	}{
		{"4.1", aims.KindContextIssue, nil, MaturityManaged, "context issues recorded"},
		{"4.2", aims.KindInterestedParty, nil, MaturityManaged, "interested parties recorded"},
		{"4.3", aims.KindScope, nil, MaturityManaged, "scope recorded"},
		{"4.3", aims.KindAISystem, nil, MaturityManaged, "AI systems inventoried"},
		{"5.3", aims.KindRoleAssignment, nil, MaturityManaged, "roles assigned"},
		{"6.2", aims.KindObjective, nil, MaturityManaged, "objectives set"},
		{"6.2", KindMetric, nil, MaturityMeasured, "objectives measured by metrics"},
		{"9.1", KindMetric, nil, MaturityManaged, "metrics defined"},
		{"9.1", KindMeasurement, nil, MaturityDefined, "measurements recorded"},
		{"9.2.1", KindAudit, map[string]string{"state": string(AuditCompleted)}, MaturityDefined, "internal audits completed"},
		{"9.2.2", KindProgramme, nil, MaturityManaged, "audit programme recorded"},
		{"9.2.2", KindAudit, map[string]string{"state": string(AuditCompleted)}, MaturityDefined, "audits under the programme completed"},
		{"9.3.1", KindReview, map[string]string{"state": string(ReviewHeld)}, MaturityDefined, "management reviews held"},
		{"9.3.2", KindReview, map[string]string{"state": string(ReviewHeld)}, MaturityDefined, "review inputs gathered from records"},
		{"9.3.3", KindReview, map[string]string{"state": string(ReviewHeld)}, MaturityDefined, "review results recorded"},
		{"10.1", KindNonconformity, map[string]string{"type": string(TypeImprovement)}, MaturityManaged, "improvements tracked"},
		{"10.2", KindNonconformity, map[string]string{"type": string(TypeNonconformity)}, MaturityManaged, "nonconformities tracked"},
		{"10.2", KindNonconformity, map[string]string{"type": string(TypeNonconformity), "state": string(NCClosed)}, MaturityDefined, "nonconformities closed after verification"},
	}
	for _, s := range simple {
		n, err := count(s.kind, s.where)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			e.propose(s.ref, s.level, fmt.Sprintf("%s (%d)", s.what, n))
		}
	}
	ix, err := loadDocs(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, d := range ix {
		for _, c := range d.Clauses {
			e.propose(c, MaturityDefined, fmt.Sprintf("document %s is %s", d.ID, d.State))
		}
		if d.AIPolicy {
			e.propose("5.2", MaturityDefined, fmt.Sprintf("AI policy %s is %s", d.ID, d.State))
		}
	}
	audits, err := NewAudits(ws, g.cat).c.All(ctx, map[string]string{"state": string(AuditCompleted)})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(audits, func(a, b *Audit) int { return a.Completed.Compare(b.Completed) })
	last := map[string]ChecklistItem{}
	for _, a := range audits {
		for _, it := range a.Checklist {
			last[it.Ref] = it
		}
	}
	for ref, it := range last {
		switch it.Result {
		case ResultConforms:
			e.propose(ref, MaturityMeasured, "found conforming by internal audit")
		case ResultNonconforming:
			e.propose(ref, MaturityInitial, "found nonconforming by internal audit")
		}
	}
	return e, nil
}

// Assess computes every item's maturity (a person's rating wins, then the
// highest record-based proposal, else none) and the roadmap of gaps below
// the target.
func (g *Gap) Assess(ctx context.Context, opts *GapOptions) (*GapAssessment, error) {
	var o GapOptions
	if opts != nil {
		o = *opts
	}
	if o.Target == 0 {
		o.Target = MaturityDefined
	}
	if !o.Target.Valid() {
		return nil, aims.Invalid("target", fmt.Sprintf("must be between 0 and 5, got %d", o.Target))
	}
	props, err := g.proposals(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range o.Proposers {
		m, err := p(ctx, g.ws)
		if err != nil {
			return nil, fmt.Errorf("gap proposer: %w", err)
		}
		for ref, pr := range m {
			for _, ev := range pr.Evidence {
				props.propose(ref, pr.Level, ev)
			}
			if len(pr.Evidence) == 0 {
				props.propose(ref, pr.Level, "proposed by caller")
			}
		}
	}
	ratings := map[string]*Rating{}
	for r, err := range g.ratings.List(ctx, nil) {
		if err != nil {
			return nil, err
		}
		ratings[r.ID] = r
	}
	a := &GapAssessment{Target: o.Target, Items: []GapItem{}, Roadmap: []RoadmapStep{}}
	needs := map[string][]string{}
	add := func(ref, title string, deps []string) {
		it := GapItem{Ref: ref, Title: title, Group: group(ref), Source: "none"}
		if r := ratings[ref]; r != nil {
			it.Level, it.Source, it.Evidence = r.Level, "person", slices.Clone(r.Evidence)
		} else if p, ok := props[ref]; ok {
			it.Level, it.Source, it.Evidence = p.Level, "records", slices.Clone(p.Evidence)
			slices.Sort(it.Evidence)
		}
		a.Items = append(a.Items, it)
		needs[ref] = deps
	}
	for cl := range g.cat.Clauses() {
		if !cl.Heading {
			add(cl.ID, cl.Title, clauseNeeds[cl.ID])
		}
	}
	for ct := range g.cat.Controls() {
		add(ct.ID, ct.Title, ct.RelatedClauses)
	}
	a.Roadmap = roadmap(a.Items, needs, o)
	return a, nil
}

// roadmap orders the gaps in waves: a gap waits for the gaps it needs;
// within a wave, higher risk, then lower effort, then natural order.
func roadmap(items []GapItem, needs map[string][]string, o GapOptions) []RoadmapStep {
	gaps := map[string]GapItem{}
	for _, it := range items {
		if it.Level < o.Target {
			gaps[it.Ref] = it
		}
	}
	wave := map[string]int{}
	var depth func(ref string, seen map[string]bool) int
	depth = func(ref string, seen map[string]bool) int {
		if w, ok := wave[ref]; ok {
			return w
		}
		if seen[ref] { // a cycle in the table: treat as no dependency
			return 0
		}
		seen[ref] = true
		w := 1
		for _, d := range needs[ref] {
			if _, isGap := gaps[d]; isGap && d != ref {
				w = max(w, depth(d, seen)+1)
			}
		}
		wave[ref] = w
		return w
	}
	out := make([]RoadmapStep, 0, len(gaps))
	for ref, it := range gaps {
		effort, ok := o.Effort[ref]
		if !ok {
			effort = int(o.Target - it.Level)
		}
		var deps []string
		for _, d := range needs[ref] {
			if _, isGap := gaps[d]; isGap {
				deps = append(deps, d)
			}
		}
		sortRefs(deps)
		out = append(out, RoadmapStep{Wave: depth(ref, map[string]bool{}), Ref: ref, Title: it.Title, From: it.Level, To: o.Target,
			Risk: o.Risk[ref], Effort: effort, Needs: deps})
	}
	slices.SortFunc(out, func(a, b RoadmapStep) int {
		if c := cmp.Compare(a.Wave, b.Wave); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Risk, a.Risk); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Effort, b.Effort); c != 0 {
			return c
		}
		return natsort.Compare(a.Ref, b.Ref)
	})
	return out
}

// WriteJSON writes the assessment as indented JSON (stable: the same
// assessment writes the same bytes).
func (a *GapAssessment) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

// WriteMarkdown writes the assessment and roadmap for people.
func (a *GapAssessment) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Gap assessment (target: %d %s)\n\n| Ref | Title | Level | Source | Evidence |\n|---|---|---|---|---|\n", a.Target, a.Target)
	for _, it := range a.Items {
		fmt.Fprintf(&b, "| %s | %s | %d %s | %s | %s |\n", it.Ref, mdtext.Escape(it.Title), it.Level, it.Level, it.Source, mdtext.Escape(strings.Join(it.Evidence, "; ")))
	}
	b.WriteString("\n## Roadmap\n\n| Wave | Ref | Title | From | To | Risk | Effort | Needs |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range a.Roadmap {
		fmt.Fprintf(&b, "| %d | %s | %s | %d | %d | %d | %d | %s |\n", s.Wave, s.Ref, mdtext.Escape(s.Title), s.From, s.To, s.Risk, s.Effort, joinRefs(s.Needs))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// GroupLevels returns the mean level of each group, groups in natural
// order.
func (a *GapAssessment) GroupLevels() ([]string, []float64) {
	sum := map[string]float64{}
	n := map[string]int{}
	for _, it := range a.Items {
		sum[it.Group] += float64(it.Level)
		n[it.Group]++
	}
	groups := make([]string, 0, len(n))
	for g := range n {
		groups = append(groups, g)
	}
	sortRefs(groups)
	vals := make([]float64, len(groups))
	for i, g := range groups {
		vals[i] = sum[g] / float64(n[g])
	}
	return groups, vals
}

// WriteSVG draws a radar chart of the mean maturity per clause group
// (clauses 4-10, then Annex A objectives), with the target as a ring. The
// output is deterministic.
func (a *GapAssessment) WriteSVG(w io.Writer) error {
	groups, vals := a.GroupLevels()
	const size, height, cx, cy, radius = 480.0, 530.0, 240.0, 240.0, 180.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", size, height, size, height)
	b.WriteString("<title>AIMS maturity by clause group</title>\n")
	pt := func(i int, r float64) (float64, float64) {
		ang := 2*math.Pi*float64(i)/float64(len(groups)) - math.Pi/2
		return cx + r*math.Cos(ang), cy + r*math.Sin(ang)
	}
	poly := func(level func(i int) float64) string {
		ps := make([]string, len(groups))
		for i := range groups {
			x, y := pt(i, radius*level(i)/5)
			ps[i] = fmt.Sprintf("%.1f,%.1f", x, y)
		}
		return strings.Join(ps, " ")
	}
	for l := 1; l <= 5; l++ {
		fmt.Fprintf(&b, `<polygon points="%s" fill="none" stroke="#ccc"/>`+"\n", poly(func(int) float64 { return float64(l) }))
	}
	for i, g := range groups {
		x, y := pt(i, radius)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ccc"/>`+"\n", cx, cy, x, y)
		lx, ly := pt(i, radius+18)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", lx, ly+4, html.EscapeString(g))
	}
	// Ring levels along the first axis, and a legend below the chart.
	for l := 1; l <= 5; l++ {
		x, y := pt(0, radius*float64(l)/5)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#999" font-size="9">%d</text>`+"\n", x+3, y-2, l)
	}
	fmt.Fprintf(&b, `<rect x="40" y="%.0f" width="14" height="10" fill="#36c" fill-opacity="0.3" stroke="#36c"/>`+"\n", height-42)
	fmt.Fprintf(&b, `<text x="60" y="%.0f">mean maturity of the group (0 none ... 5 optimising)</text>`+"\n", height-33)
	fmt.Fprintf(&b, `<line x1="40" y1="%.0f" x2="54" y2="%.0f" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", height-17, height-17)
	fmt.Fprintf(&b, `<text x="60" y="%.0f">target level %d</text>`+"\n", height-13, a.Target)
	if len(groups) > 0 {
		fmt.Fprintf(&b, `<polygon points="%s" fill="none" stroke="#c33" stroke-dasharray="4 3"><title>target %d</title></polygon>`+"\n",
			poly(func(int) float64 { return float64(a.Target) }), a.Target)
		fmt.Fprintf(&b, `<polygon points="%s" fill="#36c" fill-opacity="0.3" stroke="#36c"/>`+"\n", poly(func(i int) float64 { return vals[i] }))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
