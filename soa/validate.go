package soa

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/natsort"
)

// Severity grades a [Finding].
type Severity string

// Severities. An error is what a certification auditor would raise as a
// nonconformity; a warning is an observation worth fixing before the
// audit.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Rules a [Finding] can break, as stable codes for callers to branch on.
const (
	// RuleUnknownControl: a control id not in the catalog.
	RuleUnknownControl = "unknown-control"
	// RuleDuplicateControl: a control listed more than once.
	RuleDuplicateControl = "duplicate-control"
	// RuleMissingControl: an Annex A control absent from the SoA.
	RuleMissingControl = "missing-control"
	// RuleOrder: controls out of natural order.
	RuleOrder = "order"
	// RuleExcludedButRequired: an excluded control that a risk treatment,
	// impact assessment or obligation relies on.
	RuleExcludedButRequired = "excluded-but-required"
	// RuleUnjustifiedExclusion: an exclusion without a justification.
	RuleUnjustifiedExclusion = "unjustified-exclusion"
	// RuleUndecided: a control that nothing requires and nobody has
	// decided on. An error: the SoA must decide every control.
	RuleUndecided = "undecided"
	// RuleUndecidedExclusion was the warning for a control left out only
	// because nothing required it.
	//
	// Deprecated: such a control is now undecided and reported as
	// [RuleUndecided], an error.
	RuleUndecidedExclusion = "undecided-exclusion"
	// RuleUntracedInclusion: an applicable control with neither sources
	// nor a decision.
	RuleUntracedInclusion = "untraced-inclusion"
	// RuleNoOwner: an applicable control without an owner.
	RuleNoOwner = "no-owner"
	// RuleNoStatus: an applicable control without an implementation status.
	RuleNoStatus = "no-status"
	// RuleEvidence: malformed evidence (URI or digest).
	RuleEvidence = "evidence"
)

