package soa

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Inputs is everything an SoA is generated from. Only Catalog has a
// default; every other field may be empty.
type Inputs struct {
	// Catalog holds the controls (Annex A and the organisation's own, see
	// controls.Merge); nil means controls.ISO42001().
	Catalog *controls.Catalog
	// Requirers supply the risk treatments and impact assessments.
	Requirers []Requirer
	// Obligations require controls directly.
	Obligations []Obligation
	// Decisions include or exclude controls explicitly; per control the
	// latest (by At, then by position) wins.
	Decisions []Decision
	// Implementations give status, owner, evidence and last review per
	// control; per control the last one wins.
	Implementations []Implementation
	// Proposals suggest controls the organisation already operates; they
	// are attached to their entries (and named in the justification of an
	// undecided one) but decide nothing.
	Proposals []Proposal
	// Number, Title, Organization and Scope are copied into the SoA; an
	// empty Title becomes "Statement of Applicability", a zero Number 1.
	Number       int
	Title        string
	Organization string
	Scope        string
	// GeneratedAt is stamped on the SoA. Generate never reads the clock, so
	// the same inputs give the same SoA; [Service] passes the workspace
	// clock's time.
	GeneratedAt time.Time
}

// DefaultTitle is the title of an SoA generated without one.
const DefaultTitle = "Statement of Applicability"

// maxListed bounds the sources of one kind a justification names; the
// rest are counted ("and 12 more risks"). Sources lists them all.
const maxListed = 10

// ctxEvery is how many requirements pass between context checks.
const ctxEvery = 1 << 12

