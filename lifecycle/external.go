package lifecycle

import (
	"fmt"

	"github.com/aimsgo/iso42001/aims"
)

// Record kinds of information for interested parties (A.8), responsible
// use (A.9) and third parties (A.10).
const (
	KindUserInformation = "user-information"
	KindResponsibleUse  = "responsible-use"
	KindParty           = "ai-party"
)

// InfoKind says what a [UserInformation] record documents. Values are
// append-only.
type InfoKind string

// Information kinds.
const (
	// InfoForUsers: documentation and information given to users (A.8.2).
	InfoForUsers InfoKind = "user-documentation"
	// InfoExternalReporting: the means for interested parties to report
	// adverse impacts (A.8.3).
	InfoExternalReporting InfoKind = "external-reporting"
	// InfoIncident: how incidents are communicated to users (A.8.4).
	InfoIncident InfoKind = "incident-communication"
	// InfoObligation: information the organisation must report to
	// interested parties (A.8.5).
	InfoObligation InfoKind = "reporting-obligation"
)

// Valid reports whether k is a known information kind.
func (k InfoKind) Valid() bool {
	switch k {
	case InfoForUsers, InfoExternalReporting, InfoIncident, InfoObligation:
		return true
	}
	return false
}

// UserInformation records information an AI system's users and other
// interested parties are given (A.8.2), or a channel through which they
// report adverse impacts (A.8.3).
type UserInformation struct {
	aims.Meta
	// System is the id of the AI system.
	System string `json:"system"`
	// InfoKind says what the record documents.
	InfoKind InfoKind `json:"infoKind"`
	// Title names it, e.g. "In-app explanation of the credit decision".
	Title string `json:"title"`
	// Audience says for whom.
	Audience string `json:"audience"`
	// Content summarises what is said or how to report.
	Content string `json:"content"`
	// Channel says where it is given or reached: a URL, an address.
	Channel string `json:"channel"`
	// Owner is the actor who keeps it current.
	Owner string `json:"owner"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (u *UserInformation) Validate() error {
	var p aims.Problems
	checkHeader(&p, &u.Meta, KindUserInformation)
	if !aims.ValidName(u.System) {
		p.Addf("system", "must be the id of an AI system, got %q", clip(u.System))
	}
	if !u.InfoKind.Valid() {
		p.Addf("infoKind", "must be user-documentation, external-reporting, incident-communication or reporting-obligation, got %q", clip(string(u.InfoKind)))
	}
	requireLine(&p, "title", u.Title, maxTitle)
	requireLine(&p, "audience", u.Audience, maxTitle)
	requireText(&p, "content", u.Content)
	requireLine(&p, "channel", u.Channel, maxText)
	actor(&p, "owner", u.Owner, true)
	return p.Err()
}

// Attributes returns the filterable attributes: system, infoKind, owner.
func (u *UserInformation) Attributes() map[string]string {
	a := systemAttrs(u.System, "")
	a["infoKind"] = string(u.InfoKind)
	if aims.ValidName(u.Owner) {
		a["owner"] = u.Owner
	}
	return a
}

// UserInformations returns the collection of user information records in
// ws.
func UserInformations(ws *aims.Workspace) *aims.Collection[UserInformation, *UserInformation] {
	return aims.NewCollection[UserInformation](ws, KindUserInformation, 1)
}

// ResponsibleUse records the organisation's objectives and processes for
// using an AI system responsibly (A.9.2-A.9.4): the intended use, what is
// out of bounds, and the human oversight.
type ResponsibleUse struct {
	aims.Meta
	// System is the id of the AI system.
	System string `json:"system"`
	// IntendedUse says what it is used for and by whom.
	IntendedUse string `json:"intendedUse"`
	// Prohibited lists uses that are out of bounds.
	Prohibited []string `json:"prohibited,omitempty"`
	// Oversight describes the human oversight.
	Oversight string `json:"oversight"`
	// Process names or describes the process that governs use.
	Process string `json:"process,omitempty"`
	// Objectives lists the ids of the AI objectives (aims.Objective) the
	// use serves.
	Objectives []string `json:"objectives,omitempty"`
	// Owner is the actor accountable for its use.
	Owner string `json:"owner"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (r *ResponsibleUse) Validate() error {
	var p aims.Problems
	checkHeader(&p, &r.Meta, KindResponsibleUse)
	if !aims.ValidName(r.System) {
		p.Addf("system", "must be the id of an AI system, got %q", clip(r.System))
	}
	requireText(&p, "intendedUse", r.IntendedUse)
	checkTexts(&p, "prohibited", r.Prohibited)
	requireText(&p, "oversight", r.Oversight)
	text(&p, "process", r.Process)
	checkIDs(&p, "objectives", r.Objectives)
	actor(&p, "owner", r.Owner, true)
	return p.Err()
}

// Attributes returns the filterable attributes: system and owner.
func (r *ResponsibleUse) Attributes() map[string]string {
	a := systemAttrs(r.System, "")
	if aims.ValidName(r.Owner) {
		a["owner"] = r.Owner
	}
	return a
}

// ResponsibleUses returns the collection of responsible use records in
// ws.
func ResponsibleUses(ws *aims.Workspace) *aims.Collection[ResponsibleUse, *ResponsibleUse] {
	return aims.NewCollection[ResponsibleUse](ws, KindResponsibleUse, 1)
}

// PartyRole says which side of a supply a [Party] is on. Values are
// append-only.
type PartyRole string

// Party roles.
const (
	// PartySupplier supplies the organisation (A.10.3).
	PartySupplier PartyRole = "supplier"
	// PartyCustomer receives from the organisation (A.10.4).
	PartyCustomer PartyRole = "customer"
)

// Valid reports whether r is supplier or customer.
func (r PartyRole) Valid() bool { return r == PartySupplier || r == PartyCustomer }

// Party is a supplier or customer of the organisation's AI systems
// (A.10.2-A.10.4): what it supplies or receives, under which agreements,
// who is responsible for what, and which controls the relationship
// covers.
type Party struct {
	aims.Meta
	// Name names the party.
	Name string `json:"name"`
	// Role says whether it is a supplier or a customer.
	Role PartyRole `json:"role"`
	// Provides says what it supplies (a supplier) or receives (a
	// customer): models, data, hosting, the AI service.
	Provides string `json:"provides"`
	// AISystems lists the ids of the AI systems concerned.
	AISystems []string `json:"aiSystems,omitempty"`
	// Agreements lists the agreements in force, by name or reference.
	Agreements []string `json:"agreements,omitempty"`
	// Responsibilities says how responsibilities are shared with it
	// (A.10.2).
	Responsibilities string `json:"responsibilities,omitempty"`
	// Controls lists the Annex A control ids the relationship covers,
	// e.g. "A.10.3".
	Controls []string `json:"controls,omitempty"`
	// Owner is the actor who manages the relationship.
	Owner string `json:"owner"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem. Control ids are checked for shape only; whether
// they name controls of the catalog is for the caller, which holds it.
func (t *Party) Validate() error {
	var p aims.Problems
	checkHeader(&p, &t.Meta, KindParty)
	requireLine(&p, "name", t.Name, maxTitle)
	if !t.Role.Valid() {
		p.Addf("role", "must be supplier or customer, got %q", clip(string(t.Role)))
	}
	requireText(&p, "provides", t.Provides)
	checkIDs(&p, "aiSystems", t.AISystems)
	checkTexts(&p, "agreements", t.Agreements)
	text(&p, "responsibilities", t.Responsibilities)
	checkIDs(&p, "controls", t.Controls)
	for i, c := range t.Controls {
		if !controlID(c) {
			p.Addf(fmt.Sprintf("controls[%d]", i), "must be an Annex A control id such as A.10.3, got %q", clip(c))
		}
	}
	actor(&p, "owner", t.Owner, true)
	return p.Err()
}

// controlID reports whether s has the shape of an Annex A control id.
func controlID(s string) bool {
	if len(s) < 5 || s[:2] != "A." {
		return false
	}
	dots := 0
	prevDot := true
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			if prevDot {
				return false
			}
			dots++
			prevDot = true
		case c >= '0' && c <= '9':
			prevDot = false
		default:
			return false
		}
	}
	return !prevDot && dots >= 1
}

// Attributes returns the filterable attributes: role, owner, and
// "system:<id>" = "true" per AI system.
func (t *Party) Attributes() map[string]string {
	a := map[string]string{"role": string(t.Role)}
	if aims.ValidName(t.Owner) {
		a["owner"] = t.Owner
	}
	systemKeys(a, t.AISystems)
	return a
}

// Parties returns the collection of suppliers and customers in ws.
func Parties(ws *aims.Workspace) *aims.Collection[Party, *Party] {
	return aims.NewCollection[Party](ws, KindParty, 1)
}
