package aims

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// KindAISystem is the record kind of [AISystem].
const KindAISystem = "ai-system"

// AIRole is a role an organisation takes towards an AI system, after the
// stakeholder roles of ISO/IEC 22989. Which Annex A controls apply depends
// on it (a provider documents design choices; a customer checks a
// supplier's), so the inventory records it per system. Values are
// append-only.
type AIRole string

// AI roles.
const (
	// AIRoleProvider provides an AI product, service or platform.
	AIRoleProvider AIRole = "provider"
	// AIRoleProducer designs, develops, tests and deploys the AI system
	// (ISO/IEC 22989's AI developer is a producer).
	AIRoleProducer AIRole = "producer"
	// AIRoleCustomer acquires and uses an AI product or service.
	AIRoleCustomer AIRole = "customer"
	// AIRolePartner supplies services around AI: integration, data,
	// evaluation, audit.
	AIRolePartner AIRole = "partner"
	// AIRoleSubject is affected by an AI system, or is the source of its
	// data.
	AIRoleSubject AIRole = "subject"
	// AIRoleUser operates the AI system; ISO/IEC 22989 counts users among
	// customers, and organisations that name the role separately record it
	// here.
	AIRoleUser AIRole = "user"
)

// Valid reports whether r is a known AI role.
func (r AIRole) Valid() bool {
	switch r {
	case AIRoleProvider, AIRoleProducer, AIRoleCustomer, AIRolePartner, AIRoleSubject, AIRoleUser:
		return true
	}
	return false
}

// LifecycleStage is a stage of the AI system life cycle of ISO/IEC 22989.
// Values are append-only.
type LifecycleStage string

// Life cycle stages, in life cycle order.
const (
	// StageInception: the need and objectives are defined.
	StageInception LifecycleStage = "inception"
	// StageDesignDevelopment: the system is designed, its data prepared and
	// its model built.
	StageDesignDevelopment LifecycleStage = "design-and-development"
	// StageVerificationValidation: the system is checked against its
	// requirements and intended use.
	StageVerificationValidation LifecycleStage = "verification-and-validation"
	// StageDeployment: the system is released into its target environment.
	StageDeployment LifecycleStage = "deployment"
	// StageOperationMonitoring: the system runs and is monitored.
	StageOperationMonitoring LifecycleStage = "operation-and-monitoring"
	// StageReEvaluation: the system is reassessed after operation or change.
	StageReEvaluation LifecycleStage = "re-evaluation"
	// StageRetirement: the system is decommissioned.
	StageRetirement LifecycleStage = "retirement"
)

// Valid reports whether s is a known stage.
func (s LifecycleStage) Valid() bool {
	switch s {
	case StageInception, StageDesignDevelopment, StageVerificationValidation, StageDeployment,
		StageOperationMonitoring, StageReEvaluation, StageRetirement:
		return true
	}
	return false
}

// DataKind says what a data source is used for. Values are append-only.
type DataKind string

// Data kinds.
const (
	// DataTraining trains the model.
	DataTraining DataKind = "training"
	// DataValidation tunes and validates the model during development.
	DataValidation DataKind = "validation"
	// DataTest evaluates the finished model.
	DataTest DataKind = "test"
	// DataProduction is what the system processes in operation.
	DataProduction DataKind = "production"
	// DataOther is any other use (reference data, prompts, knowledge bases).
	DataOther DataKind = "other"
)

// Valid reports whether k is a known data kind.
func (k DataKind) Valid() bool {
	switch k {
	case DataTraining, DataValidation, DataTest, DataProduction, DataOther:
		return true
	}
	return false
}

// DataSource is one source of data an AI system uses, and where it comes
// from (Annex A.7 asks for data provenance).
type DataSource struct {
	// Name names the data set or feed.
	Name string `json:"name"`
	// Kind says what it is used for.
	Kind DataKind `json:"kind"`
	// Provenance says where it comes from and under what terms.
	Provenance string `json:"provenance,omitempty"`
}

// ThirdParty is a supplier or partner involved in an AI system (Annex
// A.10).
type ThirdParty struct {
	// Name names the third party.
	Name string `json:"name"`
	// Relation says what it does for the system, e.g. "model supplier",
	// "hosting", "data labelling".
	Relation string `json:"relation,omitempty"`
}

// AISystem is one entry of the AI system inventory that the scope
// (clause 4.3) and every later assessment refer to. Only the id and name
// are required, so a system can be registered first and described as it
// becomes known.
type AISystem struct {
	Meta
	// Name names the system.
	Name string `json:"name"`
	// Purpose is the intended purpose, in a sentence.
	Purpose string `json:"purpose,omitempty"`
	// Description describes what the system does and how.
	Description string `json:"description,omitempty"`
	// Stage is the current life cycle stage; empty when not yet recorded.
	Stage LifecycleStage `json:"stage,omitempty"`
	// Roles lists the roles the organisation takes towards this system.
	Roles []AIRole `json:"roles,omitempty"`
	// Owner is the actor accountable for the system.
	Owner string `json:"owner,omitempty"`
	// ModelVersion identifies the model or release in use.
	ModelVersion string `json:"modelVersion,omitempty"`
	// DataSources lists the data the system is built and run on.
	DataSources []DataSource `json:"dataSources,omitempty"`
	// ThirdParties lists suppliers and partners involved.
	ThirdParties []ThirdParty `json:"thirdParties,omitempty"`
	// DeploymentContext describes where, for whom and under what conditions
	// the system is used.
	DeploymentContext string `json:"deploymentContext,omitempty"`
	// InScope records that the system is inside the AIMS scope.
	InScope bool `json:"inScope"`
}