// Generate builds a Statement of Applicability: one entry per catalog
// control, in catalog order, applicable when a decision includes it or
// when a risk treatment, impact assessment or obligation requires it and
// no decision excludes it; excluded only when a person's decision says so
// with a reason; undecided otherwise ("nothing requires it" is not an
// exclusion an auditor accepts). Each entry gets a plain-language justification
// naming its sources and decision. References to controls the catalog does
// not hold are kept in [SoA.Unresolved] for [Validate] to report, rather
// than failing: an SoA with a typo in one risk is still worth reading.
//
// Generate fails only on malformed input (a requirement without a control
// or source id, an invalid obligation or decision shape; a
// [*aims.ValidationError] listing up to 100 problems) or when a
// [Requirer] fails. The output depends only on in: the same inputs give a
// byte-identical rendering.
func Generate(ctx context.Context, in Inputs) (*SoA, error) {
	cat := in.Catalog
	if cat == nil {
		cat = controls.ISO42001()
	}
	s := &SoA{
		Number:         cmp.Or(in.Number, 1),
		Title:          cmp.Or(in.Title, DefaultTitle),
		Organization:   in.Organization,
		Scope:          in.Scope,
		Catalog:        cat.ID(),
		CatalogVersion: cat.Version(),
		GeneratedAt:    in.GeneratedAt,
	}
	index := map[string]int{}
	for c := range cat.Controls() {
		index[c.ID] = len(s.Entries)
		s.Entries = append(s.Entries, Entry{Control: c.ID, Title: c.Title, Origin: c.Origin, Objective: c.Objective})
	}
	g := generator{s: s, index: index, buckets: make([][]Source, len(s.Entries)),
		owner: make([]int, len(s.Entries)), clean: make([]bool, len(s.Entries)), cur: -1}

	for i, r := range in.Requirers {
		if r == nil {
			g.problems.Addf(fmt.Sprintf("requirers[%d]", i), "is nil")
			continue
		}
		_, ok := r.(orderedRequirer)
		g.cur, g.curOrdered = i, ok
		if err := g.collect(ctx, fmt.Sprintf("requirers[%d]", i), r); err != nil {
			return nil, err
		}
	}
	g.cur, g.curOrdered = -1, false
	for i := range in.Obligations {
		o := &in.Obligations[i]
		path := fmt.Sprintf("obligations[%d].", i)
		n := g.problems.Len()
		o.check(&g.problems, path)
		if g.problems.Len() > n {
			continue
		}
		src := o.Source()
		for _, c := range o.Controls {
			g.add(Requirement{Control: c, Source: src})
		}
	}
	decided := make([]int, len(s.Entries)) // index+1 into in.Decisions
	for i := range in.Decisions {
		d := &in.Decisions[i]
		path := fmt.Sprintf("decisions[%d].", i)
		if !aims.ValidName(d.Control) {
			g.problems.Addf(path+"control", "must be a control id, got %q", d.Control)
			continue
		}
		if !d.Choice.Valid() {
			g.problems.Addf(path+"choice", "must be %q or %q, got %q", Include, Exclude, d.Choice)
			continue
		}
		k, ok := index[d.Control]
		if !ok {
			g.unresolved(d.Control, Source{Kind: SourceDecision, ID: d.Control, Title: string(d.Choice) + ": " + d.Reason, Detail: d.By})
			continue
		}
		if prev := decided[k]; prev == 0 || !in.Decisions[prev-1].At.After(d.At) {
			decided[k] = i + 1
		}
	}
	impl := make([]int, len(s.Entries))
	for i := range in.Implementations {
		im := &in.Implementations[i]
		n := g.problems.Len()
		im.check(&g.problems, fmt.Sprintf("implementations[%d].", i))
		if g.problems.Len() > n {
			continue
		}
		k, ok := index[im.Control]
		if !ok {
			g.unresolved(im.Control, Source{Kind: SourceImplementation, ID: im.Control, Title: string(im.Status), Detail: im.Owner})
			continue
		}
		impl[k] = i + 1
	}
	props := make([][]Proposal, len(s.Entries))
	for i, pr := range in.Proposals {
		path := fmt.Sprintf("proposals[%d].", i)
		if !aims.ValidName(pr.Control) {
			g.problems.Addf(path+"control", "must be a control id, got %q", pr.Control)
			continue
		}
		if strings.TrimSpace(pr.Evidence) == "" {
			g.problems.Add(path+"evidence", "is required: say what shows the control is operated")
			continue
		}
		if k, ok := index[pr.Control]; ok && !slices.Contains(props[k], pr) {
			props[k] = append(props[k], pr)
		}
	}
	if err := g.problems.Err(); err != nil {
		return nil, err
	}

	var b strings.Builder
	for k := range s.Entries {
		e := &s.Entries[k]
		if e.Sources = g.buckets[k]; !g.clean[k] {
			e.Sources = normalise(e.Sources)
		}
		if d := decided[k]; d != 0 {
			dec := in.Decisions[d-1]
			e.Decision = &dec
		}
		e.Applicable = len(e.Sources) > 0
		if e.Decision != nil {
			e.Applicable = e.Decision.Choice == Include
		}
		e.Undecided = !e.Applicable && e.Decision == nil
		if len(props[k]) > 0 {
			e.Proposals = slices.Clone(props[k])
			slices.SortFunc(e.Proposals, func(a, b Proposal) int { return strings.Compare(a.Evidence, b.Evidence) })
		}
		if i := impl[k]; i != 0 {
			im := &in.Implementations[i-1]
			e.Status, e.Owner, e.LastReview = im.Status, im.Owner, im.LastReview
			e.Evidence = slices.Clone(im.Evidence)
		}
		b.Reset()
		justify(&b, e)
		e.Justification = b.String()
	}
	slices.SortStableFunc(s.Unresolved, func(a, b Requirement) int {
		if c := natsort.Compare(a.Control, b.Control); c != 0 {
			return c
		}
		return cmpSource(a.Source, b.Source)
	})
	return s, nil
}

