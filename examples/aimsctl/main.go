// Command aimsctl is a small command-line program over the iso42001 SDK:
// it prints the ISO/IEC 42001 catalog and its crosswalks, and keeps an AI
// management system workspace in SQLite (a file) or PostgreSQL.
//
//	aimsctl catalog [--format table|md|csv|json|oscal]
//	aimsctl catalog show A.6.2.8
//	aimsctl catalog map --to nist-ai-rmf|eu-ai-act|iso27001
//	aimsctl init [--db FILE|postgres://...] [--owner NAME]
//	aimsctl system add --id ID --name NAME [--role provider] [--owner WHO]
//	aimsctl journal verify
//	aimsctl pdca status
//
// Every command takes --help ("aimsctl help COMMAND" too). The workspace
// flags --db, --tenant and --as may come before or after the command;
// $AIMSCTL_DB and $AIMSCTL_TENANT set their defaults. Errors go to stderr
// with a non-zero exit.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(report(os.Stderr, err))
}

// exitError carries an exit code other than 1, or a message already shown.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a command-line mistake: exit status 2.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// report prints err to stderr and returns the exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if !errors.Is(err, errSilent) {
		msg := humanize(err)
		if !strings.HasPrefix(msg, "aimsctl ") {
			msg = "aimsctl: " + msg
		}
		fmt.Fprintln(stderr, msg)
	}
	if errors.Is(err, aims.ErrConflict) {
		fmt.Fprintln(stderr, "aimsctl: someone else changed the record since it was read: look at it again (for example with 'list' or 'show') and repeat the command")
	}
	return code
}

// humanize says err the way a person expects: "cannot approve the
// Statement of Applicability soa-2 (it is in review): ..." rather than the
// library's "fire approve soa/soa-2: workflow soa@2: ...", the command to
// run rather than a Go function to call, and no encoder's wording.
func humanize(err error) string {
	msg := err.Error()
	var je *json.UnsupportedValueError
	switch {
	case errors.Is(err, sqlstore.ErrNotMigrated):
		return "the database is not an aimsctl workspace of this version: run 'aimsctl init' with the same --db to create or upgrade it"
	case errors.As(err, &je):
		return fmt.Sprintf("cannot write %s: JSON has no place for it; give a finite number instead", je.Str)
	}
	if rest, ok := strings.CutPrefix(msg, "iso42001: open "); ok && !errors.Is(err, aims.ErrInvalid) {
		// The store failed under Open: say which workspace and the cause
		// the database gave, not the layers in between.
		tenant, _, _ := strings.Cut(rest, ":")
		inner := err
		for next := errors.Unwrap(inner); next != nil; next = errors.Unwrap(inner) {
			inner = next
		}
		cause, _, _ := strings.Cut(strings.TrimSpace(inner.Error()), "\n")
		return fmt.Sprintf("cannot open the workspace (tenant %s): %s; check --db and that the database is reachable", tenant, cause)
	}
	var ae *aims.Error
	if !errors.As(err, &ae) {
		return tidy(msg)
	}
	noun := kindNoun(ae.Kind)
	subject := "the " + noun
	if ae.ID != "" && ae.Kind != ae.ID {
		subject += " " + ae.ID
	}
	var te *aims.TransitionError
	var human string
	if errors.As(err, &te) {
		verb := strings.ReplaceAll(te.Event, "-", " ")
		head := fmt.Sprintf("cannot %s %s", verb, subject)
		if strings.Contains(verb, " ") || strings.Contains(te.Event, ">") {
			head = fmt.Sprintf("cannot take the step %q on %s", verb, subject)
		}
		if te.From != "" {
			head += " (it is " + strings.ReplaceAll(te.From, "-", " ") + ")"
		}
		reasons := make([]string, 0, len(te.Unmet))
		for _, u := range te.Unmet {
			switch u.Rule {
			case "role", "state", "transition", "workflow", "":
				reasons = append(reasons, u.Reason)
			default: // a named rule of the workflow: its name finds it in the docs
				reasons = append(reasons, u.Reason+" (rule "+u.Rule+")")
			}
		}
		human = head + ": " + te.Unwrap().Error() + ": " + strings.Join(reasons, "; ")
	} else {
		verb, _, _ := strings.Cut(ae.Op, " ")
		switch verb {
		case "update", "put":
			verb = "change"
		case "get":
			verb = "read"
		}
		cause := ""
		if ae.Err != nil {
			cause = ": " + ae.Err.Error()
		}
		human = fmt.Sprintf("cannot %s %s%s", verb, subject, cause)
		if verb == "read" && errors.Is(ae.Err, aims.ErrNotFound) && ae.ID != "" {
			human = fmt.Sprintf("there is no %s %s in this workspace (not found)", noun, ae.ID)
		}
	}
	if ae.Kind != "" && ae.ID != "" {
		human = strings.ReplaceAll(human, ae.Kind+"/"+ae.ID, strings.TrimPrefix(subject, "the "))
	}
	// Keep what the command said around the library's error.
	if i := strings.Index(msg, ae.Error()); i >= 0 {
		human = msg[:i] + human + msg[i+len(ae.Error()):]
	}
	return tidy(human)
}

