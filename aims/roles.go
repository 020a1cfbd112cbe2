package aims

// The roles of clause 5.3 that the SDK's workflows and default policies
// name, in one place. An organisation assigns them with [RoleAssignment]
// (or maps its identity provider's groups to them in its own
// [Authorizer]); it may define more. Values are append-only.
const (
	// RoleTopManagement is the organisation's top management (5.1): it
	// approves the AI policy and the SoA, may accept any risk the
	// tolerance allows, holds management reviews and advances the PDCA
	// cycle.
	RoleTopManagement Role = "top-management"
	// RoleAIMSManager runs the AIMS day to day: it advances the PDCA cycle
	// and prepares management reviews.
	RoleAIMSManager Role = "aims-manager"
	// RoleApprover may approve or reject documents, SoA versions and
	// impact assessments submitted for review.
	RoleApprover Role = "approver"
	// RoleDocumentController administers documented information (7.5): it
	// may submit any draft, and publish and withdraw documents.
	RoleDocumentController Role = "document-controller"
	// RoleRiskManager may accept medium risks under the default criteria.
	RoleRiskManager Role = "risk-manager"
	// RoleGovernanceBoard may accept high risks under the default
	// criteria.
	RoleGovernanceBoard Role = "ai-governance-board"
	// RoleImpactReviewer may approve or reject impact assessments.
	RoleImpactReviewer Role = "impact-reviewer"
	// RoleInternalAuditor plans and performs internal audits (9.2) and
	// verifies the effectiveness of corrective actions (10.2).
	RoleInternalAuditor Role = "internal-auditor"
	// RoleAuditManager manages the audit programme (9.2.2): it approves
	// programmes and may cancel audits.
	RoleAuditManager Role = "audit-manager"
)
