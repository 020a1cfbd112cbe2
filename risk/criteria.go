package risk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// Level is one step of a [Scale], such as "rare" or "severe".
type Level struct {
	// Label names the level; unique within its scale.
	Label string `json:"label"`
	// Description says what the level means in the organisation's terms
	// ("less than once in ten years", "harm to many people").
	Description string `json:"description,omitempty"`
}

// Scale is an ordinal scale of levels, lowest first. Assessments refer to
// levels by 1-based position: 1 is Levels[0].
type Scale struct {
	// Name names the scale ("likelihood", "consequence").
	Name string `json:"name"`
	// Levels lists the levels, lowest first.
	Levels []Level `json:"levels"`
}

// Band is a named range of risk scores, such as "high": the unit in which
// the organisation states its appetite and assigns acceptance authority.
type Band struct {
	// Name is the band's name, unique among the bands.
	Name string `json:"name"`
	// Min is the lowest score in the band (inclusive).
	Min float64 `json:"min"`
	// Max is the upper end of the band: exclusive, except for the last
	// band, whose Max is inclusive. Each band's Max is the next one's Min.
	Max float64 `json:"max"`
	// AcceptedBy lists the roles that may accept a risk at this level
	// (the risk's owner may always accept it, within the tolerance).
	AcceptedBy []aims.Role `json:"acceptedBy,omitempty"`
	// Color is the band's heatmap color as "#rrggbb"; empty picks a default.
	Color string `json:"color,omitempty"`
	// Description says what the band means and what it calls for.
	Description string `json:"description,omitempty"`
}

// CriteriaSpec is the organisation's risk criteria as data (ISO/IEC 42001
// 6.1.2: criteria that distinguish acceptable from non-acceptable risks and
// make assessments consistent, valid and comparable). [NewCriteria]
// validates it; the CLI stores it in the workspace with [SaveCriteria].
type CriteriaSpec struct {
	// Likelihood is the likelihood scale, lowest first.
	Likelihood Scale `json:"likelihood"`
	// Consequence is the consequence scale, lowest first.
	Consequence Scale `json:"consequence"`
	// Bands are the risk levels, lowest first, with contiguous score
	// ranges that cover every likelihood x consequence product.
	Bands []Band `json:"bands"`
	// Appetite names the highest band the organisation accepts without
	// treatment.
	Appetite string `json:"appetite"`
	// Tolerance names the highest band that may be accepted at all (by its
	// authority); above it a risk must be treated further. Empty: the
	// highest band.
	Tolerance string `json:"tolerance,omitempty"`
	// Matrix optionally gives the band of each cell: Matrix[l-1][c-1] for
	// likelihood l and consequence c. Empty: the band of the product l*c.
	Matrix [][]string `json:"matrix,omitempty"`
	// Scorer names the scoring method configuration picks from a
	// [Scorers] registry ("matrix", "lxc", "weighted", "quantitative");
	// empty means "matrix".
	Scorer string `json:"scorer,omitempty"`
	// ScorerConfig is the chosen scorer's configuration (JSON); see each
	// built-in's config type.
	ScorerConfig json.RawMessage `json:"scorerConfig,omitempty"`
	// ReviewDays is the default time, in days, from an acceptance or review
	// to the next review; 0 means 365.
	ReviewDays int `json:"reviewDays,omitempty"`
}

// Criteria is a validated, immutable [CriteriaSpec], safe for concurrent
// use. Scorers and the register consult it; build it with [NewCriteria] or
// [DefaultCriteria].
type Criteria struct {
	spec      CriteriaSpec
	n, m      int     // likelihood and consequence levels
	cells     []uint8 // band index per (l-1)*m + (c-1)
	byName    map[string]int
	appetite  int
	tolerance int
	lo, hi    float64 // score domain: bands[0].Min, bands[last].Max
}

// Limits on criteria sizes, so that a hostile spec cannot make the SDK
// allocate without bound.
const (
	maxLevels = 20
	maxBands  = 16
)