// Validate checks the system and returns a [*ValidationError] listing
// every problem.
func (s *AISystem) Validate() error {
	var p Problems
	checkHeader(&p, &s.Meta, KindAISystem)
	p.Require("name", s.Name)
	if s.Stage != "" && !s.Stage.Valid() {
		p.Addf("stage", "must be an ISO/IEC 22989 life cycle stage, got %q", s.Stage)
	}
	checkRoles(&p, "roles", s.Roles)
	if s.Owner != "" && !ValidName(s.Owner) {
		p.Addf("owner", "must be an actor id of 1-%d printable bytes, got %q", maxName, s.Owner)
	}
	names := map[string]bool{}
	for i, d := range s.DataSources {
		path := fmt.Sprintf("dataSources[%d]", i)
		switch {
		case strings.TrimSpace(d.Name) == "":
			p.Add(path+".name", "is required")
		case names[d.Name]:
			p.Addf(path+".name", "duplicate data source %q", d.Name)
		}
		names[d.Name] = true
		if !d.Kind.Valid() {
			p.Addf(path+".kind", "must be training, validation, test, production or other, got %q", d.Kind)
		}
	}
	for i, t := range s.ThirdParties {
		p.Require(fmt.Sprintf("thirdParties[%d].name", i), t.Name)
	}
	return p.Err()
}

// HasRole reports whether the organisation takes role r towards the
// system.
func (s *AISystem) HasRole(r AIRole) bool {
	for _, x := range s.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Attribute names of an AI system beyond inScope, stage, owner and roles.
const (
	// AttrSystemSources holds the names of the system's data sources
	// ([JoinAttr]), absent when it names none.
	AttrSystemSources = "dataSources"
	// AttrSystemIndex is [SystemIndexVersion] on every system written
	// since the attribute set included [AttrSystemSources]; a system
	// without it was written by an older build, and a reader that needs
	// its data sources decodes it instead.
	AttrSystemIndex = "ix"
)

// SystemIndexVersion is the value of [AttrSystemIndex].
const SystemIndexVersion = "1"

// Attributes returns the filterable attributes: inScope ("true" or
// "false"), stage and owner when set, "role:<role>" = "true" per role, so
// that a List can ask for, say, every in-scope system the organisation
// provides, and the names of its data sources ([AttrSystemSources],
// [AttrSystemIndex]) so that a check reads them without decoding.
func (s *AISystem) Attributes() map[string]string {
	a := map[string]string{"inScope": strconv.FormatBool(s.InScope), AttrSystemIndex: SystemIndexVersion}
	if len(s.DataSources) > 0 {
		names := make([]string, len(s.DataSources))
		for i, d := range s.DataSources {
			names[i] = d.Name
		}
		a[AttrSystemSources] = JoinAttr(names)
	}
	if s.Stage != "" {
		a["stage"] = string(s.Stage)
	}
	if s.Owner != "" {
		a["owner"] = s.Owner
	}
	for _, r := range s.Roles {
		a["role:"+string(r)] = "true"
	}
	return a
}

// AISystems returns the AI system inventory of ws.
//
// An AI system that other records refer to (a scope, or any record indexed
// with "system" = its id or "system:<id>" = "true", as risks, impact
// assessments and life cycle records are) cannot be deleted: the delete
// fails with [ErrInvalid] naming a referring record. Retire it instead
// (Stage [StageRetirement], InScope false), which keeps its history.
func AISystems(ws *Workspace) *Collection[AISystem, *AISystem] {
	return NewCollection[AISystem](ws, KindAISystem, 1).GuardDelete(func(ctx context.Context, id string) error {
		return systemReferenced(ctx, ws, id)
	})
}

// systemReferenced returns an error naming a record that refers to AI
// system id, or nil. Without a [KindLister] store it checks the scopes and
// the kinds the journal names are not read: only scopes are checked.
func systemReferenced(ctx context.Context, ws *Workspace, id string) error {
	refused := func(kind, rid string) error {
		return Invalid("id", fmt.Sprintf("AI system %q is referred to by %s %s: retire it (stage %s, out of scope) instead of deleting it", id, kind, rid, StageRetirement))
	}
	for sc, err := range Scopes(ws).List(ctx, nil) {
		if err != nil {
			return err
		}
		if slices.Contains(sc.AISystems, id) {
			return refused(KindScope, sc.ID)
		}
	}
	kl, ok := ws.store.(KindLister)
	if !ok {
		return nil
	}
	kinds, err := kl.Kinds(ctx, ws.tenant)
	if err != nil {
		return err
	}
	for _, k := range kinds {
		if k == KindAISystem {
			continue
		}
		for _, where := range []map[string]string{{"system": id}, {"system:" + id: "true"}} {
			page, err := ws.store.List(ctx, ws.tenant, Query{Kind: k, Where: where, Limit: 1})
			if err != nil {
				return err
			}
			if len(page.Records) > 0 {
				return refused(k, page.Records[0].ID)
			}
		}
	}
	return nil
}