// tidy removes Go names that mean nothing to a user of the command.
func tidy(msg string) string {
	return strings.NewReplacer("(aims.RoleAssignments; aimsctl role assign", "(aimsctl role assign",
		"call Store.Migrate", "run 'aimsctl init'").Replace(msg)
}

// kindNouns names record kinds as a person says them.
var kindNouns = map[string]string{
	"soa":                "Statement of Applicability",
	"soa-decision":       "SoA decision on",
	"soa-implementation": "implementation of control",
	"risk-criteria":      "risk criteria",
	"impact-assessment":  "impact assessment",
	"impact-incident":    "incident",
	"audit":              "internal audit",
	"audit-finding":      "audit finding",
	"management-review":  "management review",
	"pdca-cycle":         "PDCA cycle",
	"role-assignment":    "roles of",
	"ai-system":          "AI system",
	"objective":          "AI objective",
	"scope":              "AIMS scope",
	"organisation":       "organisation",
}

func kindNoun(kind string) string {
	if n, ok := kindNouns[kind]; ok {
		return n
	}
	if kind == "" {
		return "record"
	}
	return strings.ReplaceAll(kind, "-", " ")
}

// errSilent marks a failure whose explanation was already printed.
var errSilent = errors.New("failed")

// command is one node of the command tree.
type command struct {
	name    string
	summary string
	usage   string // the synopsis after "aimsctl"
	sub     []*command
	run     func(ctx context.Context, a *app, args []string) error
}

// app is what commands share: output streams and the environment.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func run(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	a := &app{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return a.dispatch(ctx, root(), args, nil)
}

// workspaceFlags are the flags every workspace command takes, which may
// also come before the command ("aimsctl --db x.db init").
var workspaceFlags = map[string]bool{"db": true, "tenant": true, "as": true}

// hoist moves workspace flags given before the command to after it, where
// the command's own flag set parses them.
func hoist(args []string) []string {
	var lead, rest []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" || arg == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !workspaceFlags[name] {
			rest = append(rest, args[i:]...)
			break
		}
		lead = append(lead, arg)
		if !hasValue && i+1 < len(args) {
			lead = append(lead, args[i+1])
			i++
		}
	}
	return append(rest, lead...)
}

// version is the module version of the binary, "(devel)" from a clone.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func root() *command {
	return &command{
		name:    "aimsctl",
		summary: "an ISO/IEC 42001 AI management system on the command line",
		usage:   "COMMAND [ARGS]",
		sub: []*command{
			catalogCommand(),
			initCommand(),
			systemCommand(),
			roleCommand(),
			journalCommand(),
			pdcaCommand(),
			riskCommand(),
			soaCommand(),
			impactCommand(),
			readinessCommand(),
			ncCommand(),
			auditCommand(),
			reviewCommand(),
			metricCommand(),
			gapCommand(),
			criteriaCommand(),
			demoCommand(),
			planCommand(),
			applyCommand(),
			exportCommand(),
			manifestCommand(),
		},
	}
}

func (a *app) dispatch(ctx context.Context, c *command, args []string, path []string) error {
	if len(path) == 0 {
		args = hoist(args)
		if len(args) > 0 && args[0] == "--version" {
			fmt.Fprintln(a.stdout, "aimsctl", version())
			return nil
		}
		// "aimsctl help risk add" is "aimsctl risk add --help".
		if len(args) > 1 && args[0] == "help" {
			args = append(slices.Clone(args[1:]), "--help")
		}
	}
	path = append(path, c.name)
	if c.run == nil || len(c.sub) > 0 {
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			for _, s := range c.sub {
				if s.name == args[0] {
					return a.dispatch(ctx, s, args[1:], path)
				}
			}
			if c.run == nil {
				a.help(a.stderr, c, path)
				return usageError("%s: unknown command %q", strings.Join(path, " "), args[0])
			}
		}
		if c.run == nil {
			if len(args) > 0 && isHelp(args[0]) {
				a.help(a.stdout, c, path)
				return nil
			}
			a.help(a.stderr, c, path)
			if len(args) == 0 {
				return usageError("%s: missing command", strings.Join(path, " "))
			}
			return usageError("%s: unknown flag %s", strings.Join(path, " "), args[0])
		}
	}
	if err := c.run(ctx, a, args); !errors.Is(err, errHelp) {
		return err
	}
	return nil
}

