package controls

import (
	"bytes"
	_ "embed"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aimsgo/iso42001/internal/natsort"
)

//go:embed data/iso42001.json
var embedded []byte

var builtin = sync.OnceValue(func() *Catalog {
	c, err := Decode(bytes.NewReader(embedded))
	if err != nil {
		panic("controls: embedded catalog is invalid: " + err.Error())
	}
	return c
})

// ISO42001 returns the built-in ISO/IEC 42001:2023 catalog. It is parsed
// once, on first use, and shared: callers must not modify the values it
// hands out.
func ISO42001() *Catalog { return builtin() }

// Catalog is a validated, immutable set of clauses, controls, Annex C
// entries, domains and crosswalk mappings. Build one with [New], [Decode],
// [ImportOSCAL] or [Merge]. A Catalog is safe for concurrent use; the
// pointers it returns point into it and must be treated as read-only.
type Catalog struct {
	doc Document // canonical order

	clauses    map[string]*Clause
	controls   map[string]*Control
	objectives map[string]*Objective
	aiObjs     map[AIObjective]*AIObjectiveInfo
	sources    map[RiskSource]*RiskSourceInfo

	mapFrom map[string][]Mapping    // by our id, sorted by framework then ref
	mapTo   map[mapKey][]Mapping    // by framework+ref, sorted by from
	byFw    map[Framework][]Mapping // sorted by from then ref
	derived map[Framework][]Mapping // the part of byFw the SDK derived itself
	sourced map[Framework][]Mapping // the part of byFw that cites a source
	phases  map[Phase][]*Clause     // natural order
	inObj   map[string][]*Control   // objective id (and ancestors) -> controls
}

type mapKey struct {
	fw  Framework
	ref string
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func cmpControl(a, b Control) int {
	if ra, rb := originRank(a.Origin), originRank(b.Origin); ra != rb {
		return ra - rb
	}
	return natsort.Compare(a.ID, b.ID)
}

func originRank(o Origin) int {
	if o == OriginAnnexA {
		return 0
	}
	return 1
}

func cmpMappingFrom(a, b Mapping) int {
	if c := natsort.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Framework), string(b.Framework)); c != 0 {
		return c
	}
	return natsort.Compare(a.Ref, b.Ref)
}

// New validates doc and builds a catalog from a deep copy of it. Every
// problem is reported at once in a [*ValidationError] with field paths
// relative to the document ("controls[3].objective").
func New(doc Document) (*Catalog, error) {
	return build(clone(doc), func(i int) string { return sprintf("controls[%d]", i) })
}

// build validates d (owned) and indexes it. ctrlPath names controls[i] in
// problems, so Merge can point at the caller's own slice.
func build(d Document, ctrlPath func(int) string) (*Catalog, error) {
	var ps problems
	validate(&d, &ps, ctrlPath)
	if err := ps.err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(d.Clauses, func(a, b Clause) int { return natsort.Compare(a.ID, b.ID) })
	slices.SortStableFunc(d.Objectives, func(a, b Objective) int { return natsort.Compare(a.ID, b.ID) })
	slices.SortStableFunc(d.Controls, cmpControl)
	slices.SortStableFunc(d.AIObjectives, func(a, b AIObjectiveInfo) int { return natsort.Compare(a.Label, b.Label) })
	slices.SortStableFunc(d.RiskSources, func(a, b RiskSourceInfo) int { return natsort.Compare(a.Label, b.Label) })
	slices.SortStableFunc(d.Domains, func(a, b Domain) int { return natsort.Compare(a.ID, b.ID) })
	slices.SortStableFunc(d.Mappings, cmpMappingFrom)
	for i := range d.AIObjectives {
		slices.SortFunc(d.AIObjectives[i].Controls, natsort.Compare)
	}
	for i := range d.RiskSources {
		slices.SortFunc(d.RiskSources[i].Controls, natsort.Compare)
	}

	c := &Catalog{
		doc:        d,
		clauses:    make(map[string]*Clause, len(d.Clauses)),
		controls:   make(map[string]*Control, len(d.Controls)),
		objectives: make(map[string]*Objective, len(d.Objectives)),
		aiObjs:     make(map[AIObjective]*AIObjectiveInfo, len(d.AIObjectives)),
		sources:    make(map[RiskSource]*RiskSourceInfo, len(d.RiskSources)),
		mapFrom:    map[string][]Mapping{},
		mapTo:      map[mapKey][]Mapping{},
		byFw:       map[Framework][]Mapping{},
		derived:    map[Framework][]Mapping{},
		sourced:    map[Framework][]Mapping{},
		phases:     map[Phase][]*Clause{},
		inObj:      map[string][]*Control{},
	}
	for i := range c.doc.Clauses {
		cl := &c.doc.Clauses[i]
		c.clauses[cl.ID] = cl
		c.phases[cl.Phase] = append(c.phases[cl.Phase], cl)
	}
	for i := range c.doc.Objectives {
		c.objectives[c.doc.Objectives[i].ID] = &c.doc.Objectives[i]
	}
	for i := range c.doc.Controls {
		ct := &c.doc.Controls[i]
		c.controls[ct.ID] = ct
		for o := ct.Objective; o != ""; {
			c.inObj[o] = append(c.inObj[o], ct)
			ob := c.objectives[o]
			if ob == nil {
				break
			}
			o = ob.Parent
		}
	}
	for i := range c.doc.AIObjectives {
		c.aiObjs[c.doc.AIObjectives[i].ID] = &c.doc.AIObjectives[i]
	}
	for i := range c.doc.RiskSources {
		c.sources[c.doc.RiskSources[i].ID] = &c.doc.RiskSources[i]
	}
	for _, m := range c.doc.Mappings {
		c.mapFrom[m.From] = append(c.mapFrom[m.From], m)
		k := mapKey{m.Framework, m.Ref}
		c.mapTo[k] = append(c.mapTo[k], m)
		c.byFw[m.Framework] = append(c.byFw[m.Framework], m)
		if m.Derived() {
			c.derived[m.Framework] = append(c.derived[m.Framework], m)
		} else {
			c.sourced[m.Framework] = append(c.sourced[m.Framework], m)
		}
	}
	return c, nil
}