type generator struct {
	s        *SoA
	index    map[string]int
	buckets  [][]Source
	problems aims.Problems
	n        int

	// cur is the index of the requirer being collected (-1 for the
	// obligations), curOrdered whether it is an [orderedRequirer]. A
	// bucket filled by one ordered requirer alone (owner, clean) is in
	// order without duplicates: normalise is skipped, so that a register
	// of a million risks is not compared id by id again.
	cur        int
	curOrdered bool
	owner      []int
	clean      []bool
}

// orderedRequirer is a [Requirer] whose requirements come, for each
// control, in the order an entry lists its sources (kind, then natural
// order of id), each source at most once per control.
type orderedRequirer interface {
	Requirer
	ordered()
}

// maxProblems bounds the problems one generation reports, so a broken
// requirer with a million bad rows does not build a million-line error.
const maxProblems = 100

func (g *generator) collect(ctx context.Context, path string, r Requirer) error {
	i := -1
	for req, err := range r.Requirements(ctx) {
		i++
		if err != nil {
			return fmt.Errorf("soa: %s: requirement %d: %w", path, i, err)
		}
		if g.n++; g.n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch {
		case req.Control == "":
			g.problem(fmt.Sprintf("%s: requirement %d (%s %s).control", path, i, req.Source.Kind, req.Source.ID), "is required")
			continue
		case req.Source.ID == "":
			g.problem(fmt.Sprintf("%s: requirement %d (control %s).source.id", path, i, req.Control), "is required")
			continue
		case req.Source.Kind != SourceRisk && req.Source.Kind != SourceImpact && req.Source.Kind != SourceObligation:
			g.problem(fmt.Sprintf("%s: requirement %d (control %s).source.kind", path, i, req.Control),
				fmt.Sprintf("must be risk, impact or obligation, got %q", req.Source.Kind))
			continue
		}
		g.add(req)
	}
	return ctx.Err()
}

func (g *generator) problem(path, rule string) {
	if g.problems.Len() < maxProblems {
		g.problems.Add(path, rule)
	}
}

func (g *generator) add(req Requirement) {
	k, ok := g.index[req.Control]
	if !ok {
		g.unresolved(req.Control, req.Source)
		return
	}
	b := g.buckets[k]
	switch {
	case len(b) == 0:
		g.owner[k], g.clean[k] = g.cur, g.curOrdered
	case g.owner[k] != g.cur || !g.curOrdered:
		g.clean[k] = false
	}
	if len(b) == cap(b) {
		// Double rather than let append grow large slices by 1.25x: the
		// buckets of a big register then cost two copies, not five.
		nb := make([]Source, len(b), max(8, 2*cap(b)))
		copy(nb, b)
		b = nb
	}
	g.buckets[k] = append(b, req.Source)
}

func (g *generator) unresolved(control string, src Source) {
	g.s.Unresolved = append(g.s.Unresolved, Requirement{Control: control, Source: src})
}

// cmpSource orders sources: by kind (risks first), then natural id order.
func cmpSource(a, b Source) int {
	if a.Kind != b.Kind {
		return a.Kind.rank() - b.Kind.rank()
	}
	return natsort.Compare(a.ID, b.ID)
}

// normalise sorts srcs (unless already sorted: the usual case for a
// register listed in id order) and drops repeats of the same source,
// keeping the first.
func normalise(srcs []Source) []Source {
	if len(srcs) < 2 {
		return srcs
	}
	if !slices.IsSortedFunc(srcs, cmpSource) {
		slices.SortStableFunc(srcs, cmpSource)
	}
	return slices.CompactFunc(srcs, func(a, b Source) bool { return a.Kind == b.Kind && a.ID == b.ID })
}

