package controls

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/internal/oscal"
	"github.com/aimsgo/iso42001/internal/strictjson"
)

// BasisNISTCrosswalk is the basis of every NIST AI RMF pair taken from the
// crosswalk NIST publishes on its AI Resource Center ("NIST AI RMF to
// ISO/IEC FDIS 42001", authored by Microsoft). A pair whose basis starts
// with it is one of NIST's pairs; any note after it explains how the
// source's id was read.
const BasisNISTCrosswalk = "NIST AI RMF to ISO/IEC 42001 crosswalk (NIST AI Resource Center)"

// frameworkInfo names a framework in exported documents.
type frameworkInfo struct {
	title string
	href  string // the framework's official publication
}

func frameworkInfoOf(f Framework) (frameworkInfo, bool) {
	switch f {
	case FrameworkNISTAIRMF:
		return frameworkInfo{"NIST AI Risk Management Framework 1.0 (NIST AI 100-1)", "https://doi.org/10.6028/NIST.AI.100-1"}, true
	case FrameworkEUAIAct:
		return frameworkInfo{"Regulation (EU) 2024/1689 (Artificial Intelligence Act)", "http://data.europa.eu/eli/reg/2024/1689/oj"}, true
	case FrameworkISO27001:
		return frameworkInfo{"ISO/IEC 27001:2022 Information security management systems", "https://www.iso.org/standard/27001"}, true
	}
	return frameworkInfo{}, false
}

// Names of the props the mapping export writes in [oscal.Namespace].
const (
	propFramework = "framework"
	propStrength  = "strength"
	propBasis     = "basis"
	propPairs     = "pairs"
	propKind      = "basis-kind"
	kindSourced   = "sourced"
	kindDerived   = "derived"
)

// relationshipOf gives the NIST IR 8477 relationship written for a
// strength. Only an equivalent pair claims more than an intersection; the
// finer grade travels in the "strength" prop.
func relationshipOf(s Strength) string {
	if s == StrengthEquivalent {
		return oscal.RelationshipEquivalent
	}
	return oscal.RelationshipIntersects
}

// strengthOf is the strength read for a map entry that has no "strength"
// prop (a collection written by another tool), and whether rel is a known
// relationship at all.
func strengthOf(rel string) (Strength, bool) {
	switch rel {
	case oscal.RelationshipEquivalent, oscal.RelationshipEqual:
		return StrengthEquivalent, true
	case oscal.RelationshipSubset, oscal.RelationshipSuperset:
		return StrengthRelated, true
	case oscal.RelationshipIntersects:
		return StrengthPartial, true
	case oscal.RelationshipNone:
		return "", true
	}
	return "", false
}

