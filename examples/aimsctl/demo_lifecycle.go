package main

import (
	"context"
	"fmt"

	"github.com/aimsgo/iso42001/examples/manifests"
)

// lifecycle applies the life cycle records northwind.yaml declares, the
// ones an auditor samples per AI system at stage 2 (7.3, 7.4, A.4, A.6.2,
// A.7): requirements, a passed verification, an approved deployment
// (requested by erin, approved by bob, through the deployment workflow),
// the technical documentation, the event-log policy and the resources of
// each system; the credit model's training data with its provenance and
// measured quality; awareness and communication. Carol, whom
// northwind.yaml makes the concern handler, handles concerns (A.3.3).
func (d *demo) lifecycle(ctx context.Context) error {
	return d.step("do: life cycle records", func() error {
		if _, err := d.apply(ctx, lifecyclePart); err != nil {
			return err
		}
		m, err := d.manifest(lifecyclePart)
		if err != nil {
			return err
		}
		l := m.Lifecycle
		if l == nil {
			return fmt.Errorf("%s declares no life cycle records", manifests.NorthwindName)
		}
		for _, dep := range l.DeploymentApprovals {
			d.say("A.6.2    %s: deployment of %s to %s requested by %s, approved by %s.", dep.System, dep.Release, dep.Environment, dep.RequestedBy, dep.ApprovedBy)
		}
		d.say("         %d requirements, %d verifications passed and signed, %d technical files, %d event-log policies, %d resources.",
			len(l.Requirements), len(l.Verifications), len(l.TechnicalDocs), len(l.EventLogPolicies), len(l.Resources))
		for _, ds := range l.Datasets {
			for _, q := range ds.Quality {
				d.say("A.7      Dataset %s: provenance, acquisition and measured %s %.1f%s.", ds.Name, q.Name, q.Value, q.Unit)
			}
		}
		d.say("7.3-7.4  %d awareness session(s) held; %d communications planned; carol handles concerns (A.3.3).", len(l.Awareness), len(l.Communications))
		return nil
	})
}
