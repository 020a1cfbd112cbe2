package main

import (
	"context"
	"fmt"
	"io"

	"github.com/aimsgo/iso42001/aims"
)

func pdcaCommand() *command {
	return &command{
		name:    "pdca",
		summary: "the Plan-Do-Check-Act cycle and what blocks its next phase",
		usage:   "status|advance",
		sub: []*command{
			{name: "status", summary: "the current phase and what blocks the next one, clause by clause; exit 0 when ready", usage: "", run: runPDCAStatus},
			{name: "advance", summary: "move to the next phase when every check passes", usage: "", run: runPDCAAdvance},
		},
	}
}

func runPDCAStatus(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl pdca status", "show the current PDCA phase and what blocks the next one, clause by clause; exit 0 when the next gate is open, 1 otherwise", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	st, err := ws.AIMS.PDCA().Status(ctx)
	if err != nil {
		return err
	}
	writeStatus(a.stdout, st)
	if !st.Ready {
		return errSilent
	}
	return nil
}

func writeStatus(w io.Writer, st aims.Status) {
	fmt.Fprintf(w, "Cycle %d, phase %s. Next: %s.\n", st.Cycle, st.Phase, st.Next)
	if st.Ready {
		fmt.Fprintf(w, "Ready: every check of %s passes.\n", st.Gate)
	} else {
		fmt.Fprintf(w, "Blocked: %d of %d checks of %s fail:\n", len(st.Blocking), len(st.Checks), st.Gate)
	}
	for _, c := range st.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "MISSING"
		}
		fmt.Fprintf(w, "  %-7s %-6s %s: %s\n", mark, c.Clause, c.Title, c.Detail)
	}
}

func runPDCAAdvance(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl pdca advance", "move the AIMS to the next PDCA phase; refused, listing what is missing, while a check fails", "[--as WHO]")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	c, err := ws.AIMS.PDCA().Advance(ctx, wf.who(a))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "cycle %d is now in phase %s\n", c.Number, c.Phase())
	return nil
}
