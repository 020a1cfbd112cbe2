package controls

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/internal/oscal"
	"github.com/aimsgo/iso42001/internal/strictjson"
)

// OSCALOptions tunes [ExportOSCAL]. The zero value (or nil) gives the
// defaults, and the output is deterministic for a given catalog and
// options.
type OSCALOptions struct {
	// LastModified is written to metadata.last-modified; zero means
	// [DefaultOSCALTime], so exports do not change with the clock.
	LastModified time.Time
	// UUID is the catalog's uuid; empty means a version 5 UUID derived from
	// the catalog id and version.
	UUID string
}

// DefaultOSCALTime is the last-modified time written when
// [OSCALOptions.LastModified] is zero: the publication month of ISO/IEC
// 42001:2023.
var DefaultOSCALTime = time.Date(2023, time.December, 1, 0, 0, 0, 0, time.UTC)

// Names of the OSCAL classes, parts and properties the export uses. Our own
// property names live in the [oscal.Namespace] namespace; "label" is NIST's.
const (
	classClause     = "clause"
	classObjective  = "objective"
	partOverview    = "overview"
	partAIObjective = "ai-objective"
	partRiskSource  = "risk-source"
	partDomain      = "domain"
	groupAnnexC     = "annex-c"
	groupAnnexD     = "annex-d"
	groupOwn        = "organization-controls"
	relRelated      = "related"
	relClause       = "related-clause"
	relExtends      = "extends"
	ownPrefix       = "org-"
	clausePrefix    = "c-"
)

func ourProp(name, value string) oscal.Prop {
	return oscal.Prop{Name: name, NS: oscal.Namespace, Value: value}
}

func labelProp(v string) oscal.Prop { return oscal.Prop{Name: "label", Value: v} }

// oscalID turns one of our ids into an OSCAL token: clauses "c-6.1.2",
// Annex A "a.6.2.8", own controls "org-ACME-1". fromOSCALID inverts it.
func oscalID(id string) string {
	switch {
	case clauseID.MatchString(id):
		return clausePrefix + id
	case strings.HasPrefix(id, "A."):
		return "a." + id[2:]
	}
	return ownPrefix + id
}

func fromOSCALID(s string) string {
	switch {
	case strings.HasPrefix(s, clausePrefix):
		return s[len(clausePrefix):]
	case strings.HasPrefix(s, "a."):
		return "A." + s[2:]
	case strings.HasPrefix(s, ownPrefix):
		return s[len(ownPrefix):]
	}
	return s
}

func overview(summary string) []oscal.Part {
	if summary == "" {
		return nil
	}
	return []oscal.Part{{Name: partOverview, Prose: summary}}
}

