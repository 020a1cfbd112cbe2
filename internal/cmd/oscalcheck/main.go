// Command oscalcheck validates OSCAL JSON files against NIST's schemas, for
// .ci/run and .ci/cli.sh: oscalcheck -model catalog FILE..., or -model
// mapping for a mapping collection (a crosswalk).
//
// It exits 0 when every file is valid, 1 when one is not (printing every
// violation), and 2 on bad usage or when the schemas cannot be found.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/aimsgo/iso42001/internal/oscaltest"
)

// models are the OSCAL models the SDK writes, by schema file stem.
var models = []oscaltest.Model{oscaltest.Catalog, oscaltest.SSP, oscaltest.AssessmentPlan,
	oscaltest.AssessmentResults, oscaltest.POAM, oscaltest.Mapping}

func main() { os.Exit(run(os.Stdout, os.Stderr, os.Args[1:])) }

func run(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("oscalcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "OSCAL model: catalog, ssp, assessment-plan, assessment-results, poam, mapping")
	dir := fs.String("schemas", "", "folder of NIST's OSCAL JSON schemas (default ../shared/oscal/schemas beside the module)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *model == "" || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: oscalcheck -model MODEL FILE...")
		return 2
	}
	if !slices.Contains(models, oscaltest.Model(*model)) {
		fmt.Fprintf(stderr, "oscalcheck: unknown model %q (want one of %v)\n", *model, models)
		return 2
	}
	d := *dir
	if d == "" {
		d = oscaltest.SchemaDir()
	}
	if d == "" {
		fmt.Fprintln(stderr, "oscalcheck: OSCAL schemas not found")
		return 2
	}
	status := 0
	for _, f := range fs.Args() {
		doc, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "oscalcheck:", err)
			return 2
		}
		if err := oscaltest.Check(d, oscaltest.Model(*model), doc); err != nil {
			fmt.Fprintf(stderr, "%s: invalid OSCAL %s:\n%v\n", f, *model, err)
			status = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: valid OSCAL %s\n", f, *model)
	}
	return status
}