func isHelp(s string) bool { return s == "-h" || s == "--help" || s == "-help" || s == "help" }

func (a *app) help(w io.Writer, c *command, path []string) {
	fmt.Fprintf(w, "%s: %s\n\nUsage:\n  %s %s\n", strings.Join(path, " "), c.summary, strings.Join(path, " "), c.usage)
	if len(c.sub) > 0 {
		fmt.Fprintln(w, "\nCommands:")
		subs := append([]*command(nil), c.sub...)
		sort.Slice(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
		for _, s := range subs {
			fmt.Fprintf(w, "  %-10s %s\n", s.name, s.summary)
		}
		fmt.Fprintf(w, "\nRun '%s COMMAND --help' for a command's flags.\n", strings.Join(path, " "))
	}
}

// flags is a leaf command's flag set with its help text.
type flags struct {
	*flag.FlagSet
	a       *app
	path    string
	summary string
	usage   string
}

func (a *app) flags(path, summary, usage string) *flags {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flags{FlagSet: fs, a: a, path: path, summary: summary, usage: usage}
}

func (f *flags) printHelp(w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\nUsage:\n  %s %s\n", f.path, f.summary, f.path, f.usage)
	var has bool
	f.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\nFlags:")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
}

// errHelp reports that --help was given and handled.
var errHelp = errors.New("help shown")

// parse parses flags anywhere among the arguments (flags after positional
// arguments are allowed) and returns the positional ones. "--" ends flags.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		arg := args[0]
		args = args[1:]
		if arg == "--" {
			pos = append(pos, args...)
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			pos = append(pos, arg)
			continue
		}
		if isHelp(arg) {
			f.printHelp(f.a.stdout)
			return nil, errHelp
		}
		name := strings.TrimLeft(arg, "-")
		value, hasValue := "", false
		if i := strings.IndexByte(name, '='); i >= 0 {
			name, value, hasValue = name[:i], name[i+1:], true
		}
		fl := f.Lookup(name)
		typed, _, _ := strings.Cut(arg, "=")
		if fl == nil && workspaceFlags[name] {
			// A command that needs no workspace ignores the workspace
			// flags, so that "aimsctl --db x.db catalog" works too.
			if !hasValue && len(args) > 0 {
				args = args[1:]
			}
			continue
		}
		if fl == nil {
			f.printHelp(f.a.stderr)
			return nil, usageError("%s: unknown flag %s", f.path, typed)
		}
		if bf, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if len(args) == 0 {
				return nil, usageError("%s: flag %s needs a value", f.path, typed)
			}
			value, args = args[0], args[1:]
		}
		if err := f.Set(name, value); err != nil {
			return nil, usageError("%s: flag %s: invalid value %q (%s)", f.path, typed, value, plainFlagError(err))
		}
	}
	return pos, nil
}

// writeJSON writes v as indented JSON, the form every --format json takes.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// plainFlagError words a flag value's parse error without Go's jargon.
func plainFlagError(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "invalid syntax"), strings.Contains(msg, "parse error"):
		return "not a number"
	case strings.Contains(msg, "out of range"):
		return "out of range"
	}
	return msg
}

// leaf runs a leaf command with its flags: it handles --help (exit 0) and
// checks the number of positional arguments.
func leaf(f *flags, args []string, minArgs, maxArgs int) ([]string, error) {
	pos, err := f.parse(args)
	if err != nil {
		return nil, err
	}
	if len(pos) < minArgs || (maxArgs >= 0 && len(pos) > maxArgs) {
		f.printHelp(f.a.stderr)
		switch {
		case len(pos) < minArgs:
			return nil, usageError("%s: missing argument", f.path)
		default:
			return nil, usageError("%s: unexpected argument %q", f.path, pos[maxArgs])
		}
	}
	return pos, nil
}