// ExportOSCAL writes c as an OSCAL 1.2.1 catalog (JSON): a group per clause
// 4 to 10 with subclauses as nested controls ("c-6.1.2"), a group per Annex
// A objective with its controls ("a.6.2.8"), a group for the
// organisation's own controls, and groups carrying Annex C and Annex D as
// parts. Printed numbers go in "label" props, summaries in "overview"
// parts, relations in links, and crosswalk mappings in props named after
// the framework (class = strength, remarks = basis). [ImportOSCAL] reads
// the result back into an equal catalog.
func ExportOSCAL(w io.Writer, c *Catalog, opts *OSCALOptions) error {
	var o OSCALOptions
	if opts != nil {
		o = *opts
	}
	if o.LastModified.IsZero() {
		o.LastModified = DefaultOSCALTime
	}
	if o.UUID == "" {
		o.UUID = oscal.UUID("catalog:" + c.doc.ID + "@" + c.doc.Version)
	}
	cat := oscal.Catalog{
		UUID: o.UUID,
		Metadata: oscal.Metadata{
			Title:        c.doc.Title,
			LastModified: oscal.Timestamp(o.LastModified),
			Version:      c.doc.Version,
			OSCALVersion: oscal.Version,
			Props:        []oscal.Prop{ourProp("catalog-id", c.doc.ID)},
		},
	}
	children := map[string][]*Clause{}
	for cl := range c.Clauses() {
		children[cl.Parent] = append(children[cl.Parent], cl)
	}
	var clauseControl func(cl *Clause) oscal.Control
	clauseControl = func(cl *Clause) oscal.Control {
		oc := oscal.Control{ID: oscalID(cl.ID), Class: classClause, Title: cl.Title,
			Props: clauseProps(c, cl), Parts: overview(cl.Summary)}
		for _, ch := range children[cl.ID] {
			oc.Controls = append(oc.Controls, clauseControl(ch))
		}
		return oc
	}
	for _, cl := range children[""] {
		g := oscal.Group{ID: oscalID(cl.ID), Class: classClause, Title: cl.Title,
			Props: clauseProps(c, cl), Parts: overview(cl.Summary)}
		for _, ch := range children[cl.ID] {
			g.Controls = append(g.Controls, clauseControl(ch))
		}
		cat.Groups = append(cat.Groups, g)
	}

	subObjs := map[string][]*Objective{}
	for ob := range c.Objectives() {
		subObjs[ob.Parent] = append(subObjs[ob.Parent], ob)
	}
	direct := map[string][]oscal.Control{}
	var own []oscal.Control
	for ct := range c.Controls() {
		if ct.Origin == OriginOrganization {
			own = append(own, controlToOSCAL(c, ct))
			continue
		}
		direct[ct.Objective] = append(direct[ct.Objective], controlToOSCAL(c, ct))
	}
	var objGroup func(ob *Objective) oscal.Group
	objGroup = func(ob *Objective) oscal.Group {
		g := oscal.Group{ID: strings.ToLower(ob.ID), Class: classObjective, Title: ob.Title,
			Props: []oscal.Prop{labelProp(ob.ID)}, Parts: overview(ob.Summary)}
		for _, sub := range subObjs[ob.ID] {
			g.Groups = append(g.Groups, objGroup(sub))
		}
		if ctl := direct[ob.ID]; len(ctl) > 0 {
			if len(g.Groups) == 0 {
				g.Controls = ctl
			} else {
				// OSCAL groups hold either groups or controls; keep controls
				// of a parent objective in a group of their own.
				g.Groups = append(g.Groups, oscal.Group{ID: g.ID + "-controls", Title: ob.Title, Controls: ctl})
			}
		}
		return g
	}
	for _, ob := range subObjs[""] {
		cat.Groups = append(cat.Groups, objGroup(ob))
	}
	if len(own) > 0 {
		cat.Groups = append(cat.Groups, oscal.Group{ID: groupOwn, Class: string(OriginOrganization),
			Title: "Organization controls", Controls: own})
	}

	annexC := oscal.Group{ID: groupAnnexC, Title: "Annex C: AI objectives and risk sources"}
	for o := range c.AIObjectives() {
		annexC.Parts = append(annexC.Parts, annexCPart(partAIObjective, string(o.ID), o.Label, o.Title, o.Summary, o.Controls, o.Basis))
	}
	for s := range c.RiskSources() {
		annexC.Parts = append(annexC.Parts, annexCPart(partRiskSource, string(s.ID), s.Label, s.Title, s.Summary, s.Controls, s.Basis))
	}
	if len(annexC.Parts) > 0 {
		cat.Groups = append(cat.Groups, annexC)
	}
	annexD := oscal.Group{ID: groupAnnexD, Title: "Annex D: domains and sectors"}
	for d := range c.Domains() {
		annexD.Parts = append(annexD.Parts, oscal.Part{ID: "domain-" + d.ID, Name: partDomain, NS: oscal.Namespace,
			Title: d.Title, Props: []oscal.Prop{ourProp("key", d.ID)}, Prose: d.Summary})
	}
	if len(annexD.Parts) > 0 {
		cat.Groups = append(cat.Groups, annexD)
	}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(oscal.Document{Catalog: &cat}); err != nil {
		return fmt.Errorf("controls: export OSCAL: %w", err)
	}
	return nil
}

func annexCPart(name, key, label, title, summary string, ctrls []string, basis string) oscal.Part {
	p := oscal.Part{ID: strings.ToLower(label), Name: name, NS: oscal.Namespace, Title: title, Prose: summary,
		Props: []oscal.Prop{labelProp(label), ourProp("key", key)}}
	for _, id := range ctrls {
		p.Props = append(p.Props, ourProp("relevant-control", id))
	}
	if basis != "" {
		p.Props = append(p.Props, ourProp("basis", basis))
	}
	return p
}

func clauseProps(c *Catalog, cl *Clause) []oscal.Prop {
	ps := []oscal.Prop{labelProp(cl.ID), ourProp("pdca-phase", string(cl.Phase))}
	if cl.Heading {
		ps = append(ps, ourProp("heading", "true"))
	}
	for _, d := range cl.DocumentedInformation {
		ps = append(ps, ourProp("documented-information", d))
	}
	return append(ps, mappingProps(c, cl.ID)...)
}

