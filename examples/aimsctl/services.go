package main

import (
	"context"

	"github.com/aimsgo/iso42001/impact"
	"github.com/aimsgo/iso42001/risk"
	"github.com/aimsgo/iso42001/soa"
)

// The services a command works with, for openWith. The wiring is the
// library's (iso42001.Open); these only pick a service from it.

func riskRegister(_ context.Context, ws *workspace) (*risk.Register, error) {
	return ws.AIMS.Risks(), nil
}

func impactService(_ context.Context, ws *workspace) (*impact.Service, error) {
	return ws.AIMS.Impacts(), nil
}

func soaService(_ context.Context, ws *workspace) (*soa.Service, error) {
	return ws.AIMS.SoA(), nil
}
