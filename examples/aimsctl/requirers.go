package main

import (
	"context"

	"github.com/aimsgo/iso42001/soa"
)

// requirers lists what feeds the SoA's requirements in this workspace.
func requirers(_ context.Context, _ *workspace) ([]soa.Requirer, error) {
	return nil, nil
}
