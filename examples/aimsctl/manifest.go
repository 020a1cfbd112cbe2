package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aimsgo/iso42001"
)

// planCommand is "aimsctl plan -f aims.yaml": what applying the manifest
// would change, record by record and field by field.
func planCommand() *command {
	return &command{name: "plan", summary: "show what applying an AIMS manifest would change (exit 2 if anything)",
		usage: "-f FILE [--prune] [--db FILE|URL]", run: runPlan}
}

// applyCommand is "aimsctl apply -f aims.yaml": the plan, carried out.
func applyCommand() *command {
	return &command{name: "apply", summary: "carry out an AIMS manifest's plan through the services",
		usage: "-f FILE [--prune] [--as WHO] [--db FILE|URL]", run: runApply}
}

// exportCommand is "aimsctl export > aims.yaml".
func exportCommand() *command {
	return &command{name: "export", summary: "write the workspace as an AIMS manifest (canonical YAML)",
		usage: "[--schema URL] [--db FILE|URL]", run: runExport}
}

// manifestCommand groups the manifest's own tools.
func manifestCommand() *command {
	return &command{name: "manifest", summary: "the AIMS manifest format", usage: "schema",
		sub: []*command{{name: "schema", summary: "write the manifest's JSON Schema", usage: "", run: runManifestSchema}}}
}

// detailed makes a usage error exit 1, as terraform plan
// -detailed-exitcode does: exit 2 means "changes", nothing else.
func detailed(err error) error {
	var ee *exitError
	if errors.As(err, &ee) && ee.code == 2 {
		return &exitError{code: 1, err: ee.err}
	}
	return err
}

// errChanges is plan's exit status 2: the plan, already printed, would
// change something.
var errChanges = &exitError{code: 2, err: errSilent}

// manifestFlags are the flags plan and apply share.
type manifestFlags struct {
	file  *string
	prune *bool
	ws    *wsFlags
}

func addManifestFlags(f *flags) *manifestFlags {
	mf := &manifestFlags{
		file:  f.String("f", "", "the manifest, YAML or JSON (- for standard input; required)"),
		prune: f.Bool("prune", false, "also delete or retire what the manifest no longer holds"),
	}
	mf.ws = addWorkspaceFlags(f)
	return mf
}

// read reads and decodes the manifest -f names.
func (mf *manifestFlags) read(path string) (*iso42001.Manifest, error) {
	if *mf.file == "" {
		return nil, usageError("%s: -f FILE is required", path)
	}
	var (
		r    io.Reader
		name = *mf.file
	)
	if name == "-" {
		r, name = os.Stdin, "<stdin>"
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	// One byte past the limit, so that the decoder names the limit.
	data, err := io.ReadAll(io.LimitReader(r, iso42001.MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	m, err := iso42001.DecodeManifest(name, data)
	if err != nil {
		return nil, err
	}
	// Answer files are read beside the manifest (from standard input:
	// beside the working directory), never outside that directory.
	dir := "."
	if *mf.file != "-" {
		dir = filepath.Dir(name)
	}
	if err := m.ReadAnswerFiles(os.DirFS(dir)); err != nil {
		return nil, err
	}
	return m, nil
}

func runPlan(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl plan", "compare an AIMS manifest with the workspace and print what applying it would change, record by record and field by field; exit 0 when nothing would change, 2 when something would, 1 on error",
		"-f FILE [--prune] [--format text|json] [--db FILE|URL] [--tenant T]")
	mf := addManifestFlags(f)
	format := f.String("format", "text", "output: text (for people) or json (every change, unchanged ones included)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return detailed(err)
	}
	if *format != "text" && *format != "json" {
		return &exitError{code: 1, err: fmt.Errorf("aimsctl plan: --format must be text or json, got %q", *format)}
	}
	m, err := mf.read("aimsctl plan")
	if err != nil {
		return detailed(err)
	}
	ws, sys, err := openManifestAIMS(ctx, a, mf.ws)
	if err != nil {
		return detailed(err)
	}
	defer ws.Close()
	p, err := sys.Plan(ctx, m, &iso42001.PlanOptions{Prune: *mf.prune, Actor: mf.ws.who(a)})
	if err != nil {
		return detailed(err)
	}
	if *format == "json" {
		err = writeJSON(a.stdout, p)
	} else {
		err = p.WriteText(a.stdout)
	}
	if err != nil {
		return detailed(err)
	}
	if p.Changed() {
		return errChanges
	}
	return nil
}

func runApply(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl apply", "carry out an AIMS manifest's plan through the services: documents are created and submitted by their author and approved by their approver, risks assessed and treated by their owner, everything else done by --as; a manifest with any problem writes nothing",
		"-f FILE [--prune] [--as WHO] [--db FILE|URL] [--tenant T]")
	mf := addManifestFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	m, err := mf.read("aimsctl apply")
	if err != nil {
		return err
	}
	ws, sys, err := openManifestAIMS(ctx, a, mf.ws)
	if err != nil {
		return err
	}
	defer ws.Close()
	p, err := sys.Apply(ctx, mf.ws.who(a), m, &iso42001.ApplyOptions{Prune: *mf.prune})
	if p != nil && err == nil {
		if werr := p.WriteText(a.stdout); werr != nil {
			return werr
		}
		fmt.Fprintln(a.stdout, "Applied.")
	}
	return err
}

func runExport(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl export", "write the workspace as an AIMS manifest in canonical YAML on standard output",
		"[--schema URL] [--db FILE|URL] [--tenant T]")
	schema := f.String("schema", "", "write a yaml-language-server $schema comment naming this schema URL or path")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	ws, sys, err := openManifestAIMS(ctx, a, wf)
	if err != nil {
		return err
	}
	defer ws.Close()
	m, err := sys.Export(ctx)
	if err != nil {
		return err
	}
	return iso42001.EncodeManifest(a.stdout, m, *schema)
}

func runManifestSchema(_ context.Context, a *app, args []string) error {
	f := a.flags("aimsctl manifest schema", "write the JSON Schema of the AIMS manifest on standard output, for editors and other tools", "")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	_, err := a.stdout.Write(iso42001.ManifestSchema())
	return err
}

// openManifestAIMS opens the workspace and the AIMS on it, with the
// workspace's clock.
func openManifestAIMS(ctx context.Context, a *app, wf *wsFlags) (*workspace, *iso42001.AIMS, error) {
	return openWith(ctx, a, wf, func(ctx context.Context, ws *workspace) (*iso42001.AIMS, error) {
		return iso42001.Open(ctx, ws.Workspace.Store(), ws.Workspace.Tenant(), &iso42001.Options{Clock: ws.Workspace.Now})
	})
}