// ExportOSCALMapping writes the crosswalk of c into framework as an OSCAL
// 1.2.1 mapping collection (JSON). The source resource is c as
// [ExportOSCAL] writes it (source id-refs are its control ids, "c-6.1.2"
// and "a.6.2.8", with the printed id in a "label" prop); targets are the
// framework's references as written in [Mapping.Ref]. Pairs taken from a
// published crosswalk and pairs the catalog's author derived are kept
// apart, in two mappings of the collection (prop basis-kind "sourced" or
// "derived"). Each map entry relates one pair: relationship
// "equivalent-to" or "intersects-with", with the [Strength] and the basis
// in props; NIST's pairs also link to a back-matter citation of NIST's
// crosswalk.
//
// The output is deterministic: uuids are version 5 UUIDs derived from the
// catalog, the framework and the pairs (the collection's uuid changes when
// any pair does, a map entry's uuid stays with its pair), and
// last-modified is opts.LastModified, or [DefaultOSCALTime] when zero.
// opts.UUID, when set, replaces the collection's uuid. A framework with no
// pairs in c is an error: OSCAL requires at least one map entry.
func ExportOSCALMapping(w io.Writer, c *Catalog, framework Framework, opts *OSCALOptions) error {
	info, ok := frameworkInfoOf(framework)
	if !ok {
		return fmt.Errorf("controls: export OSCAL mapping: unknown framework %q", framework)
	}
	all := c.byFw[framework]
	if len(all) == 0 {
		return fmt.Errorf("controls: export OSCAL mapping: catalog has no mappings into %s", framework)
	}
	var o OSCALOptions
	if opts != nil {
		o = *opts
	}
	if o.LastModified.IsZero() {
		o.LastModified = DefaultOSCALTime
	}
	subject := "mapping:" + c.doc.ID + "@" + c.doc.Version + ":" + string(framework)
	if o.UUID == "" {
		h := sha256.New()
		for _, m := range all {
			fmt.Fprintf(h, "%q %q %q %q\n", m.From, m.Ref, m.Strength, m.Basis)
		}
		o.UUID = oscal.UUID("mapping-collection:" + subject + ":" + hex.EncodeToString(h.Sum(nil)))
	}

	srcRes := oscal.Resource{UUID: oscal.UUID("resource:catalog:" + c.doc.ID + "@" + c.doc.Version),
		Title:       c.doc.Title,
		Description: "The control catalog as controls.ExportOSCAL writes it; source id-refs are its control ids.",
		Props:       []oscal.Prop{ourProp("catalog-id", c.doc.ID)}}
	tgtRes := oscal.Resource{UUID: oscal.UUID("resource:framework:" + string(framework)), Title: info.title,
		Props:  []oscal.Prop{ourProp(propFramework, string(framework))},
		RLinks: []oscal.RLink{{Href: info.href}}}
	resources := []oscal.Resource{srcRes, tgtRes}
	var citation string // uuid of the back-matter citation of a published crosswalk
	if framework == FrameworkNISTAIRMF {
		resources = append(resources, oscal.Resource{UUID: oscal.UUID("resource:crosswalk:nist-ai-rmf-to-iso42001"),
			Title: "NIST AI RMF to ISO/IEC FDIS 42001 AI Management System crosswalk (NIST AI Resource Center, authored by Microsoft)",
			Description: "The published crosswalk the sourced pairs are taken from. It cites Annex B ids; " +
				"each is given here as the Annex A control it implements (B.6.2.6 as A.6.2.6)."})
		citation = resources[2].UUID
	}

	ref := func(res oscal.Resource) oscal.MappingResource {
		return oscal.MappingResource{Type: oscal.ResourceTypeCatalog, Href: "#" + res.UUID, Props: res.Props}
	}
	group := func(kind, description string, ms []Mapping) oscal.Mapping {
		mp := oscal.Mapping{UUID: oscal.UUID(subject + ":" + kind),
			SourceResource: ref(srcRes), TargetResource: ref(tgtRes),
			Props:              []oscal.Prop{ourProp(propKind, kind), ourProp(propPairs, fmt.Sprint(len(ms)))},
			MappingDescription: description}
		for _, m := range ms {
			e := oscal.Map{UUID: oscal.UUID(subject + ":" + m.From + "->" + m.Ref),
				Relationship: relationshipOf(m.Strength),
				Sources: []oscal.MappingItem{{Type: oscal.ItemControl, IDRef: oscalID(m.From),
					Props: []oscal.Prop{labelProp(m.From)}}},
				Targets: []oscal.MappingItem{{Type: oscal.ItemControl, IDRef: m.Ref}},
				Props:   []oscal.Prop{ourProp(propStrength, string(m.Strength)), ourProp(propBasis, m.Basis)}}
			if citation != "" && strings.HasPrefix(m.Basis, BasisNISTCrosswalk) {
				e.Links = []oscal.Link{{Href: "#" + citation, Rel: oscal.ReferenceRelation}}
			}
			mp.Maps = append(mp.Maps, e)
		}
		return mp
	}
	coll := oscal.MappingCollection{
		UUID: o.UUID,
		Metadata: oscal.Metadata{
			Title:        c.doc.Title + " to " + info.title + ": crosswalk",
			LastModified: oscal.Timestamp(o.LastModified),
			Version:      c.doc.Version,
			OSCALVersion: oscal.Version,
			Props:        []oscal.Prop{ourProp("catalog-id", c.doc.ID), ourProp(propFramework, string(framework))},
		},
		Provenance: oscal.MappingProvenance{Method: oscal.MethodHuman, MatchingRationale: oscal.MatchingSemantic,
			Status: oscal.StatusComplete,
			MappingDescription: "Pairs of " + c.doc.Title + " clauses or controls with " + info.title +
				" references. Each entry's basis prop cites its source or says \"derived:\" and why; " +
				"its strength prop grades the pair (equivalent, related or partial)."},
		BackMatter: &oscal.BackMatter{Resources: resources},
	}
	if ms := c.sourced[framework]; len(ms) > 0 {
		coll.Mappings = append(coll.Mappings, group(kindSourced, "Pairs taken from a published crosswalk, as its basis cites.", ms))
	}
	if ms := c.derived[framework]; len(ms) > 0 {
		coll.Mappings = append(coll.Mappings, group(kindDerived, "Pairs the catalog's authors derived themselves, each with its reason; no published crosswalk gives them.", ms))
	}

	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(oscal.MappingDocument{MappingCollection: &coll}); err != nil {
		return fmt.Errorf("controls: export OSCAL mapping: %w", err)
	}
	return nil
}

