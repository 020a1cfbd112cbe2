package soa

import (
	"context"
	"iter"
	"slices"

	"github.com/aimsgo/iso42001/risk"
)

// Risks adapts a risk register to a [Requirer]: every control chosen in the
// treatment plan of a risk that is not closed becomes a requirement whose
// source is the risk, with its inherent band as the level (the level that
// called for treatment; the current band when no inherent rating exists).
// Risks come in natural order of id from the register's projection of the
// risks whose treatment chose controls ([risk.Register.Chosen]), so each
// control's sources arrive sorted and nothing is decoded.
func Risks(reg *risk.Register) Requirer { return riskRequirer{reg} }

// riskRequirer yields, per risk in natural order of id, each control its
// treatment chose once: an [orderedRequirer].
type riskRequirer struct{ reg *risk.Register }

func (riskRequirer) ordered() {}

// Requirements implements [Requirer].
func (r riskRequirer) Requirements(ctx context.Context) iter.Seq2[Requirement, error] {
	return func(yield func(Requirement, error) bool) {
		for v, err := range r.reg.Chosen(ctx) {
			if err != nil {
				yield(Requirement{}, err)
				return
			}
			src := Source{Kind: SourceRisk, ID: v.ID, Title: v.Title, Level: v.Level}
			for i, c := range v.Controls {
				if slices.Contains(v.Controls[:i], c) {
					continue // a control listed twice requires it once
				}
				if !yield(Requirement{Control: c, Source: src}, nil) {
					return
				}
			}
		}
	}
}