func mappingProps(c *Catalog, id string) []oscal.Prop {
	var ps []oscal.Prop
	for m := range c.MappingsFrom(id) {
		ps = append(ps, oscal.Prop{Name: string(m.Framework), NS: oscal.Namespace, Value: m.Ref,
			Class: string(m.Strength), Remarks: m.Basis})
	}
	return ps
}

func controlToOSCAL(c *Catalog, ct *Control) oscal.Control {
	oc := oscal.Control{ID: oscalID(ct.ID), Class: string(ct.Origin), Title: ct.Title, Parts: overview(ct.Summary)}
	oc.Props = append(oc.Props, labelProp(ct.ID))
	if ct.Namespace != "" {
		oc.Props = append(oc.Props, ourProp("namespace", ct.Namespace))
	}
	if ct.Objective != "" {
		oc.Props = append(oc.Props, ourProp("objective", ct.Objective))
	}
	for _, g := range ct.Guidance {
		oc.Props = append(oc.Props, ourProp("guidance-topic", g))
	}
	oc.Props = append(oc.Props, mappingProps(c, ct.ID)...)
	for _, r := range ct.RelatedClauses {
		oc.Links = append(oc.Links, oscal.Link{Href: "#" + oscalID(r), Rel: relClause})
	}
	for _, r := range ct.RelatedControls {
		oc.Links = append(oc.Links, oscal.Link{Href: "#" + oscalID(r), Rel: relRelated})
	}
	if ct.Extends != "" {
		oc.Links = append(oc.Links, oscal.Link{Href: "#" + oscalID(ct.Extends), Rel: relExtends})
	}
	return oc
}

// ImportOSCAL reads an OSCAL catalog written by [ExportOSCAL] (oscal-version
// 1.1.x or 1.2.x) and validates it like [New]. Objects it does not know are
// ignored; what it reads must form a valid catalog.
func ImportOSCAL(r io.Reader) (*Catalog, error) {
	raw, err := readDocument(r, "import OSCAL")
	if err != nil {
		return nil, err
	}
	// OSCAL carries much we do not model, so the check is untyped: limits,
	// duplicate keys and UTF-8 before encoding/json builds anything.
	if err := validationError(strictjson.Check(raw, nil, documentLimits)); err != nil {
		return nil, err
	}
	var doc oscal.Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("controls: import OSCAL: %w: %w", ErrInvalid, err)
	}
	if doc.Catalog == nil {
		return nil, fmt.Errorf("controls: import OSCAL: not a catalog: %w", ErrInvalid)
	}
	m := doc.Catalog.Metadata
	if !oscal.SupportedVersion(m.OSCALVersion) {
		return nil, fmt.Errorf("controls: import OSCAL: unsupported oscal-version %q (want 1.1.x or 1.2.x): %w", m.OSCALVersion, ErrInvalid)
	}
	d := Document{Kind: DocumentKind, SchemaVersion: DocumentSchemaVersion, Title: m.Title, Version: m.Version}
	d.ID, _ = oscal.FindProp(m.Props, oscal.Namespace, "catalog-id")
	im := importer{doc: &d}
	for i := range doc.Catalog.Groups {
		im.group(&doc.Catalog.Groups[i], "", "")
	}
	for i := range doc.Catalog.Controls {
		im.control(&doc.Catalog.Controls[i], "")
	}
	if err := validationError(strictjson.Tidy(&d, false)); err != nil {
		return nil, err
	}
	return build(d, func(i int) string { return fmt.Sprintf("controls[%d]", i) })
}

type importer struct{ doc *Document }

func label(props []oscal.Prop, oscalID string) string {
	if v, ok := oscal.FindProp(props, "", "label"); ok {
		return v
	}
	return fromOSCALID(oscalID)
}

func ours(p oscal.Prop) bool { return p.NS == oscal.Namespace }