// Finding is one problem an auditor would raise about an SoA, naming the
// control and the source (risk, obligation, decision...) involved.
type Finding struct {
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Control  string   `json:"control"`
	// Source is the risk, obligation or decision concerned, if one is.
	Source  Source `json:"source,omitzero"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	return string(f.Severity) + ": " + f.Control + ": " + f.Message + " [" + f.Rule + "]"
}

// Validation is the result of [Validate]: every finding, in the order of
// the SoA's entries, unknown references last.
type Validation struct {
	Findings []Finding `json:"findings"`
}

// Report is the old name of [Validation].
//
// Deprecated: use Validation; the soa package's reports are its renderings.
type Report = Validation

// Errors returns the findings of severity error.
func (r Validation) Errors() []Finding { return r.filter(SeverityError) }

// Warnings returns the findings of severity warning.
func (r Validation) Warnings() []Finding { return r.filter(SeverityWarning) }

func (r Validation) filter(s Severity) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}

// OK reports whether there is no error (warnings allowed).
func (r Validation) OK() bool { return len(r.Errors()) == 0 }

// Err returns nil when there is no error finding, or a
// [*aims.ValidationError] (matching aims.ErrInvalid) with one problem per
// error, at path "entries[<control>]".
func (r Validation) Err() error {
	var p aims.Problems
	for _, f := range r.Errors() {
		p.Add("entries["+f.Control+"]", f.Message+" ["+f.Rule+"]")
	}
	return p.Err()
}

// maxNamed bounds the sources one finding names.
const maxNamed = 5

// Validate judges s as a certification auditor would (ISO/IEC 42001 6.1.3
// d and e): every Annex A control present exactly once and in order;
// every exclusion justified and not contradicted by a risk treatment,
// impact assessment or obligation; every inclusion traced to a source or a
// decision; every id known to the catalog; every applicable control owned
// and given a status. For an SoA of the built-in catalog, Annex A
// membership is checked against controls.ISO42001(); own controls are
// checked when the SoA is generated (see [SoA.Unresolved]).
func Validate(s *SoA) Validation {
	var r Validation
	add := func(sev Severity, rule, control string, src Source, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Severity: sev, Rule: rule, Control: control, Source: src, Message: fmt.Sprintf(format, args...)})
	}
	builtin := controls.ISO42001()
	checkAnnex := s.Catalog == builtin.ID()
	seen := make(map[string]bool, len(s.Entries))
	var prev *Entry
	for i := range s.Entries {
		e := &s.Entries[i]
		id := e.Control
		if seen[id] {
			add(SeverityError, RuleDuplicateControl, id, Source{}, "listed more than once")
			continue
		}
		seen[id] = true
		if checkAnnex && e.Origin == controls.OriginAnnexA {
			if _, err := builtin.Control(id); err != nil {
				add(SeverityError, RuleUnknownControl, id, Source{}, "is not an Annex A control of catalog %s", s.Catalog)
			}
		}
		if prev != nil && entryOrder(prev, e) > 0 {
			add(SeverityWarning, RuleOrder, id, Source{}, "listed after %s; controls should follow natural order, Annex A first", prev.Control)
		}
		prev = e
		validateEntry(e, add)
	}
	if checkAnnex {
		for c := range builtin.Controls() {
			if c.Origin == controls.OriginAnnexA && !seen[c.ID] {
				add(SeverityError, RuleMissingControl, c.ID, Source{}, "Annex A control %q (%s) is missing; every Annex A control must appear, applicable or not", c.ID, c.Title)
			}
		}
	}
	for _, u := range s.Unresolved {
		add(SeverityError, RuleUnknownControl, u.Control, u.Source, "%s names control %q, which is not in catalog %s", describe(u.Source), u.Control, s.Catalog)
	}
	return r
}

func entryOrder(a, b *Entry) int {
	ra, rb := 1, 1
	if a.Origin == controls.OriginAnnexA {
		ra = 0
	}
	if b.Origin == controls.OriginAnnexA {
		rb = 0
	}
	if ra != rb {
		return ra - rb
	}
	return natsort.Compare(a.Control, b.Control)
}

type addFunc func(sev Severity, rule, control string, src Source, format string, args ...any)

func validateEntry(e *Entry, add addFunc) {
	id := e.Control
	d := e.Decision
	if e.Applicable {
		if len(e.Sources) == 0 && (d == nil || d.Choice != Include) {
			add(SeverityError, RuleUntracedInclusion, id, Source{}, "applicable, but no risk treatment, impact assessment, obligation or decision says why")
		}
		if strings.TrimSpace(e.Owner) == "" {
			add(SeverityWarning, RuleNoOwner, id, Source{}, "applicable but has no owner")
		}
		if e.Status == "" {
			add(SeverityWarning, RuleNoStatus, id, Source{}, "applicable but has no implementation status")
		}
	} else {
		var dsrc Source
		if d != nil {
			dsrc = Source{Kind: SourceDecision, ID: id, Detail: d.By}
		}
		switch {
		case strings.TrimSpace(e.Justification) == "":
			add(SeverityError, RuleUnjustifiedExclusion, id, dsrc, "excluded without a justification")
		case d != nil && strings.TrimSpace(d.Reason) == "":
			add(SeverityError, RuleUnjustifiedExclusion, id, dsrc, "excluded by %s without a reason", cmp.Or(d.By, "a decision"))
		case d == nil && e.Undecided:
			msg := "undecided: nothing requires it and nobody has decided; include it, or exclude it with a reason"
			if len(e.Proposals) > 0 {
				msg += " (proposed as applicable: " + e.Proposals[0].Evidence + ")"
			}
			add(SeverityError, RuleUndecided, id, Source{}, "%s", msg)
		case d == nil:
			add(SeverityError, RuleUnjustifiedExclusion, id, Source{}, "excluded without a decision by a person")
		}
		for i := 0; i < len(e.Sources); {
			j := i + 1
			for j < len(e.Sources) && e.Sources[j].Kind == e.Sources[i].Kind {
				j++
			}
			group := e.Sources[i:j]
			names := make([]string, 0, maxNamed)
			for _, s := range group[:min(len(group), maxNamed)] {
				names = append(names, s.ID)
			}
			list := strings.Join(names, ", ")
			if len(group) > maxNamed {
				list += fmt.Sprintf(" and %d more", len(group)-maxNamed)
			}
			var what string
			switch group[0].Kind {
			case SourceRisk:
				what = "the treatment of risk " + list + " relies on it"
			case SourceImpact:
				what = "impact assessment " + list + " calls for it"
			default:
				what = string(group[0].Kind) + " " + list + " requires it"
			}
			add(SeverityError, RuleExcludedButRequired, id, group[0], "excluded, but %s", what)
			i = j
		}
	}
	for i := range e.Evidence {
		ev := &e.Evidence[i]
		if !validSHA256(ev.SHA256) {
			add(SeverityError, RuleEvidence, id, Source{}, "evidence %q: sha256 must be 64 lower-case hex digits, got %q", ev.URI, ev.SHA256)
		}
		if strings.TrimSpace(ev.URI) == "" {
			add(SeverityError, RuleEvidence, id, Source{}, "evidence %d has no URI", i)
		}
	}
}

// describe names a source for a finding: "risk R-12 (Bias)".
func describe(s Source) string {
	var kind string
	switch s.Kind {
	case SourceImpact:
		kind = "impact assessment"
	case SourceImplementation:
		kind = "implementation record"
	default:
		kind = string(s.Kind)
	}
	out := kind + " " + s.ID
	if s.Kind == SourceDecision || s.Kind == SourceImplementation {
		out = kind
		if s.Detail != "" {
			out += " by " + s.Detail
		}
		return out
	}
	if s.Title != "" {
		out += " (" + s.Title + ")"
	}
	return out
}