// justify writes e's justification. The wording is fixed so that the
// same entry always reads the same, and so that a reader can tell at once
// whether a control is in, why, and on whose word.
func justify(b *strings.Builder, e *Entry) {
	d := e.Decision
	switch {
	case e.Applicable:
		b.WriteString("Applicable: ")
		n := writeSources(b, e.Sources)
		if d != nil {
			if n > 0 {
				b.WriteString("; ")
			}
			writeDecision(b, "included", d)
		}
	case d != nil:
		b.WriteString("Not applicable: ")
		writeDecision(b, "excluded", d)
		if len(e.Sources) > 0 {
			b.WriteString(". Conflict: the exclusion overrides that it is ")
			writeSources(b, e.Sources)
		}
	default:
		b.WriteString("Undecided: no risk treatment, impact assessment or obligation requires it and nobody has decided on it; include it, or exclude it with a reason")
		for i, p := range e.Proposals {
			if i == 0 {
				b.WriteString(". Proposed as applicable: ")
			} else {
				b.WriteString("; ")
			}
			b.WriteString(strings.TrimRight(oneLine(p.Evidence), ". "))
		}
	}
	b.WriteByte('.')
}

// writeSources writes "required to treat R-1 (...) and R-2 (...); required
// by impact assessment ...; required by obligation ..." and returns how
// many kinds it wrote.
func writeSources(b *strings.Builder, srcs []Source) int {
	kinds := 0
	for i := 0; i < len(srcs); {
		j := i + 1
		for j < len(srcs) && srcs[j].Kind == srcs[i].Kind {
			j++
		}
		if kinds > 0 {
			b.WriteString("; ")
		}
		kinds++
		group := srcs[i:j]
		switch group[0].Kind {
		case SourceRisk:
			b.WriteString("required to treat ")
		case SourceImpact:
			b.WriteString("required by impact assessment ")
		case SourceObligation:
			b.WriteString("required by obligation ")
		default:
			b.WriteString("required by ")
			b.WriteString(string(group[0].Kind))
			b.WriteByte(' ')
		}
		listed := min(len(group), maxListed)
		for k := range listed {
			switch {
			case k == 0:
			case k == len(group)-1:
				b.WriteString(" and ")
			default:
				b.WriteString(", ")
			}
			writeSource(b, &group[k])
		}
		if rest := len(group) - listed; rest > 0 {
			b.WriteString(" and ")
			b.WriteString(strconv.Itoa(rest))
			b.WriteString(" more")
			switch group[0].Kind {
			case SourceRisk:
				b.WriteString(" risks")
			case SourceImpact:
				b.WriteString(" impact assessments")
			case SourceObligation:
				b.WriteString(" obligations")
			}
		}
		i = j
	}
	return kinds
}

// writeSource writes "R-12 (high: Bias in credit decisions)" for risks and
// impacts, "OBL-3 (EU AI Act Art. 12)" for obligations.
func writeSource(b *strings.Builder, s *Source) {
	b.WriteString(oneLine(s.ID))
	var label, text string
	if s.Kind == SourceObligation {
		text = cmp.Or(s.Detail, s.Title)
	} else {
		label, text = s.Level, s.Title
	}
	label, text = oneLine(label), oneLine(text)
	switch {
	case label != "" && text != "":
		b.WriteString(" (" + label + ": " + text + ")")
	case label != "" || text != "":
		b.WriteString(" (" + label + text + ")")
	}
}

// writeDecision writes "excluded by alice on 2026-11-20: reason".
func writeDecision(b *strings.Builder, verb string, d *Decision) {
	b.WriteString(verb)
	if d.By != "" {
		b.WriteString(" by ")
		b.WriteString(oneLine(d.By))
	}
	if !d.At.IsZero() {
		b.WriteString(" on ")
		b.WriteString(d.At.UTC().Format(time.DateOnly))
	}
	if r := strings.TrimRight(oneLine(d.Reason), ". "); r != "" {
		b.WriteString(": ")
		b.WriteString(r)
	} else {
		b.WriteString(" without a reason")
	}
}

// oneLine folds white space runs (newlines included) into single spaces,
// so user text cannot break the layout of a justification.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\t\v\f") && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
