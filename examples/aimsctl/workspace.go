package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL for postgres:// workspaces
	_ "modernc.org/sqlite"             // SQLite for file workspaces

	"github.com/aimsgo/iso42001"
	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/aims/sqlstore"
)

// wsFlags are the flags of every command that works on a workspace.
type wsFlags struct {
	db     *string
	tenant *string
	actor  *string
	// anyTenant lets open a tenant with no record: the journal commands
	// must examine a wiped tenant against its checkpoints.
	anyTenant bool
}

func addWorkspaceFlags(f *flags) *wsFlags {
	return &wsFlags{
		db:     f.String("db", cmp.Or(f.a.getenv("AIMSCTL_DB"), "./aims.db"), "workspace: a SQLite file, or a postgres:// URL ($AIMSCTL_DB sets the default)"),
		tenant: f.String("tenant", cmp.Or(f.a.getenv("AIMSCTL_TENANT"), "default"), "tenant (organisation) inside the workspace ($AIMSCTL_TENANT sets the default)"),
		actor:  f.String("as", "", "who acts (default $AIMSCTL_ACTOR, else $USER)"),
	}
}

// who returns the acting user.
func (w *wsFlags) who(a *app) string {
	if *w.actor != "" {
		return *w.actor
	}
	if v := a.getenv("AIMSCTL_ACTOR"); v != "" {
		return v
	}
	if v := a.getenv("USER"); v != "" {
		return v
	}
	return "aimsctl"
}

// workspace is an open AIMS, its workspace, and how to close it.
type workspace struct {
	*aims.Workspace
	AIMS *iso42001.AIMS
	db   *sql.DB
}

func (w *workspace) Close() error { return w.db.Close() }

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqliteDSN turns a file path into a modernc.org/sqlite DSN that queues
// writers instead of failing them.
func sqliteDSN(path string) string {
	u := url.URL{Scheme: "file", Opaque: path}
	return u.String() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"
}

// open opens the workspace; create says whether a missing one may be made
// (init), otherwise a missing SQLite file is an error telling what to run.
func (w *wsFlags) open(ctx context.Context, a *app, create bool) (*workspace, error) {
	dsn := *w.db
	var (
		db      *sql.DB
		dialect sqlstore.Dialect
		err     error
	)
	if isPostgres(dsn) {
		db, err = sql.Open("pgx", dsn)
		dialect = sqlstore.Postgres
	} else {
		if dsn == "" {
			return nil, usageError("--db must name a file or a postgres:// URL")
		}
		if _, statErr := os.Stat(dsn); errors.Is(statErr, os.ErrNotExist) && !create {
			return nil, fmt.Errorf("no workspace at %s: run 'aimsctl init --db %s' first", dsn, dsn)
		}
		db, err = sql.Open("sqlite", sqliteDSN(dsn))
		dialect = sqlstore.SQLite
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
	}
	var store *sqlstore.Store
	if create {
		store, err = sqlstore.Open(ctx, db, dialect)
	} else {
		store, err = sqlstore.New(db, dialect)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
	}
	opts := &iso42001.Options{}
	if now := a.getenv("AIMSCTL_NOW"); now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("AIMSCTL_NOW: %w", err)
		}
		opts.Clock = func() time.Time { return t }
	}
	sys, err := iso42001.Open(ctx, store, *w.tenant, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	if !create && !w.anyTenant {
		// A tenant nobody created is a typing mistake, not an empty
		// workspace whose journal would verify as intact.
		if _, err := store.Head(ctx, *w.tenant); errors.Is(err, aims.ErrNotFound) {
			db.Close()
			return nil, fmt.Errorf("%s holds no tenant %q: create it with 'aimsctl init --db %s --tenant %s'", redact(dsn), *w.tenant, redact(dsn), *w.tenant)
		} else if err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
		}
	}
	return &workspace{Workspace: sys.Workspace(), AIMS: sys, db: db}, nil
}