// NewCriteria validates spec and returns the criteria. Every problem is
// reported at once with its path ("bands[2].min: must equal bands[1].max
// (10), got 9"); the error matches [aims.ErrInvalid].
func NewCriteria(spec CriteriaSpec) (*Criteria, error) {
	spec = normalize(cloneSpec(spec))
	var p aims.Problems
	checkScale(&p, "likelihood", spec.Likelihood)
	checkScale(&p, "consequence", spec.Consequence)
	c := &Criteria{spec: spec, n: len(spec.Likelihood.Levels), m: len(spec.Consequence.Levels), byName: map[string]int{}}
	switch {
	case len(spec.Bands) == 0:
		p.Add("bands", "must list at least one band")
	case len(spec.Bands) > maxBands:
		p.Addf("bands", "must list at most %d bands, got %d", maxBands, len(spec.Bands))
	}
	for i, b := range spec.Bands {
		path := fmt.Sprintf("bands[%d]", i)
		switch {
		case !validLabel(b.Name):
			p.Addf(path+".name", "must be 1-%d printable bytes without '|', got %q", maxLabel, b.Name)
		default:
			if _, dup := c.byName[b.Name]; dup {
				p.Addf(path+".name", "duplicate band %q", b.Name)
			}
			c.byName[b.Name] = i
		}
		if !finite(b.Min) || !finite(b.Max) || b.Min >= b.Max {
			p.Addf(path, "min must be below max, both finite, got [%g, %g]", b.Min, b.Max)
		}
		if i > 0 && b.Min != spec.Bands[i-1].Max {
			p.Addf(path+".min", "must equal bands[%d].max (%g), got %g", i-1, spec.Bands[i-1].Max, b.Min)
		}
		for j, r := range b.AcceptedBy {
			if !aims.ValidName(string(r)) {
				p.Addf(fmt.Sprintf("%s.acceptedBy[%d]", path, j), "must be a role name, got %q", r)
			}
		}
		if b.Color != "" && !validColor(b.Color) {
			p.Addf(path+".color", "must be #rrggbb, got %q", b.Color)
		}
	}
	if len(spec.Bands) > 0 {
		c.lo, c.hi = spec.Bands[0].Min, spec.Bands[len(spec.Bands)-1].Max
	}
	c.appetite = c.bandRef(&p, "appetite", spec.Appetite, -1, true)
	c.tolerance = c.bandRef(&p, "tolerance", spec.Tolerance, len(spec.Bands)-1, false)
	if c.appetite >= 0 && c.tolerance >= 0 && c.tolerance < c.appetite {
		p.Addf("tolerance", "must not be below the appetite %q, got %q", spec.Appetite, spec.Tolerance)
	}
	if spec.ReviewDays < 0 || spec.ReviewDays > 3660 {
		p.Addf("reviewDays", "must be between 0 and 3660, got %d", spec.ReviewDays)
	}
	if spec.Scorer != "" && !aims.ValidName(spec.Scorer) {
		p.Addf("scorer", "must be a scorer name, got %q", spec.Scorer)
	}
	if len(spec.ScorerConfig) > 0 && !json.Valid(spec.ScorerConfig) {
		p.Add("scorerConfig", "must be valid JSON")
	}
	if p.Len() == 0 {
		c.buildCells(&p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// bandRef resolves a band name at path; empty gives def, or a problem
// when the name is required.
func (c *Criteria) bandRef(p *aims.Problems, path, name string, def int, required bool) int {
	if name == "" {
		if required {
			p.Add(path, "is required: name the highest band accepted without treatment")
		}
		return def
	}
	i, ok := c.byName[name]
	if !ok {
		p.Addf(path, "must name a band, got %q", name)
		return -1
	}
	return i
}

func (c *Criteria) buildCells(p *aims.Problems) {
	if len(c.spec.Matrix) > 0 {
		c.cells = c.parseCells(p, "matrix", c.spec.Matrix)
		return
	}
	c.cells = make([]uint8, c.n*c.m)
	for l := 1; l <= c.n; l++ {
		for k := 1; k <= c.m; k++ {
			i, ok := c.bandOf(float64(l * k))
			if !ok {
				p.Addf("bands", "must cover every likelihood x consequence product 1..%d: %d is outside [%g, %g]", c.n*c.m, l*k, c.lo, c.hi)
				return
			}
			c.cells[(l-1)*c.m+k-1] = uint8(i)
		}
	}
}

// parseCells turns a table of band names (rows: likelihood, lowest first;
// columns: consequence) into band indexes, reporting problems at path.
func (c *Criteria) parseCells(p *aims.Problems, path string, rows [][]string) []uint8 {
	cells := make([]uint8, c.n*c.m)
	if len(rows) != c.n {
		p.Addf(path, "must have %d rows (one per likelihood level), got %d", c.n, len(rows))
		return cells
	}
	for l, row := range rows {
		if len(row) != c.m {
			p.Addf(fmt.Sprintf("%s[%d]", path, l), "must have %d cells (one per consequence level), got %d", c.m, len(row))
			continue
		}
		for k, name := range row {
			i, ok := c.byName[name]
			if !ok {
				p.Addf(fmt.Sprintf("%s[%d][%d]", path, l, k), "must name a band, got %q", name)
				continue
			}
			cells[l*c.m+k] = uint8(i)
		}
	}
	return cells
}

func checkScale(p *aims.Problems, path string, s Scale) {
	switch {
	case len(s.Levels) < 2:
		p.Addf(path+".levels", "must list at least 2 levels, got %d", len(s.Levels))
	case len(s.Levels) > maxLevels:
		p.Addf(path+".levels", "must list at most %d levels, got %d", maxLevels, len(s.Levels))
	}
	seen := map[string]bool{}
	for i, l := range s.Levels {
		lp := fmt.Sprintf("%s.levels[%d].label", path, i)
		switch {
		case !validLabel(l.Label):
			p.Addf(lp, "must be 1-%d printable bytes without '|', got %q", maxLabel, l.Label)
		case seen[l.Label]:
			p.Addf(lp, "duplicate level %q", l.Label)
		}
		seen[l.Label] = true
	}
}

const maxLabel = 64

// validLabel keeps labels printable and short, and free of the Markdown
// table separator, since they appear in reports.
func validLabel(s string) bool {
	return aims.ValidName(s) && len(s) <= maxLabel && !strings.ContainsRune(s, '|') && strings.TrimSpace(s) == s
}

func validColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// normalize makes empty optional lists nil, so that a spec survives a
// JSON round trip (which drops them) unchanged.
func normalize(s CriteriaSpec) CriteriaSpec {
	if len(s.Matrix) == 0 {
		s.Matrix = nil
	}
	for i := range s.Bands {
		if len(s.Bands[i].AcceptedBy) == 0 {
			s.Bands[i].AcceptedBy = nil
		}
	}
	if len(s.ScorerConfig) == 0 {
		s.ScorerConfig = nil
	}
	return s
}

func cloneSpec(s CriteriaSpec) CriteriaSpec {
	s.Likelihood.Levels = slices.Clone(s.Likelihood.Levels)
	s.Consequence.Levels = slices.Clone(s.Consequence.Levels)
	s.Bands = slices.Clone(s.Bands)
	for i := range s.Bands {
		s.Bands[i].AcceptedBy = slices.Clone(s.Bands[i].AcceptedBy)
	}
	if s.Matrix != nil {
		m := make([][]string, len(s.Matrix))
		for i, row := range s.Matrix {
			m[i] = slices.Clone(row)
		}
		s.Matrix = m
	}
	s.ScorerConfig = slices.Clone(s.ScorerConfig)
	return s
}

// Roles the default criteria give acceptance authority to.
//
// Deprecated: the roles are defined once, in the aims package
// (aims.RoleRiskManager, ...); these names remain as aliases.
const (
	RoleRiskManager     = aims.RoleRiskManager
	RoleGovernanceBoard = aims.RoleGovernanceBoard
	RoleTopManagement   = aims.RoleTopManagement
)

// DefaultSpec returns the specification of [DefaultCriteria], as a
// starting point to adapt.
func DefaultSpec() CriteriaSpec {
	return CriteriaSpec{
		Likelihood: Scale{Name: "likelihood", Levels: []Level{
			{Label: "rare", Description: "not expected in the system's lifetime"},
			{Label: "unlikely", Description: "could happen, has not happened here"},
			{Label: "possible", Description: "might happen within a few years"},
			{Label: "likely", Description: "expected within a year"},
			{Label: "almost-certain", Description: "expected within months, or already happening"},
		}},
		Consequence: Scale{Name: "consequence", Levels: []Level{
			{Label: "negligible", Description: "no noticeable effect on people or the organisation"},
			{Label: "minor", Description: "small, reversible effect on few people"},
			{Label: "moderate", Description: "noticeable harm, reversible with effort"},
			{Label: "major", Description: "serious harm to individuals or groups, or legal breach"},
			{Label: "severe", Description: "irreversible harm, harm at scale, or threat to the organisation"},
		}},
		Bands: []Band{
			{Name: "low", Min: 1, Max: 5, AcceptedBy: []aims.Role{aims.RoleRiskManager, aims.RoleGovernanceBoard, aims.RoleTopManagement}, Color: "#2e7d32", Description: "accept and monitor"},
			{Name: "medium", Min: 5, Max: 10, AcceptedBy: []aims.Role{aims.RoleRiskManager, aims.RoleGovernanceBoard, aims.RoleTopManagement}, Color: "#f9a825", Description: "treat where proportionate"},
			{Name: "high", Min: 10, Max: 17, AcceptedBy: []aims.Role{aims.RoleGovernanceBoard, aims.RoleTopManagement}, Color: "#ef6c00", Description: "treat; acceptance by the AI governance board"},
			{Name: "critical", Min: 17, Max: 25, AcceptedBy: []aims.Role{aims.RoleTopManagement}, Color: "#c62828", Description: "treat before operation"},
		},
		Appetite:  "low",
		Tolerance: "high",
		Scorer:    "matrix",
	}
}

// DefaultCriteria returns 5 x 5 criteria (likelihood rare to
// almost-certain, consequence negligible to severe) with four bands over
// the product: low 1-4, medium 5-9, high 10-16, critical 17-25. The
// appetite is low; high is the tolerance (critical risks must be treated
// further). Acceptance authority rises with the band: [aims.RoleRiskManager]
// up to medium, [aims.RoleGovernanceBoard] up to high, [aims.RoleTopManagement] for
// any band (critical only once the tolerance is raised).
func DefaultCriteria() *Criteria {
	c, err := NewCriteria(DefaultSpec())
	if err != nil {
		panic("risk: default criteria are invalid: " + err.Error()) // constant input: a programming error
	}
	return c
}

// Spec returns a copy of the criteria's specification.
func (c *Criteria) Spec() CriteriaSpec { return cloneSpec(c.spec) }

// LikelihoodLevels returns the number of likelihood levels (N).
func (c *Criteria) LikelihoodLevels() int { return c.n }

// ConsequenceLevels returns the number of consequence levels (M).
func (c *Criteria) ConsequenceLevels() int { return c.m }

// LikelihoodLabel returns the label of likelihood level l (1-based), or ""
// when out of range.
func (c *Criteria) LikelihoodLabel(l int) string {
	if l < 1 || l > c.n {
		return ""
	}
	return c.spec.Likelihood.Levels[l-1].Label
}

// ConsequenceLabel returns the label of consequence level k (1-based), or
// "" when out of range.
func (c *Criteria) ConsequenceLabel(k int) string {
	if k < 1 || k > c.m {
		return ""
	}
	return c.spec.Consequence.Levels[k-1].Label
}

// Bands returns the number of bands; levels run from 1 to Bands().
func (c *Criteria) Bands() int { return len(c.spec.Bands) }

// Band returns the band of level (1-based, lowest first). It panics when
// level is out of range, like a slice index.
func (c *Criteria) Band(level int) Band { return c.spec.Bands[level-1] }

// Level returns the 1-based level of the band named name, or 0 when no
// band has that name.
func (c *Criteria) Level(name string) int {
	if i, ok := c.byName[name]; ok {
		return i + 1
	}
	return 0
}

// Appetite returns the level of the appetite band: risks at or below it
// are accepted without treatment.
func (c *Criteria) Appetite() int { return c.appetite + 1 }

// Tolerance returns the level of the highest band that may be accepted.
func (c *Criteria) Tolerance() int { return c.tolerance + 1 }

// WithinAppetite reports whether a risk at level needs no treatment.
func (c *Criteria) WithinAppetite(level int) bool { return level >= 1 && level <= c.appetite+1 }

// Acceptable reports whether a risk at level may be accepted at all.
func (c *Criteria) Acceptable(level int) bool { return level >= 1 && level <= c.tolerance+1 }

// AcceptanceRoles returns the roles that may accept a risk at level (the
// risk owner may too); nil for an unknown level.
func (c *Criteria) AcceptanceRoles(level int) []aims.Role {
	if level < 1 || level > len(c.spec.Bands) {
		return nil
	}
	return slices.Clone(c.spec.Bands[level-1].AcceptedBy)
}

// ReviewInterval returns the default time from an acceptance or review to
// the next review.
func (c *Criteria) ReviewInterval() time.Duration {
	d := c.spec.ReviewDays
	if d == 0 {
		d = 365
	}
	return time.Duration(d) * 24 * time.Hour
}

// Cell returns the level the matrix gives likelihood l and consequence k,
// or 0 when either is out of range.
func (c *Criteria) Cell(l, k int) int {
	if l < 1 || l > c.n || k < 1 || k > c.m {
		return 0
	}
	return int(c.cells[(l-1)*c.m+k-1]) + 1
}

// BandOf returns the level whose range holds score, or an error naming the
// score's range when it lies outside every band.
func (c *Criteria) BandOf(score float64) (int, error) {
	i, ok := c.bandOf(score)
	if !ok {
		return 0, aims.Invalid("score", fmt.Sprintf("must be between %g and %g, got %g", c.lo, c.hi, score))
	}
	return i + 1, nil
}

func (c *Criteria) bandOf(v float64) (int, bool) {
	if !(v >= c.lo && v <= c.hi) { // also false for NaN
		return 0, false
	}
	bs := c.spec.Bands
	for i := range bs {
		if v < bs[i].Max {
			return i, true
		}
	}
	return len(bs) - 1, true
}

// Kinds and ids of the risk package's records.
const (
	// Kind is the record kind of [Risk].
	Kind = "risk"
	// KindCriteria is the record kind of the stored criteria.
	KindCriteria = "risk-criteria"
	// CriteriaID is the id of the one criteria record of a workspace.
	CriteriaID = "criteria"
)

// CriteriaRecord is how the criteria are kept in a workspace: one record
// of kind [KindCriteria] with id [CriteriaID], so that every tool working
// on the workspace (the CLI, an audit) applies the same criteria.
type CriteriaRecord struct {
	aims.Meta
	Spec CriteriaSpec `json:"spec"`
}

// Validate checks the stored specification with [NewCriteria].
func (r *CriteriaRecord) Validate() error {
	var p aims.Problems
	if r.ID != CriteriaID {
		p.Addf("id", "must be %q, got %q", CriteriaID, r.ID)
	}
	_, err := NewCriteria(r.Spec)
	p.Merge("spec", err)
	return p.Err()
}

func criteriaCollection(ws *aims.Workspace) *aims.Collection[CriteriaRecord, *CriteriaRecord] {
	return aims.NewCollection[CriteriaRecord](ws, KindCriteria, 1)
}

// SaveCriteria stores c as the workspace's criteria, creating or updating
// the singleton record (the change is journaled like any other).
func SaveCriteria(ctx context.Context, ws *aims.Workspace, actor string, c *Criteria) error {
	if ws == nil || c == nil {
		return aims.Invalid("criteria", "workspace and criteria are required")
	}
	col := criteriaCollection(ws)
	cur, err := col.Get(ctx, CriteriaID)
	switch {
	case errors.Is(err, aims.ErrNotFound):
		return col.Create(ctx, actor, &CriteriaRecord{Meta: aims.Meta{ID: CriteriaID}, Spec: c.Spec()})
	case err != nil:
		return err
	}
	cur.Spec = c.Spec()
	return col.Update(ctx, actor, cur)
}

// LoadCriteria returns the workspace's stored criteria; an error matching
// [aims.ErrNotFound] when none were saved.
func LoadCriteria(ctx context.Context, ws *aims.Workspace) (*Criteria, error) {
	if ws == nil {
		return nil, aims.Invalid("workspace", "is required")
	}
	rec, err := criteriaCollection(ws).Get(ctx, CriteriaID)
	if err != nil {
		return nil, err
	}
	return NewCriteria(rec.Spec)
}

// DecodeCriteria reads a JSON [CriteriaSpec] strictly and within bounds
// (unknown fields, duplicate keys, invalid UTF-8, wrong types, control
// characters in text and inputs past [aims.MaxDecodeBytes],
// [aims.MaxDecodeDepth] or [aims.MaxDecodeValues] are refused, each with
// its field path), and validates it.
func DecodeCriteria(data []byte) (*Criteria, error) {
	var spec CriteriaSpec
	if err := decodeBounded(data, &spec, "criteria"); err != nil {
		return nil, err
	}
	return NewCriteria(spec)
}