// ImportOSCALMapping reads an OSCAL mapping collection (oscal-version 1.1.x
// or 1.2.x, within [MaxDocumentSize], [MaxDocumentDepth] and
// [MaxDocumentValues]; duplicate keys and invalid UTF-8 are errors) whose sources are clauses and controls of c,
// such as [ExportOSCALMapping] writes, and returns its pairs in the order
// of [Catalog.Mappings] (by our id, then by reference).
//
// Decoding is strict: unknown fields are errors. Each mapping names its
// framework in a "framework" prop ([oscal.Namespace]) of its
// target-resource or of the metadata. A map entry relates every source to
// every target; its sources must be clauses or controls of c (an id-ref
// "a.6.2.8" or "c-6.1.2", or a "label" prop), its targets references the
// framework accepts ([Framework.ValidRef]). The strength is the "strength"
// prop or, failing that, follows the relationship (equivalent-to and
// equal-to: equivalent; subset-of and superset-of: related;
// intersects-with: partial); a "no-relationship" entry gives no pair. The
// basis is the "basis" prop or the entry's remarks and is required. A
// collection may yield at most 100,000 pairs. Every problem (up to the
// first 1,000) is reported at once in a [*ValidationError] whose paths are
// JSON paths into the document
// ("mapping-collection.mappings[0].maps[3].sources[0].id-ref"). Pass the
// result to [ReplaceMappings] to load it into a catalog.
func ImportOSCALMapping(r io.Reader, c *Catalog) ([]Mapping, error) {
	raw, err := readDocument(r, "import OSCAL mapping")
	if err != nil {
		return nil, err
	}
	// Limits, duplicate keys and UTF-8 before encoding/json builds
	// anything; unknown fields are checked against the model below, once
	// "mappings" is known to be an array.
	if err := validationError(strictjson.Check(raw, nil, documentLimits)); err != nil {
		return nil, err
	}
	doc, err := decodeMappingDocument(raw)
	if err != nil {
		return nil, err
	}
	var ps problems
	const root = "mapping-collection"
	coll := doc.MappingCollection
	if coll == nil {
		ps.add(root, "required: not a mapping collection")
		return nil, ps.err()
	}
	if !oscal.SupportedVersion(coll.Metadata.OSCALVersion) {
		ps.add(root+".metadata.oscal-version", "must be 1.1.x or 1.2.x, got %q", coll.Metadata.OSCALVersion)
	}
	if len(coll.Mappings) == 0 {
		ps.add(root+".mappings", "required: at least one mapping")
	}
	metaFw, _ := oscal.FindProp(coll.Metadata.Props, oscal.Namespace, propFramework)
	var out []Mapping
	seen := map[Mapping]bool{}
	full := func() bool { return len(ps) >= maxImportProblems }
collection:
	for i, mp := range coll.Mappings {
		p := sprintf("%s.mappings[%d]", root, i)
		if full() {
			ps.add(p, "stopped reading after %d problems", len(ps))
			break
		}
		fwName, ok := oscal.FindProp(mp.TargetResource.Props, oscal.Namespace, propFramework)
		if !ok {
			fwName = metaFw
		}
		fw := Framework(fwName)
		if !fw.Valid() {
			ps.add(p+".target-resource.props", "a %q prop (ns %s) must name the framework: %s, got %q",
				propFramework, oscal.Namespace, frameworkList(), fwName)
			continue
		}
		if len(mp.Maps) == 0 {
			ps.add(p+".maps", "required: at least one map entry")
		}
		for j, e := range mp.Maps {
			ep := sprintf("%s.maps[%d]", p, j)
			if full() {
				ps.add(ep, "stopped reading after %d problems", len(ps))
				break collection
			}
			strength, known := strengthOf(e.Relationship)
			if !known {
				ps.add(ep+".relationship", "must be equivalent-to, equal-to, subset-of, superset-of, intersects-with or no-relationship, got %q", e.Relationship)
				continue
			}
			if e.Relationship == oscal.RelationshipNone {
				continue
			}
			if v, ok := oscal.FindProp(e.Props, oscal.Namespace, propStrength); ok {
				strength = Strength(v)
				if !strength.Valid() {
					ps.add(ep+".props", "strength must be equivalent, related or partial, got %q", v)
					continue
				}
			}
			basis, ok := oscal.FindProp(e.Props, oscal.Namespace, propBasis)
			if !ok {
				basis = strings.TrimSpace(e.Remarks)
			}
			if basis == "" {
				ps.add(ep+".props", "a %q prop (or remarks) must cite the source of the pair or say \"derived: \" and why", propBasis)
				continue
			}
			if len(e.Sources) == 0 {
				ps.add(ep+".sources", "required: at least one source")
			}
			if len(e.Targets) == 0 {
				ps.add(ep+".targets", "required: at least one target")
			}
			var from, refs []string
			for k, it := range e.Sources {
				if full() {
					break
				}
				ip := sprintf("%s.sources[%d]", ep, k)
				id := label(it.Props, it.IDRef)
				switch {
				case it.Type != oscal.ItemControl:
					ps.add(ip+".type", "must be %q (a clause or control of %s), got %q", oscal.ItemControl, c.doc.ID, it.Type)
				case !c.Contains(id):
					ps.add(ip+".id-ref", "unknown clause or control %q in %s", id, c.doc.ID)
				default:
					from = append(from, id)
				}
			}
			for k, it := range e.Targets {
				if full() {
					break
				}
				ip := sprintf("%s.targets[%d]", ep, k)
				switch {
				case it.Type != oscal.ItemControl && it.Type != oscal.ItemStatement:
					ps.add(ip+".type", "must be %q or %q, got %q", oscal.ItemControl, oscal.ItemStatement, it.Type)
				case !fw.ValidRef(it.IDRef):
					ps.add(ip+".id-ref", "must be %s, got %q", fw.refRule(), it.IDRef)
				default:
					refs = append(refs, it.IDRef)
				}
			}
			// Every source times every target: bound the product so a
			// small hostile document cannot demand billions of pairs.
			if len(out)+len(from)*len(refs) > maxImportPairs {
				ps.add(ep, "more than %d pairs in the collection", maxImportPairs)
				break collection
			}
			for _, f := range from {
				for _, ref := range refs {
					m := Mapping{From: f, Framework: fw, Ref: ref, Strength: strength, Basis: basis}
					checkMapping(&ps, ep, m, c.Contains, seen)
					out = append(out, m)
				}
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, cmpMappingFrom)
	return out, nil
}

// Bounds on what one imported collection may yield. The built-in
// crosswalks have a few hundred pairs.
const (
	maxImportPairs    = 100_000
	maxImportProblems = 1_000
)

func frameworkList() string {
	var names []string
	for _, f := range Frameworks() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// decodeMappingDocument decodes strictly, naming the path of unknown
// fields. OSCAL lets "mappings" be one object instead of an array; it is
// read as an array of one.
func decodeMappingDocument(raw []byte) (oscal.MappingDocument, error) {
	var doc oscal.MappingDocument
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return doc, fmt.Errorf("controls: import OSCAL mapping: %w", err)
	}
	if top, ok := generic.(map[string]any); ok {
		if coll, ok := top["mapping-collection"].(map[string]any); ok {
			if one, ok := coll["mappings"].(map[string]any); ok {
				coll["mappings"] = []any{one}
				var err error
				if raw, err = json.Marshal(generic); err != nil {
					return doc, fmt.Errorf("controls: import OSCAL mapping: %w", err)
				}
			}
		}
	}
	var ps problems
	unknownFields(&ps, generic, reflect.TypeFor[oscal.MappingDocument](), "")
	if err := ps.err(); err != nil {
		return doc, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			ps.add(te.Field, "cannot use JSON %s as %s", te.Value, te.Type)
			return doc, ps.err()
		}
		return doc, fmt.Errorf("controls: import OSCAL mapping: %w", err)
	}
	return doc, nil
}

// ReplaceMappings returns a new catalog holding base with its crosswalks
// replaced: for every framework that ms mentions, base's pairs into that
// framework are dropped and ms's are used instead; other frameworks keep
// theirs. Problems in ms are reported at paths "mappings[i]" into ms.
func ReplaceMappings(base *Catalog, ms ...Mapping) (*Catalog, error) {
	var ps problems
	seen := map[Mapping]bool{}
	replaced := map[Framework]bool{}
	for i, m := range ms {
		checkMapping(&ps, sprintf("mappings[%d]", i), m, base.Contains, seen)
		replaced[m.Framework] = true
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	d := base.Document()
	d.Mappings = slices.DeleteFunc(d.Mappings, func(m Mapping) bool { return replaced[m.Framework] })
	d.Mappings = append(d.Mappings, ms...)
	return build(d, func(i int) string { return sprintf("controls[%d]", i) })
}