// openWith opens the workspace and builds the service a command works with
// (riskRegister, impactService, soaService, ...). On any error nothing is
// left open; otherwise the caller closes the workspace.
func openWith[S any](ctx context.Context, a *app, wf *wsFlags, build func(context.Context, *workspace) (S, error)) (*workspace, S, error) {
	var zero S
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return nil, zero, err
	}
	svc, err := build(ctx, ws)
	if err != nil {
		ws.Close()
		return nil, zero, err
	}
	return ws, svc, nil
}

func initCommand() *command {
	return &command{name: "init", summary: "create or upgrade a workspace (SQLite file or PostgreSQL) and name its owner", usage: "[--db FILE|URL] [--owner NAME]", run: runInit}
}

// ownerRoles are the roles init gives the workspace's owner: the first
// top-management holder, who also runs the AIMS until they name others.
var ownerRoles = []aims.Role{aims.RoleTopManagement, aims.RoleAIMSManager}

func runInit(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl init", "create a workspace, or migrate an existing one to the current schema.\n\n"+
		"Every change needs a role (clause 5.3). --owner names the workspace's first\n"+
		"top-management holder, who also gets aims-manager: the founding role assignment,\n"+
		"made once, when the tenant holds no role yet; the owner then assigns the others\n"+
		"('aimsctl role assign --actor WHO --role ROLE --as OWNER'). Without --owner, the\n"+
		"first 'role assign' (or a manifest that assigns roles) founds the workspace.\n"+
		"Running init again changes nothing.", "[--db FILE|postgres://...] [--tenant NAME] [--owner NAME]")
	wf := addWorkspaceFlags(f)
	owner := f.String("owner", "", "the first top-management holder (also aims-manager), named once when the workspace has no role yet")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *owner != "" && !aims.ValidName(*owner) {
		return usageError("aimsctl init: --owner must be a non-empty actor id, got %q", *owner)
	}
	ws, err := wf.open(ctx, a, true)
	if err != nil {
		return err
	}
	defer ws.Close()
	// The tenant's first record, its PDCA cycle, makes the tenant known to
	// the other commands.
	if _, err := ws.AIMS.PDCA().Current(ctx); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "workspace ready: %s (schema version %d, tenant %s)\n", redact(*wf.db), sqlstore.SchemaVersion(), ws.Tenant())
	return initOwner(ctx, a, ws, *owner)
}

// initOwner names owner the workspace's first top-management holder when
// the tenant holds no role yet, and says who holds top management.
func initOwner(ctx context.Context, a *app, ws *workspace, owner string) error {
	roles := aims.RoleAssignments(ws.Workspace)
	all, err := roles.All(ctx, nil)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		if owner == "" {
			fmt.Fprintln(a.stdout, "no roles yet: every change needs one. Name the owner with 'aimsctl init --owner NAME', or assign the first role with 'aimsctl role assign --actor NAME --role top-management --as NAME'")
			return nil
		}
		ra := &aims.RoleAssignment{Meta: aims.Meta{ID: owner}, Roles: ownerRoles,
			Responsibilities: []string{"Owner of the AIMS: named when the workspace was created"}}
		if err := roles.Create(ctx, owner, ra); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "owner: %s holds %s (assign the others with 'aimsctl role assign --actor WHO --role ROLE --as %s')\n", owner, joinRoles(ra.Roles), owner)
		return nil
	}
	var top []string
	for _, ra := range all {
		if ra.Has(aims.RoleTopManagement) {
			top = append(top, ra.ID)
		}
	}
	switch {
	case owner == "":
	case slices.Contains(top, owner):
		fmt.Fprintf(a.stdout, "owner: %s already holds top-management\n", owner)
		return nil
	default:
		return fmt.Errorf("%w: the workspace holds roles already, so init names no owner: top management (%s) assigns roles with 'aimsctl role assign --actor %s --role top-management'",
			aims.ErrForbidden, cmp.Or(strings.Join(top, ", "), "nobody yet"), owner)
	}
	fmt.Fprintf(a.stdout, "roles: %d assignments; top management: %s\n", len(all), cmp.Or(strings.Join(top, ", "), "nobody yet"))
	return nil
}

// redact hides the password of a postgres:// URL.
func redact(dsn string) string {
	if !isPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}