func (im *importer) group(g *oscal.Group, parentClause, parentObjective string) {
	switch g.Class {
	case classClause:
		cl := im.clause(g.ID, g.Title, g.Props, g.Parts, parentClause)
		for i := range g.Controls {
			im.control(&g.Controls[i], cl)
		}
		return
	case classObjective:
		id := label(g.Props, g.ID)
		im.doc.Objectives = append(im.doc.Objectives, Objective{ID: id, Title: g.Title,
			Summary: prose(g.Parts), Parent: parentObjective})
		parentObjective = id
	}
	if g.ID == groupAnnexC || g.ID == groupAnnexD {
		for _, p := range g.Parts {
			im.annexPart(p)
		}
	}
	for i := range g.Groups {
		im.group(&g.Groups[i], parentClause, parentObjective)
	}
	for i := range g.Controls {
		im.control(&g.Controls[i], parentClause)
	}
}

func prose(parts []oscal.Part) string {
	for _, p := range parts {
		if p.Name == partOverview {
			return p.Prose
		}
	}
	return ""
}

func (im *importer) clause(oid, title string, props []oscal.Prop, parts []oscal.Part, parent string) string {
	cl := Clause{ID: label(props, oid), Title: title, Summary: prose(parts), Parent: parent}
	for _, p := range props {
		if !ours(p) {
			continue
		}
		switch p.Name {
		case "pdca-phase":
			cl.Phase = Phase(p.Value)
		case "heading":
			cl.Heading = p.Value == "true"
		case "documented-information":
			cl.DocumentedInformation = append(cl.DocumentedInformation, p.Value)
		}
	}
	im.mappings(cl.ID, props)
	im.doc.Clauses = append(im.doc.Clauses, cl)
	return cl.ID
}

func (im *importer) mappings(from string, props []oscal.Prop) {
	for _, p := range props {
		if ours(p) && Framework(p.Name).Valid() {
			im.doc.Mappings = append(im.doc.Mappings, Mapping{From: from, Framework: Framework(p.Name),
				Ref: p.Value, Strength: Strength(p.Class), Basis: p.Remarks})
		}
	}
}

func (im *importer) control(oc *oscal.Control, parentClause string) {
	if oc.Class == classClause {
		id := im.clause(oc.ID, oc.Title, oc.Props, oc.Parts, parentClause)
		for i := range oc.Controls {
			im.control(&oc.Controls[i], id)
		}
		return
	}
	ct := Control{ID: label(oc.Props, oc.ID), Origin: Origin(oc.Class), Title: oc.Title, Summary: prose(oc.Parts)}
	for _, p := range oc.Props {
		if !ours(p) {
			continue
		}
		switch p.Name {
		case "namespace":
			ct.Namespace = p.Value
		case "objective":
			ct.Objective = p.Value
		case "guidance-topic":
			ct.Guidance = append(ct.Guidance, p.Value)
		}
	}
	for _, l := range oc.Links {
		ref := fromOSCALID(strings.TrimPrefix(l.Href, "#"))
		switch l.Rel {
		case relClause:
			ct.RelatedClauses = append(ct.RelatedClauses, ref)
		case relRelated:
			ct.RelatedControls = append(ct.RelatedControls, ref)
		case relExtends:
			ct.Extends = ref
		}
	}
	im.mappings(ct.ID, oc.Props)
	im.doc.Controls = append(im.doc.Controls, ct)
	for i := range oc.Controls {
		im.control(&oc.Controls[i], parentClause)
	}
}

func (im *importer) annexPart(p oscal.Part) {
	key, _ := oscal.FindProp(p.Props, oscal.Namespace, "key")
	switch p.Name {
	case partDomain:
		im.doc.Domains = append(im.doc.Domains, Domain{ID: key, Title: p.Title, Summary: p.Prose})
	case partAIObjective, partRiskSource:
		lbl, _ := oscal.FindProp(p.Props, "", "label")
		basis, _ := oscal.FindProp(p.Props, oscal.Namespace, "basis")
		var ctrls []string
		for _, pr := range p.Props {
			if ours(pr) && pr.Name == "relevant-control" {
				ctrls = append(ctrls, pr.Value)
			}
		}
		if p.Name == partAIObjective {
			im.doc.AIObjectives = append(im.doc.AIObjectives, AIObjectiveInfo{ID: AIObjective(key), Label: lbl,
				Title: p.Title, Summary: p.Prose, Controls: ctrls, Basis: basis})
		} else {
			im.doc.RiskSources = append(im.doc.RiskSources, RiskSourceInfo{ID: RiskSource(key), Label: lbl,
				Title: p.Title, Summary: p.Prose, Controls: ctrls, Basis: basis})
		}
	}
}
