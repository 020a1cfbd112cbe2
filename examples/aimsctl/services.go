package main

import (
	"context"
	"errors"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/audit"
	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// criteria returns the workspace's risk criteria, or the defaults when none
// were saved.
func criteria(ctx context.Context, ws *workspace) (*risk.Criteria, error) {
	crit, err := risk.LoadCriteria(ctx, ws.Workspace)
	if errors.Is(err, aims.ErrNotFound) {
		return risk.DefaultCriteria(), nil
	}
	return crit, err
}

// riskRegister is the workspace's risk register, scored by the scorer its
// criteria name.
func riskRegister(ctx context.Context, ws *workspace) (*risk.Register, error) {
	crit, err := criteria(ctx, ws)
	if err != nil {
		return nil, err
	}
	scorer, err := risk.Builtins().ForCriteria(crit)
	if err != nil {
		return nil, err
	}
	return risk.NewRegister(ws.Workspace, crit, scorer, nil)
}

// impactService is the workspace's impact assessment service, linked to
// its risk register.
func impactService(ctx context.Context, ws *workspace) (*impact.Service, error) {
	reg, err := riskRegister(ctx, ws)
	if err != nil {
		return nil, err
	}
	return impact.NewService(ctx, ws.Workspace, &impact.Options{Register: reg})
}

// requirers lists what feeds the SoA's requirements in this workspace: the
// risk treatments and the impact assessments' mitigations.
func requirers(ctx context.Context, ws *workspace) ([]soa.Requirer, error) {
	reg, err := riskRegister(ctx, ws)
	if err != nil {
		return nil, err
	}
	imp, err := impactService(ctx, ws)
	if err != nil {
		return nil, err
	}
	return []soa.Requirer{soa.Risks(reg), imp}, nil
}

// readinessChecks is the registry of PDCA gate checks the CLI uses: the
// kernel's, plus those of every package the CLI embeds.
func readinessChecks(ctx context.Context, ws *workspace) (*aims.Checks, error) {
	cs := aims.NewChecks()
	if err := cs.Add(aims.KernelChecks()...); err != nil {
		return nil, err
	}
	reg, err := riskRegister(ctx, ws)
	if err != nil {
		return nil, err
	}
	imp, err := impactService(ctx, ws)
	if err != nil {
		return nil, err
	}
	svc, err := soaService(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, extra := range [][]aims.Check{reg.Checks(), imp.Checks(), svc.Checks(), audit.Checks()} {
		if err := cs.Add(extra...); err != nil {
			return nil, err
		}
	}
	return cs, nil
}
