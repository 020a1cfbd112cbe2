package oscal

// This file models the OSCAL system-security-plan (SSP) model, release
// 1.2.1, as far as the SDK writes it: a Statement of Applicability becomes
// an SSP whose control-implementation lists one implemented-requirement
// per control, each answered by the system as a whole ("this-system"
// component). Field names follow the OSCAL JSON names; every array is
// omitempty because the schema rejects empty arrays, except those the
// schema requires.

// SSPDocument is the top-level JSON object of an SSP file:
// {"system-security-plan": {...}}.
type SSPDocument struct {
	SSP *SSP `json:"system-security-plan"`
}

// SSP is OSCAL's system-security-plan model.
type SSP struct {
	UUID                  string                `json:"uuid"`
	Metadata              SSPMetadata           `json:"metadata"`
	ImportProfile         ImportProfile         `json:"import-profile"`
	SystemCharacteristics SystemCharacteristics `json:"system-characteristics"`
	SystemImplementation  SystemImplementation  `json:"system-implementation"`
	ControlImplementation ControlImplementation `json:"control-implementation"`
	BackMatter            *BackMatter           `json:"back-matter,omitempty"`
}

// SSPMetadata is [Metadata] plus the roles and parties an SSP's
// responsible-roles point at. The common [Metadata] type does not carry
// them yet; the fields here are the OSCAL metadata's own "roles" and
// "parties".
type SSPMetadata struct {
	Metadata
	Roles              []Role             `json:"roles,omitempty"`
	Parties            []Party            `json:"parties,omitempty"`
	ResponsibleParties []ResponsibleParty `json:"responsible-parties,omitempty"`
}

// ResponsibleParty says which parties hold a metadata role for the
// document as a whole (for example who prepared and who approved it).
type ResponsibleParty struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
	Remarks    string   `json:"remarks,omitempty"`
}

// Role is a role defined in metadata, referenced by id.
type Role struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Party is a person or organisation defined in metadata, referenced by
// UUID. Type is "person" or "organization".
type Party struct {
	UUID string `json:"uuid"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// ImportProfile references the profile (the selection of controls) the
// plan implements. A "#uuid" fragment pointing at a back-matter resource
// is accepted when no profile document exists.
type ImportProfile struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// SystemCharacteristics describes the system the plan covers.
type SystemCharacteristics struct {
	SystemIDs             []SystemID            `json:"system-ids"`
	SystemName            string                `json:"system-name"`
	SystemNameShort       string                `json:"system-name-short,omitempty"`
	Description           string                `json:"description"`
	Props                 []Prop                `json:"props,omitempty"`
	DateAuthorized        string                `json:"date-authorized,omitempty"`
	SystemInformation     SystemInformation     `json:"system-information"`
	Status                SystemStatus          `json:"status"`
	AuthorizationBoundary AuthorizationBoundary `json:"authorization-boundary"`
	Remarks               string                `json:"remarks,omitempty"`
}

// SystemInformation lists the information types the system handles.
type SystemInformation struct {
	InformationTypes []InformationType `json:"information-types"`
}

// InformationType is one kind of information the system stores or
// processes.
type InformationType struct {
	UUID        string `json:"uuid,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// SystemStatus is the operational status of the system: "operational",
// "under-development", "under-major-modification", "disposition" or
// "other".
type SystemStatus struct {
	State   string `json:"state"`
	Remarks string `json:"remarks,omitempty"`
}

// AuthorizationBoundary describes what the plan covers.
type AuthorizationBoundary struct {
	Description string `json:"description"`
	Remarks     string `json:"remarks,omitempty"`
}

// SystemImplementation lists the system's users and components.
type SystemImplementation struct {
	Props      []Prop       `json:"props,omitempty"`
	Users      []SystemUser `json:"users,omitempty"`
	Components []Component  `json:"components"`
	Remarks    string       `json:"remarks,omitempty"`
}

// SystemUser is a type of user of the system.
type SystemUser struct {
	UUID        string   `json:"uuid"`
	Title       string   `json:"title,omitempty"`
	ShortName   string   `json:"short-name,omitempty"`
	Description string   `json:"description,omitempty"`
	Props       []Prop   `json:"props,omitempty"`
	RoleIDs     []string `json:"role-ids,omitempty"`
	Remarks     string   `json:"remarks,omitempty"`
}

// Component is a part of the system; an SSP has at least one of type
// "this-system".
type Component struct {
	UUID        string          `json:"uuid"`
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Purpose     string          `json:"purpose,omitempty"`
	Props       []Prop          `json:"props,omitempty"`
	Links       []Link          `json:"links,omitempty"`
	Status      ComponentStatus `json:"status"`
	Remarks     string          `json:"remarks,omitempty"`
}

// ComponentStatus is a component's operational status:
// "under-development", "operational", "disposition" or "other".
type ComponentStatus struct {
	State   string `json:"state"`
	Remarks string `json:"remarks,omitempty"`
}

// ControlImplementation says how the system meets each control.
type ControlImplementation struct {
	Description             string                   `json:"description"`
	ImplementedRequirements []ImplementedRequirement `json:"implemented-requirements"`
}

// ImplementedRequirement is how one control is met.
type ImplementedRequirement struct {
	UUID             string            `json:"uuid"`
	ControlID        string            `json:"control-id"`
	Props            []Prop            `json:"props,omitempty"`
	Links            []Link            `json:"links,omitempty"`
	ResponsibleRoles []ResponsibleRole `json:"responsible-roles,omitempty"`
	Statements       []Statement       `json:"statements,omitempty"`
	ByComponents     []ByComponent     `json:"by-components,omitempty"`
	Remarks          string            `json:"remarks,omitempty"`
}

// Statement is how one statement (part) of a control is met.
type Statement struct {
	StatementID      string            `json:"statement-id"`
	UUID             string            `json:"uuid"`
	Props            []Prop            `json:"props,omitempty"`
	Links            []Link            `json:"links,omitempty"`
	ResponsibleRoles []ResponsibleRole `json:"responsible-roles,omitempty"`
	ByComponents     []ByComponent     `json:"by-components,omitempty"`
	Remarks          string            `json:"remarks,omitempty"`
}

// ByComponent is what one component does towards a requirement.
type ByComponent struct {
	ComponentUUID        string                `json:"component-uuid"`
	UUID                 string                `json:"uuid"`
	Description          string                `json:"description"`
	Props                []Prop                `json:"props,omitempty"`
	Links                []Link                `json:"links,omitempty"`
	ImplementationStatus *ImplementationStatus `json:"implementation-status,omitempty"`
	ResponsibleRoles     []ResponsibleRole     `json:"responsible-roles,omitempty"`
	Remarks              string                `json:"remarks,omitempty"`
}

// ImplementationStatus is the degree to which a requirement is met:
// "implemented", "partial", "planned", "alternative" or "not-applicable".
type ImplementationStatus struct {
	State   string `json:"state"`
	Remarks string `json:"remarks,omitempty"`
}

// ResponsibleRole names a metadata role, and optionally the parties that
// hold it, as responsible for something.
type ResponsibleRole struct {
	RoleID     string   `json:"role-id"`
	Props      []Prop   `json:"props,omitempty"`
	PartyUUIDs []string `json:"party-uuids,omitempty"`
	Remarks    string   `json:"remarks,omitempty"`
}
