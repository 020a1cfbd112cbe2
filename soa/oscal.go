package soa

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/internal/oscal"
)

// OSCALOptions tunes [WriteOSCAL]; the zero value (or nil) gives the
// defaults, and the output is deterministic for a given SoA and options.
type OSCALOptions struct {
	// ProfileHref is the import-profile href: the profile selecting the
	// catalog's controls. Empty means a fragment pointing at a back-matter
	// resource naming the catalog.
	ProfileHref string
	// SystemName names the system; empty means "<organization> AI
	// management system".
	SystemName string
}

// Names of the roles and properties the SSP uses.
const (
	oscalRoleOwner    = "control-owner"
	oscalRoleApprover = "approver"
	oscalRoleAuthor   = "prepared-by"
)

func ourProp(name, value string) oscal.Prop {
	return oscal.Prop{Name: name, NS: oscal.Namespace, Value: value}
}

// oscalControlID maps a control id to the token the catalog export uses
// (controls.ExportOSCAL): Annex A "a.6.2.8", own controls "org-ACME-1",
// so that the SSP's control-ids resolve against that catalog.
func oscalControlID(id string) string {
	if rest, ok := strings.CutPrefix(id, "A."); ok {
		return "a." + rest
	}
	return "org-" + id
}

// oscalState maps an implementation status to OSCAL's implementation
// states, which have no "not started": it is "planned" with a remark.
func oscalState(e *Entry) (state, remarks string) {
	if e.Undecided {
		return "planned", "Undecided: no requirement or decision covers this control yet."
	}
	if !e.Applicable {
		return "not-applicable", ""
	}
	switch e.Status {
	case StatusImplemented:
		return "implemented", ""
	case StatusPartial:
		return "partial", ""
	case StatusPlanned:
		return "planned", ""
	case StatusNotStarted:
		return "planned", "Implementation has not started."
	}
	return "planned", "No implementation status has been recorded."
}