var (
	annexAID  = regexp.MustCompile(`^A\.[0-9]+(\.[0-9]+)+$`)
	clauseID  = regexp.MustCompile(`^(4|5|6|7|8|9|10)(\.[0-9]+)*$`)
	nsRE      = regexp.MustCompile(`^[A-Z][A-Z0-9]*$`)
	ownIDRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*$`)
	keyRE     = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	objIDRE   = regexp.MustCompile(`^A\.[0-9]+(\.[0-9]+)?$`)
	annexCRE  = regexp.MustCompile(`^C\.[23]\.[0-9]+$`)
	spaceTrim = func(s string) bool { return s != strings.TrimSpace(s) }
)

func validate(d *Document, ps *problems, ctrlPath func(int) string) {
	if d.Kind != DocumentKind {
		ps.add("kind", "must be %q, got %q", DocumentKind, d.Kind)
	}
	if d.SchemaVersion != DocumentSchemaVersion {
		ps.add("schemaVersion", "must be %q, got %q", DocumentSchemaVersion, d.SchemaVersion)
	}
	for _, f := range []struct{ path, v string }{{"id", d.ID}, {"title", d.Title}, {"version", d.Version}} {
		if f.v == "" {
			ps.add(f.path, "required")
		}
	}
	ids := map[string]string{} // clause or control id -> path of first use
	text := func(path, v string) {
		if v == "" {
			ps.add(path, "required")
		} else if spaceTrim(v) {
			ps.add(path, "must not start or end with white space")
		}
	}
	claim := func(path, id string) {
		if first, ok := ids[id]; ok {
			ps.add(path, "duplicate id %q (first at %s)", id, first)
			return
		}
		ids[id] = path
	}
	clauses := map[string]*Clause{}
	for i := range d.Clauses {
		cl := &d.Clauses[i]
		p := sprintf("clauses[%d]", i)
		if !clauseID.MatchString(cl.ID) {
			ps.add(p+".id", "must be a clause number 4 to 10 such as \"6.1.2\", got %q", cl.ID)
		} else {
			claim(p+".id", cl.ID)
		}
		clauses[cl.ID] = cl
		text(p+".title", cl.Title)
		text(p+".summary", cl.Summary)
		if !cl.Phase.Valid() {
			ps.add(p+".phase", "must be plan, do, check or act, got %q", cl.Phase)
		}
		for j, s := range cl.DocumentedInformation {
			text(sprintf("%s.documentedInformation[%d]", p, j), s)
		}
	}
	for i, cl := range d.Clauses {
		if cl.Parent == "" {
			continue
		}
		p := sprintf("clauses[%d].parent", i)
		if _, ok := clauses[cl.Parent]; !ok {
			ps.add(p, "unknown clause %q", cl.Parent)
		} else if !strings.HasPrefix(cl.ID, cl.Parent+".") {
			ps.add(p, "%q is not an enclosing clause of %q", cl.Parent, cl.ID)
		}
	}
	objs := map[string]*Objective{}
	for i := range d.Objectives {
		o := &d.Objectives[i]
		p := sprintf("objectives[%d]", i)
		if !objIDRE.MatchString(o.ID) {
			ps.add(p+".id", "must be an Annex A number such as \"A.6\", got %q", o.ID)
		}
		if _, dup := objs[o.ID]; dup {
			ps.add(p+".id", "duplicate id %q", o.ID)
		}
		objs[o.ID] = o
		text(p+".title", o.Title)
		text(p+".summary", o.Summary)
	}
	for i, o := range d.Objectives {
		if o.Parent == "" {
			continue
		}
		if _, ok := objs[o.Parent]; !ok || !strings.HasPrefix(o.ID, o.Parent+".") {
			ps.add(sprintf("objectives[%d].parent", i), "unknown or non-enclosing objective %q", o.Parent)
		}
	}
	ctrls := map[string]*Control{}
	for i := range d.Controls {
		c := &d.Controls[i]
		p := ctrlPath(i)
		switch c.Origin {
		case OriginAnnexA:
			if !annexAID.MatchString(c.ID) {
				ps.add(p+".id", "Annex A control id must look like \"A.6.2.8\", got %q", c.ID)
			}
			if c.Namespace != "" {
				ps.add(p+".namespace", "must be empty for Annex A controls")
			}
			if c.Objective == "" {
				ps.add(p+".objective", "required for Annex A controls")
			}
		case OriginOrganization:
			switch {
			case !nsRE.MatchString(c.Namespace):
				ps.add(p+".namespace", "must be upper-case letters and digits such as \"ACME\", got %q", c.Namespace)
			case c.Namespace == "A":
				ps.add(p+".namespace", "\"A\" is reserved for Annex A")
			case !strings.HasPrefix(c.ID, c.Namespace+"-") && !strings.HasPrefix(c.ID, c.Namespace+"."):
				ps.add(p+".id", "must start with namespace %q and \"-\" or \".\", got %q", c.Namespace, c.ID)
			}
			if !ownIDRE.MatchString(c.ID) || len(c.ID) <= len(c.Namespace)+1 {
				ps.add(p+".id", "invalid id %q", c.ID)
			}
		default:
			ps.add(p+".origin", "must be %q or %q, got %q", OriginAnnexA, OriginOrganization, c.Origin)
		}
		if c.ID != "" {
			claim(p+".id", c.ID)
		}
		ctrls[c.ID] = c
		text(p+".title", c.Title)
		text(p+".summary", c.Summary)
		for j, g := range c.Guidance {
			text(sprintf("%s.guidance[%d]", p, j), g)
		}
	}
	for i := range d.Controls {
		c := &d.Controls[i]
		p := ctrlPath(i)
		if c.Objective != "" {
			if _, ok := objs[c.Objective]; !ok {
				ps.add(p+".objective", "unknown objective %q", c.Objective)
			}
		}
		for j, r := range c.RelatedClauses {
			if _, ok := clauses[r]; !ok {
				ps.add(sprintf("%s.relatedClauses[%d]", p, j), "unknown clause %q", r)
			}
		}
		for j, r := range c.RelatedControls {
			switch _, ok := ctrls[r]; {
			case !ok:
				ps.add(sprintf("%s.relatedControls[%d]", p, j), "unknown control %q", r)
			case r == c.ID:
				ps.add(sprintf("%s.relatedControls[%d]", p, j), "control relates to itself")
			}
		}
		if c.Extends != "" {
			if _, ok := ctrls[c.Extends]; !ok {
				ps.add(p+".extends", "unknown control %q", c.Extends)
			}
		}
	}
	// Cycles in extends: walk each chain; report once per cycle at the
	// control where the walk started, naming the loop.
	reported := map[string]bool{}
	for i, c := range d.Controls {
		seen := map[string]int{}
		var chain []string
		for id := c.ID; id != ""; {
			if k, ok := seen[id]; ok {
				loop := chain[k:]
				if key := slices.Min(loop); !reported[key] && slices.Contains(loop, c.ID) {
					reported[key] = true
					ps.add(ctrlPath(i)+".extends", "cycle: %s -> %s", strings.Join(loop, " -> "), id)
				}
				break
			}
			seen[id] = len(chain)
			chain = append(chain, id)
			next, ok := ctrls[id]
			if !ok {
				break
			}
			id = next.Extends
		}
	}
	seenAI := map[AIObjective]bool{}
	for i, o := range d.AIObjectives {
		p := sprintf("aiObjectives[%d]", i)
		if !o.ID.Valid() {
			ps.add(p+".id", "unknown Annex C objective %q", o.ID)
		} else if seenAI[o.ID] {
			ps.add(p+".id", "duplicate id %q", o.ID)
		}
		seenAI[o.ID] = true
		annexC(ps, p, o.Label, o.Title, o.Summary, o.Controls, ctrls, text)
	}
	seenRS := map[RiskSource]bool{}
	for i, s := range d.RiskSources {
		p := sprintf("riskSources[%d]", i)
		if !s.ID.Valid() {
			ps.add(p+".id", "unknown Annex C risk source %q", s.ID)
		} else if seenRS[s.ID] {
			ps.add(p+".id", "duplicate id %q", s.ID)
		}
		seenRS[s.ID] = true
		annexC(ps, p, s.Label, s.Title, s.Summary, s.Controls, ctrls, text)
	}
	seenDom := map[string]bool{}
	for i, dm := range d.Domains {
		p := sprintf("domains[%d]", i)
		if !keyRE.MatchString(dm.ID) {
			ps.add(p+".id", "must be a lower-case key, got %q", dm.ID)
		} else if seenDom[dm.ID] {
			ps.add(p+".id", "duplicate id %q", dm.ID)
		}
		seenDom[dm.ID] = true
		text(p+".title", dm.Title)
		if dm.Summary != "" {
			text(p+".summary", dm.Summary)
		}
	}
	seenMap := map[Mapping]bool{}
	for i, m := range d.Mappings {
		checkMapping(ps, sprintf("mappings[%d]", i), m, func(id string) bool { _, ok := ids[id]; return ok }, seenMap)
	}
}

// checkMapping validates one crosswalk pair at path p: known is asked
// whether From names a clause or control, seen collects pairs to find
// duplicates.
func checkMapping(ps *problems, p string, m Mapping, known func(string) bool, seen map[Mapping]bool) {
	if !known(m.From) {
		ps.add(p+".from", "unknown clause or control %q", m.From)
	}
	if !m.Framework.Valid() {
		ps.add(p+".framework", "unknown framework %q", m.Framework)
	} else if !m.Framework.ValidRef(m.Ref) {
		ps.add(p+".ref", "must be %s, got %q", m.Framework.refRule(), m.Ref)
	}
	if !m.Strength.Valid() {
		ps.add(p+".strength", "must be equivalent, related or partial, got %q", m.Strength)
	}
	switch {
	case m.Basis == "":
		ps.add(p+".basis", "required: cite the source of the pair, or write \"derived: \" and a reason")
	case spaceTrim(m.Basis):
		ps.add(p+".basis", "must not start or end with white space")
	case m.Derived() && strings.TrimSpace(strings.TrimPrefix(m.Basis, "derived:")) == "":
		ps.add(p+".basis", "a derived pair must give its reason after \"derived: \"")
	}
	k := Mapping{From: m.From, Framework: m.Framework, Ref: m.Ref}
	if seen[k] {
		ps.add(p, "duplicate mapping %s -> %s %s", m.From, m.Framework, m.Ref)
	}
	seen[k] = true
}

func annexC(ps *problems, p, label, title, summary string, ctrls []string, known map[string]*Control, text func(string, string)) {
	if !annexCRE.MatchString(label) {
		ps.add(p+".label", "must be an Annex C number such as \"C.2.5\", got %q", label)
	}
	text(p+".title", title)
	text(p+".summary", summary)
	for j, id := range ctrls {
		if _, ok := known[id]; !ok {
			ps.add(sprintf("%s.controls[%d]", p, j), "unknown control %q", id)
		}
	}
}

func clone(d Document) Document {
	d.Clauses = slices.Clone(d.Clauses)
	for i := range d.Clauses {
		d.Clauses[i].DocumentedInformation = slices.Clone(d.Clauses[i].DocumentedInformation)
	}
	d.Objectives = slices.Clone(d.Objectives)
	d.Controls = slices.Clone(d.Controls)
	for i := range d.Controls {
		c := &d.Controls[i]
		c.Guidance = slices.Clone(c.Guidance)
		c.RelatedClauses = slices.Clone(c.RelatedClauses)
		c.RelatedControls = slices.Clone(c.RelatedControls)
	}
	d.AIObjectives = slices.Clone(d.AIObjectives)
	for i := range d.AIObjectives {
		d.AIObjectives[i].Controls = slices.Clone(d.AIObjectives[i].Controls)
	}
	d.RiskSources = slices.Clone(d.RiskSources)
	for i := range d.RiskSources {
		d.RiskSources[i].Controls = slices.Clone(d.RiskSources[i].Controls)
	}
	d.Domains = slices.Clone(d.Domains)
	d.Mappings = slices.Clone(d.Mappings)
	return d
}

// Document returns a deep copy of the catalog's contents in canonical
// (natural) order; [New] of the result gives an equal catalog.
func (c *Catalog) Document() Document { return clone(c.doc) }

// ID returns the catalog's id.
func (c *Catalog) ID() string { return c.doc.ID }

// Title returns the catalog's title.
func (c *Catalog) Title() string { return c.doc.Title }

// Version returns the catalog's version.
func (c *Catalog) Version() string { return c.doc.Version }

// Control returns the control with the given id. An unknown id gives a
// [*UnknownIDError] (matching [ErrUnknownID]). It does not allocate when
// the control exists.
func (c *Catalog) Control(id string) (*Control, error) {
	if ct, ok := c.controls[id]; ok {
		return ct, nil
	}
	return nil, &UnknownIDError{Kind: "control", ID: id}
}

// Clause returns the clause with the given id, such as "6.1.2". An unknown
// id gives a [*UnknownIDError]. It does not allocate when the clause exists.
func (c *Catalog) Clause(id string) (*Clause, error) {
	if cl, ok := c.clauses[id]; ok {
		return cl, nil
	}
	return nil, &UnknownIDError{Kind: "clause", ID: id}
}

// Objective returns the Annex A control objective with the given id
// ("A.6" or "A.6.2").
func (c *Catalog) Objective(id string) (*Objective, error) {
	if o, ok := c.objectives[id]; ok {
		return o, nil
	}
	return nil, &UnknownIDError{Kind: "objective", ID: id}
}

// AIObjective returns the Annex C.2 entry of o.
func (c *Catalog) AIObjective(o AIObjective) (*AIObjectiveInfo, error) {
	if v, ok := c.aiObjs[o]; ok {
		return v, nil
	}
	return nil, &UnknownIDError{Kind: "AI objective", ID: string(o)}
}

// RiskSource returns the Annex C.3 entry of s.
func (c *Catalog) RiskSource(s RiskSource) (*RiskSourceInfo, error) {
	if v, ok := c.sources[s]; ok {
		return v, nil
	}
	return nil, &UnknownIDError{Kind: "risk source", ID: string(s)}
}

// Contains reports whether id names a clause or a control of c.
func (c *Catalog) Contains(id string) bool {
	_, ok := c.controls[id]
	if !ok {
		_, ok = c.clauses[id]
	}
	return ok
}

func seqPtr[T any](s []T) iter.Seq[*T] {
	return func(yield func(*T) bool) {
		for i := range s {
			if !yield(&s[i]) {
				return
			}
		}
	}
}

func seqOf[T any](s []T) iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// Controls yields every control: Annex A in natural order (A.2.2 before
// A.10.2), then the organisation's own controls in natural order.
func (c *Catalog) Controls() iter.Seq[*Control] { return seqPtr(c.doc.Controls) }

// ControlsIn yields the controls under the objective objectiveID, including
// those of its sub-objectives ("A.6" yields A.6.1.2 to A.6.2.8), in the
// order of [Catalog.Controls]. An unknown objective yields nothing.
func (c *Catalog) ControlsIn(objectiveID string) iter.Seq[*Control] {
	return seqOf(c.inObj[objectiveID])
}

// Clauses yields every clause and subclause, headings included, in natural
// order (9.3.3 before 10.1).
func (c *Catalog) Clauses() iter.Seq[*Clause] { return seqPtr(c.doc.Clauses) }

// ClausesIn yields the clauses of phase p in natural order.
func (c *Catalog) ClausesIn(p Phase) iter.Seq[*Clause] { return seqOf(c.phases[p]) }

// Objectives yields the Annex A control objectives, sub-objectives
// included, in natural order (A.2, ..., A.6, A.6.1, A.6.2, ..., A.10).
func (c *Catalog) Objectives() iter.Seq[*Objective] { return seqPtr(c.doc.Objectives) }

// AIObjectives yields the Annex C.2 objectives in Annex C order.
func (c *Catalog) AIObjectives() iter.Seq[*AIObjectiveInfo] { return seqPtr(c.doc.AIObjectives) }

// RiskSources yields the Annex C.3 risk sources in Annex C order.
func (c *Catalog) RiskSources() iter.Seq[*RiskSourceInfo] { return seqPtr(c.doc.RiskSources) }

// Domains yields the Annex D application domains ordered by id.
func (c *Catalog) Domains() iter.Seq[*Domain] { return seqPtr(c.doc.Domains) }

// Mappings yields every mapping into framework, ordered by our id then by
// the external reference, both in natural order.
func (c *Catalog) Mappings(framework Framework) iter.Seq[Mapping] {
	return seqOf(c.byFw[framework])
}

// MappingsFrom yields the mappings of our clause or control id into every
// framework, ordered by framework then external reference.
func (c *Catalog) MappingsFrom(id string) iter.Seq[Mapping] { return seqOf(c.mapFrom[id]) }

// MappingsTo yields the mappings that point at externalRef in framework
// ("what covers EU AI Act Art. 12?"), ordered by our id in natural order.
// externalRef must be written as in the data: "Art. 12", "GOVERN 1.1",
// "A.8.15".
func (c *Catalog) MappingsTo(framework Framework, externalRef string) iter.Seq[Mapping] {
	return seqOf(c.mapTo[mapKey{framework, externalRef}])
}

// DerivedMappings yields the mappings into framework that the SDK (or the
// catalog's author) derived itself, whose basis starts with "derived: ",
// in the order of [Catalog.Mappings]. They are kept apart from the pairs a
// published crosswalk gives ([Catalog.SourcedMappings]).
func (c *Catalog) DerivedMappings(framework Framework) iter.Seq[Mapping] {
	return seqOf(c.derived[framework])
}

// SourcedMappings yields the mappings into framework whose basis cites a
// published source (for the NIST AI RMF, NIST's crosswalk), in the order of
// [Catalog.Mappings].
func (c *Catalog) SourcedMappings(framework Framework) iter.Seq[Mapping] {
	return seqOf(c.sourced[framework])
}

// RelevantControls returns the ids of the Annex A controls the catalog
// deems commonly relevant to any of the given risk sources or objectives
// (the Annex C mapping; each entry's Basis says why), deduplicated and in
// natural order. Risk treatment uses it to find controls that were not
// considered (ISO/IEC 42001 6.1.3 c). Unknown values contribute nothing.
func (c *Catalog) RelevantControls(sources []RiskSource, objectives []AIObjective) []string {
	var out []string
	for _, s := range sources {
		if v := c.sources[s]; v != nil {
			out = append(out, v.Controls...)
		}
	}
	for _, o := range objectives {
		if v := c.aiObjs[o]; v != nil {
			out = append(out, v.Controls...)
		}
	}
	slices.SortFunc(out, natsort.Compare)
	return slices.Compact(out)
}

// Merge returns a new catalog holding base plus the organisation's own
// controls. Own controls with an empty Origin get [OriginOrganization]; an
// own control may not claim Annex A origin or an Annex A id. The result is
// validated as a whole; problems in own controls are reported at paths
// "own[i]..." so they point into the caller's slice.
func Merge(base *Catalog, own ...Control) (*Catalog, error) {
	d := base.Document()
	n := len(d.Controls)
	var ps problems
	for i, c := range own {
		c.Guidance = slices.Clone(c.Guidance)
		c.RelatedClauses = slices.Clone(c.RelatedClauses)
		c.RelatedControls = slices.Clone(c.RelatedControls)
		if c.Origin == "" {
			c.Origin = OriginOrganization
		}
		if c.Origin != OriginOrganization {
			ps.add(sprintf("own[%d].origin", i), "own controls must have origin %q, got %q", OriginOrganization, c.Origin)
			c.Origin = OriginOrganization
		}
		d.Controls = append(d.Controls, c)
	}
	path := func(i int) string {
		if i >= n {
			return sprintf("own[%d]", i-n)
		}
		return sprintf("controls[%d]", i)
	}
	cat, err := build(d, path)
	if len(ps) > 0 {
		if ve, ok := err.(*ValidationError); ok {
			ps = append(ps, ve.Problems...)
		}
		return nil, ps.err()
	}
	return cat, err
}