// nonEmpty returns s, or fallback when s is blank: OSCAL rejects empty
// strings in most places.
func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// WriteOSCAL writes s as an OSCAL 1.2.1 system security plan (JSON): the
// AIMS is the system ("this-system" component), and control-implementation
// holds one implemented-requirement per control. Applicable controls carry
// their implementation status, owner (a responsible role with its party)
// and evidence (back-matter resources with their SHA-256); excluded
// controls are kept too, with the state "not-applicable" and their
// justification, because an SoA's exclusions are part of what it states.
// UUIDs are version 5, derived from the organisation, the version number
// and the control ids, so the same SoA always exports the same bytes.
func WriteOSCAL(w io.Writer, s *SoA, opts *OSCALOptions) error {
	var o OSCALOptions
	if opts != nil {
		o = *opts
	}
	org := nonEmpty(s.Organization, "Organization")
	base := "soa/" + org + "/"
	uuid := func(parts ...string) string { return oscal.UUID(base + strings.Join(parts, "/")) }
	ver := strconv.Itoa(s.Number)

	modified := cmp.Or(s.ApprovedAt, s.GeneratedAt, s.UpdatedAt)
	if modified.IsZero() {
		modified = time.Date(2023, time.December, 1, 0, 0, 0, 0, time.UTC)
	}
	meta := oscal.SSPMetadata{Metadata: oscal.Metadata{
		Title:        nonEmpty(titleOf(s), DefaultTitle),
		LastModified: oscal.Timestamp(modified),
		Version:      ver,
		OSCALVersion: oscal.Version,
		Props: []oscal.Prop{
			ourProp("soa-state", stateOf(s)),
			ourProp("catalog", nonEmpty(s.Catalog, "unknown")),
		},
	}}
	if s.CatalogVersion != "" {
		meta.Props = append(meta.Props, ourProp("catalog-version", s.CatalogVersion))
	}
	parties := map[string]bool{}
	party := func(name string) string {
		id := uuid("party", name)
		if !parties[name] {
			parties[name] = true
			meta.Parties = append(meta.Parties, oscal.Party{UUID: id, Type: "person", Name: oneLine(name)})
		}
		return id
	}
	meta.Roles = []oscal.Role{
		{ID: oscalRoleOwner, Title: "Control owner", Description: "Accountable for implementing and operating a control."},
		{ID: oscalRoleApprover, Title: "SoA approver", Description: "Approves versions of the Statement of Applicability; never their author."},
		{ID: oscalRoleAuthor, Title: "SoA author", Description: "Prepares versions of the Statement of Applicability."},
	}
	if s.Author != "" {
		meta.ResponsibleParties = append(meta.ResponsibleParties, oscal.ResponsibleParty{RoleID: oscalRoleAuthor, PartyUUIDs: []string{party(s.Author)}})
	}
	if s.ApprovedBy != "" {
		meta.ResponsibleParties = append(meta.ResponsibleParties, oscal.ResponsibleParty{RoleID: oscalRoleApprover, PartyUUIDs: []string{party(s.ApprovedBy)}})
	}

	catalogRes := uuid("catalog", s.Catalog)
	back := &oscal.BackMatter{Resources: []oscal.Resource{{
		UUID:        catalogRes,
		Title:       "Control catalog " + nonEmpty(s.Catalog, "unknown") + " " + s.CatalogVersion,
		Description: "The catalog whose controls this plan states the applicability of; export it with controls.ExportOSCAL.",
	}}}
	thisSystem := uuid("component", "this-system")

	var reqs []oscal.ImplementedRequirement
	for i := range s.Entries {
		e := &s.Entries[i]
		state, remarks := oscalState(e)
		ir := oscal.ImplementedRequirement{
			UUID:      uuid("requirement", e.Control),
			ControlID: oscalControlID(e.Control),
			Props: []oscal.Prop{
				{Name: "label", Value: nonEmpty(oneLine(e.Control), "unknown")},
				ourProp("applicable", applicableText(e)),
			},
		}
		if e.Status != "" {
			ir.Props = append(ir.Props, ourProp("status", oneLine(string(e.Status))))
		}
		if !e.LastReview.IsZero() {
			ir.Props = append(ir.Props, ourProp("last-review", oscal.Timestamp(e.LastReview)))
		}
		if d := e.Decision; d != nil {
			ir.Props = append(ir.Props, ourProp("decision", string(d.Choice)))
		}
		for _, src := range e.Sources {
			if id := oneLine(src.ID); id != "" && src.Kind.Valid() {
				ir.Props = append(ir.Props, oscal.Prop{Name: "source", NS: oscal.Namespace, Class: string(src.Kind), Value: id})
			}
		}
		if e.Owner != "" {
			ir.ResponsibleRoles = []oscal.ResponsibleRole{{RoleID: oscalRoleOwner, PartyUUIDs: []string{party(e.Owner)}}}
		}
		for k, ev := range e.Evidence {
			rid := uuid("evidence", e.Control, strconv.Itoa(k), ev.URI)
			res := oscal.Resource{
				UUID:   rid,
				Title:  nonEmpty(oneLine(ev.Title), "Evidence for "+e.Control),
				RLinks: []oscal.RLink{{Href: nonEmpty(ev.URI, "#")}},
			}
			if ev.SHA256 != "" {
				res.Props = []oscal.Prop{ourProp("sha256", ev.SHA256)}
			}
			back.Resources = append(back.Resources, res)
			ir.Links = append(ir.Links, oscal.Link{Href: "#" + rid, Rel: "evidence"})
		}
		ir.ByComponents = []oscal.ByComponent{{
			ComponentUUID:        thisSystem,
			UUID:                 uuid("by-component", e.Control),
			Description:          nonEmpty(e.Justification, "No justification recorded."),
			ImplementationStatus: &oscal.ImplementationStatus{State: state, Remarks: remarks},
		}}
		reqs = append(reqs, ir)
	}
	if len(reqs) == 0 {
		return fmt.Errorf("soa: oscal: the SoA has no entries; OSCAL requires at least one implemented requirement")
	}

	name := cmp.Or(o.SystemName, org+" AI management system")
	scope := nonEmpty(s.Scope, "The AI management system of "+org+".")
	users := []oscal.SystemUser{{
		UUID:        uuid("user", "approver"),
		Title:       "SoA approver",
		Description: "Approves the Statement of Applicability.",
		RoleIDs:     []string{oscalRoleApprover},
	}, {
		UUID:    uuid("user", "control-owner"),
		Title:   "Control owner",
		RoleIDs: []string{oscalRoleOwner},
	}}
	doc := oscal.SSPDocument{SSP: &oscal.SSP{
		UUID:          uuid("ssp", ver),
		Metadata:      meta,
		ImportProfile: oscal.ImportProfile{Href: cmp.Or(o.ProfileHref, "#"+catalogRes)},
		SystemCharacteristics: oscal.SystemCharacteristics{
			SystemIDs:   []oscal.SystemID{{IdentifierType: "https://ietf.org/rfc/rfc4122", ID: uuid("system")}},
			SystemName:  name,
			Description: scope,
			SystemInformation: oscal.SystemInformation{InformationTypes: []oscal.InformationType{{
				UUID:        uuid("information-type", "aims-records"),
				Title:       "AI management system records",
				Description: "Risk assessments, impact assessments, decisions and evidence kept by the AI management system.",
			}}},
			Status:                oscal.SystemStatus{State: "operational"},
			AuthorizationBoundary: oscal.AuthorizationBoundary{Description: scope},
		},
		SystemImplementation: oscal.SystemImplementation{
			Users: users,
			Components: []oscal.Component{{
				UUID:        thisSystem,
				Type:        "this-system",
				Title:       name,
				Description: "The AI management system as a whole, which implements the controls stated here.",
				Status:      oscal.ComponentStatus{State: "operational"},
			}},
		},
		ControlImplementation: oscal.ControlImplementation{
			Description:             fmt.Sprintf("Statement of Applicability version %d (%s): %s", s.Number, stateOf(s), countsLine(s)),
			ImplementedRequirements: reqs,
		},
		BackMatter: back,
	}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("soa: oscal: %w", err)
	}
	return nil
}
