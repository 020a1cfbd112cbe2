package lifecycle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// Source formats of imported cards.
const (
	// FormatModelCard is a Hugging Face Hub model card (README.md with
	// YAML metadata).
	FormatModelCard = "huggingface-model-card"
	// FormatDatasetCard is a Hugging Face Hub dataset card.
	FormatDatasetCard = "huggingface-dataset-card"
)

// MaxCardBytes is the default bound on a card file, README text included:
// larger input is refused before anything is parsed.
const MaxCardBytes = 1 << 20

// Threshold is the level an imported metric must meet.
type Threshold struct {
	Value     float64        `json:"value"`
	Direction aims.Direction `json:"direction"`
}

// ImportOptions configures [ImportModelCard] and [ImportDatasetCard]. The
// zero value means the defaults.
type ImportOptions struct {
	// Name names the source file in the records, e.g.
	// "acme/credit-scorer/README.md"; default "README.md".
	Name string
	// Owner becomes the owner of the records created; optional.
	Owner string
	// Stage is the life cycle stage of the technical documentation and
	// requirements created; default design-and-development.
	// Verifications are always at verification-and-validation.
	Stage aims.LifecycleStage
	// Thresholds maps a metric type ("accuracy", "roc_auc") to the level
	// it must meet; imported results of that type carry it. Cards state
	// no thresholds, and an imported verification is never marked passed:
	// someone signs that off.
	Thresholds map[string]Threshold
	// DataUse is what an imported data set is used for; default training.
	DataUse aims.DataKind
	// MaxBytes bounds the file; default [MaxCardBytes].
	MaxBytes int
}

func (o *ImportOptions) orDefault() ImportOptions {
	var d ImportOptions
	if o != nil {
		d = *o
	}
	if d.Name == "" {
		d.Name = "README.md"
	}
	if d.Stage == "" {
		d.Stage = aims.StageDesignDevelopment
	}
	if d.DataUse == "" {
		d.DataUse = aims.DataTraining
	}
	if d.MaxBytes <= 0 {
		d.MaxBytes = MaxCardBytes
	}
	return d
}

// readCard reads at most limit bytes of r, refusing more before any
// parsing, and returns the YAML front matter and the file's SHA-256.
func readCard(r io.Reader, limit int) (front []byte, sum string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > limit {
		return nil, "", aims.Invalid("", fmt.Sprintf("card is more than %d bytes, the limit", limit))
	}
	h := sha256.Sum256(data)
	sum = hex.EncodeToString(h[:])
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, rest, ok := cutLine(body)
	if !ok || string(bytes.TrimRight(first, " \t")) != "---" {
		return nil, "", aims.Invalid("", "card has no YAML metadata: its first line must be ---")
	}
	for off := 0; len(rest) > 0; {
		line, next, _ := cutLine(rest[off:])
		if string(bytes.TrimRight(line, " \t")) == "---" {
			return rest[:off], sum, nil
		}
		off = len(rest) - len(next)
		if len(next) == 0 {
			break
		}
	}
	return nil, "", aims.Invalid("", "card metadata is not closed by a --- line")
}

// cutLine splits b after its first line, dropping the line break.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	if len(b) == 0 {
		return nil, nil, false
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, true
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:], true
}

// CardResult is one evaluation result of a model card's model-index.
type CardResult struct {
	// TaskType and TaskName are task.type and task.name.
	TaskType string
	TaskName string
	// Dataset, DatasetType, Config and Split are dataset.name,
	// dataset.type, dataset.config and dataset.split.
	Dataset     string
	DatasetType string
	Config      string
	Split       string
	// Metrics are the metrics reported.
	Metrics []CardMetric

	path string // "model-index[i].results[j]", for problems
}

// CardMetric is one metric of a [CardResult].
type CardMetric struct {
	// Type is the metric's id, e.g. "accuracy"; Name its display name.
	Type string
	Name string
	// Value is the reported value; a quoted number is read as a number.
	Value float64
}

// ModelCard is the metadata of a Hugging Face Hub model card that the
// import uses; other fields are ignored. Fields the Hub allows as a
// string or a list (language, tags, datasets, base_model) are lists.
type ModelCard struct {
	// Name is model-index[0].name.
	Name string
	// License is license; a list is joined with ", ".
	License string
	// Languages, Tags, Datasets, Metrics and BaseModels are language,
	// tags, datasets, metrics and base_model.
	Languages  []string
	Tags       []string
	Datasets   []string
	Metrics    []string
	BaseModels []string
	// PipelineTag is pipeline_tag.
	PipelineTag string
	// Results are the results of every model-index entry.
	Results []CardResult
}

// ParseModelCard reads a model card's YAML metadata, refusing a file
// larger than limit bytes (0: [MaxCardBytes]) before parsing it. It returns
// the metadata and the file's hex SHA-256; a field of the wrong shape is
// a [*aims.ValidationError] naming it, such as
// "model-index[0].results[1].metrics[0].value: must be a number".
func ParseModelCard(r io.Reader, limit int) (*ModelCard, string, error) {
	if limit <= 0 {
		limit = MaxCardBytes
	}
	front, sum, err := readCard(r, limit)
	if err != nil {
		return nil, "", err
	}
	tree, err := parseYAML(front)
	if err != nil {
		return nil, "", err
	}
	m, ok := tree.(map[string]any)
	if !ok {
		return nil, "", aims.Invalid("", "card metadata must be a mapping, got "+describe(tree))
	}
	var f fields
	c := &ModelCard{
		License:     strings.Join(f.strs(m, "", "license"), ", "),
		Languages:   f.strs(m, "", "language"),
		Tags:        f.strs(m, "", "tags"),
		Datasets:    f.strs(m, "", "datasets"),
		Metrics:     f.strs(m, "", "metrics"),
		BaseModels:  f.strs(m, "", "base_model"),
		PipelineTag: f.str(m, "", "pipeline_tag"),
	}
	for i, model := range f.list(m, "", "model-index") {
		mp := fmt.Sprintf("model-index[%d]", i)
		if name := f.str(model, mp, "name"); i == 0 {
			c.Name = name
		}
		for j, res := range f.list(model, mp, "results") {
			rp := fmt.Sprintf("%s.results[%d]", mp, j)
			cr := CardResult{path: rp}
			if task := f.obj(res, rp, "task"); task != nil {
				cr.TaskType, cr.TaskName = f.str(task, rp+".task", "type"), f.str(task, rp+".task", "name")
			}
			if ds := f.obj(res, rp, "dataset"); ds != nil {
				dp := rp + ".dataset"
				cr.Dataset, cr.DatasetType = f.str(ds, dp, "name"), f.str(ds, dp, "type")
				cr.Config, cr.Split = f.str(ds, dp, "config"), f.str(ds, dp, "split")
			}
			if cr.TaskType == "" && cr.TaskName == "" {
				f.p.Add(rp+".task.type", "is required")
			}
			metrics := f.list(res, rp, "metrics")
			if len(metrics) == 0 && res["metrics"] == nil {
				f.p.Add(rp+".metrics", "is required")
			}
			for k, mt := range metrics {
				kp := fmt.Sprintf("%s.metrics[%d]", rp, k)
				cm := CardMetric{Type: f.str(mt, kp, "type"), Name: f.str(mt, kp, "name")}
				if cm.Type == "" && cm.Name == "" {
					f.p.Add(kp+".type", "is required")
				}
				cm.Value, _ = f.num(mt, kp, "value")
				cr.Metrics = append(cr.Metrics, cm)
			}
			if len(c.Results) == maxItems {
				f.p.Addf("model-index", "must hold at most %d results in all", maxItems)
				break
			}
			c.Results = append(c.Results, cr)
		}
	}
	if err := f.p.Err(); err != nil {
		return nil, "", err
	}
	return c, sum, nil
}

// DatasetCard is the metadata of a Hugging Face Hub dataset card that the
// import uses; other fields are ignored. Each field is the card field of
// the same name in snake case (pretty_name, task_categories...); License
// joins a list with ", ".
type DatasetCard struct {
	PrettyName          string
	License             string
	Languages           []string
	TaskCategories      []string
	TaskIDs             []string
	SizeCategories      []string
	SourceDatasets      []string
	AnnotationsCreators []string
	LanguageCreators    []string
	Configs             []CardConfig
}

// CardConfig is one entry of a dataset card's configs.
type CardConfig struct {
	// Name is config_name.
	Name string
	// Splits lists data_files as "split: path, path", in order; a plain
	// string of data files is the train split.
	Splits []string
}

// ParseDatasetCard reads a dataset card's YAML metadata, as
// [ParseModelCard] does a model card's.
func ParseDatasetCard(r io.Reader, limit int) (*DatasetCard, string, error) {
	if limit <= 0 {
		limit = MaxCardBytes
	}
	front, sum, err := readCard(r, limit)
	if err != nil {
		return nil, "", err
	}
	tree, err := parseYAML(front)
	if err != nil {
		return nil, "", err
	}
	m, ok := tree.(map[string]any)
	if !ok {
		return nil, "", aims.Invalid("", "card metadata must be a mapping, got "+describe(tree))
	}
	var f fields
	c := &DatasetCard{
		PrettyName:          f.str(m, "", "pretty_name"),
		License:             strings.Join(f.strs(m, "", "license"), ", "),
		Languages:           f.strs(m, "", "language"),
		TaskCategories:      f.strs(m, "", "task_categories"),
		TaskIDs:             f.strs(m, "", "task_ids"),
		SizeCategories:      f.strs(m, "", "size_categories"),
		SourceDatasets:      f.strs(m, "", "source_datasets"),
		AnnotationsCreators: f.strs(m, "", "annotations_creators"),
		LanguageCreators:    f.strs(m, "", "language_creators"),
	}
	for i, cfg := range f.list(m, "", "configs") {
		cp := fmt.Sprintf("configs[%d]", i)
		cc := CardConfig{Name: f.str(cfg, cp, "config_name")}
		if cc.Name == "" {
			f.p.Add(cp+".config_name", "is required")
		}
		switch cfg["data_files"].(type) {
		case string, yamlNumber:
			cc.Splits = append(cc.Splits, "train: "+f.str(cfg, cp, "data_files"))
		default:
			for j, df := range f.list(cfg, cp, "data_files") {
				dp := fmt.Sprintf("%s.data_files[%d]", cp, j)
				split := f.str(df, dp, "split")
				paths := f.strs(df, dp, "path")
				if split == "" {
					f.p.Add(dp+".split", "is required")
				}
				cc.Splits = append(cc.Splits, split+": "+strings.Join(paths, ", "))
			}
		}
		c.Configs = append(c.Configs, cc)
	}
	if err := f.p.Err(); err != nil {
		return nil, "", err
	}
	return c, sum, nil
}

// ModelCardImport lists the records [ImportModelCard] created.
type ModelCardImport struct {
	// SHA256 is the card file's hex SHA-256, kept in every record's Source.
	SHA256        string
	TechnicalDoc  *TechnicalDoc
	Verifications []*Verification
	Requirements  []*Requirement
}

// ImportModelCard reads a Hugging Face Hub model card from r and records,
// for AI system systemID: a [TechnicalDoc] indexing the card with what its
// metadata says (licence, languages, tags, base models, data sets); one
// [Verification] per model-index result, its metrics as results (with
// the thresholds of opts, never passed: a person signs that off); and a
// [Requirement] each for the licence and the languages it declares. Each
// record keeps the file's SHA-256 in its Source.
//
// The file is refused, before parsing, when larger than opts.MaxBytes;
// its metadata is bounded before the YAML parser sees it. Every record is
// built and validated before any is written, and all are written in one
// commit with a "create" journal entry each: a malformed card writes
// nothing, and on a store that applies batches atomically
// ([aims.Transactor]) neither does a failed write. Like the collections it writes through, it
// does not consult the workspace's Authorizer: the caller checks the
// actor's authority first.
func ImportModelCard(ctx context.Context, ws *aims.Workspace, actor, systemID string, r io.Reader, opts *ImportOptions) (*ModelCardImport, error) {
	o := opts.orDefault()
	card, sum, err := ParseModelCard(r, o.MaxBytes)
	if err != nil {
		return nil, aims.E("import model card", KindTechnicalDoc, "", err)
	}
	out, err := modelRecords(card, sum, systemID, o)
	if err != nil {
		return nil, aims.E("import model card", KindTechnicalDoc, "", err)
	}
	docs := []creation{{KindTechnicalDoc, out.TechnicalDoc}}
	for _, v := range out.Verifications {
		docs = append(docs, creation{KindVerification, v})
	}
	for _, q := range out.Requirements {
		docs = append(docs, creation{KindRequirement, q})
	}
	if err := createAll(ctx, ws, "import model card", actor, docs); err != nil {
		return nil, err
	}
	return out, nil
}

// modelRecords builds and validates the records of a model card.
func modelRecords(card *ModelCard, sum, systemID string, o ImportOptions) (*ModelCardImport, error) {
	src := func() *Source { return &Source{Format: FormatModelCard, Name: o.Name, SHA256: sum} }
	name := card.Name
	if name == "" {
		name = systemID
	}
	out := &ModelCardImport{SHA256: sum}
	out.TechnicalDoc = &TechnicalDoc{
		System: systemID, Stage: o.Stage, Title: "Technical documentation of " + name,
		Items:   []DocItem{{Title: "Model card", Location: o.Name, Audience: "users and developers", SHA256: sum}},
		License: card.License, Languages: dedupe(card.Languages), Tags: dedupe(card.Tags),
		BaseModels: dedupe(card.BaseModels), Datasets: dedupe(card.Datasets), Owner: o.Owner, Source: src(),
	}
	var p aims.Problems
	p.Merge("technicalDoc", out.TechnicalDoc.Validate())
	for i, res := range card.Results {
		task := firstOf(res.TaskName, res.TaskType)
		ds := firstOf(res.Dataset, res.DatasetType)
		v := &Verification{
			System: systemID, Stage: aims.StageVerificationValidation,
			Title:    fmt.Sprintf("%s: %s", name, task),
			Criteria: "Results the model card reports for " + task,
			Dataset:  ds,
			Source:   src(),
		}
		if ds != "" {
			v.Title += " on " + ds
			v.Criteria += " on " + ds
			if res.Split != "" {
				v.Criteria += " (" + res.Split + " split)"
			}
		}
		names := map[string]bool{}
		for k, m := range res.Metrics {
			r := Metric{Name: firstOf(m.Name, m.Type), Value: m.Value}
			if names[r.Name] && m.Name != "" && m.Type != "" {
				r.Name = m.Name + " (" + m.Type + ")"
			}
			if names[r.Name] {
				p.Addf(fmt.Sprintf("%s.metrics[%d]", res.path, k), "duplicate metric %q in one result", clip(r.Name))
				continue
			}
			names[r.Name] = true
			if th, ok := o.Thresholds[m.Type]; ok {
				r.Threshold, r.Direction = &th.Value, th.Direction
			}
			v.Results = append(v.Results, r)
		}
		p.Merge(fmt.Sprintf("verifications[%d]", i), v.Validate())
		out.Verifications = append(out.Verifications, v)
	}
	if card.License != "" {
		out.Requirements = append(out.Requirements, &Requirement{System: systemID, Stage: o.Stage,
			Title:     "Use within the model licence",
			Statement: "The model is used within the terms of its licence: " + card.License + ".",
			Owner:     o.Owner, Source: src()})
	}
	if langs := dedupe(card.Languages); len(langs) > 0 {
		out.Requirements = append(out.Requirements, &Requirement{System: systemID, Stage: o.Stage,
			Title:     "Supported languages",
			Statement: "The system is used on inputs in the languages the model supports: " + strings.Join(langs, ", ") + ".",
			Owner:     o.Owner, Source: src()})
	}
	for i, q := range out.Requirements {
		p.Merge(fmt.Sprintf("requirements[%d]", i), q.Validate())
	}
	return out, p.Err()
}

// ImportDatasetCard reads a Hugging Face Hub dataset card from r and
// records it as a [Dataset] used by AI system systemID (none when empty):
// its pretty name, licence, source data sets, creators of annotations and
// language as provenance and acquisition, size, task categories as
// intended use and its configs' splits as preparation. The record keeps
// the file's SHA-256 in its Source. A card that states no provenance
// (source_datasets, annotations_creators or language_creators) is
// refused: A.7.5 asks for it. Limits are those of [ImportModelCard].
func ImportDatasetCard(ctx context.Context, ws *aims.Workspace, actor, systemID string, r io.Reader, opts *ImportOptions) (*Dataset, error) {
	o := opts.orDefault()
	card, sum, err := ParseDatasetCard(r, o.MaxBytes)
	if err != nil {
		return nil, aims.E("import dataset card", KindDataset, "", err)
	}
	d, err := datasetRecord(card, sum, systemID, o)
	if err != nil {
		return nil, aims.E("import dataset card", KindDataset, "", err)
	}
	if err := createAll(ctx, ws, "import dataset card", actor, []creation{{KindDataset, d}}); err != nil {
		return nil, err
	}
	return d, nil
}

func datasetRecord(card *DatasetCard, sum, systemID string, o ImportOptions) (*Dataset, error) {
	var p aims.Problems
	if card.PrettyName == "" {
		p.Add("pretty_name", "is required")
	}
	var prov []string
	if s := dedupe(card.SourceDatasets); len(s) > 0 {
		prov = append(prov, "source data sets: "+strings.Join(s, ", "))
	}
	var acq []string
	if s := dedupe(card.AnnotationsCreators); len(s) > 0 {
		acq = append(acq, "annotations by "+strings.Join(s, ", "))
	}
	if s := dedupe(card.LanguageCreators); len(s) > 0 {
		acq = append(acq, "language by "+strings.Join(s, ", "))
	}
	if len(prov)+len(acq) == 0 {
		p.Add("source_datasets", "the card states no provenance: give source_datasets, annotations_creators or language_creators")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	d := &Dataset{
		Name: card.PrettyName, Use: o.DataUse,
		Provenance:  strings.Join(append(prov, acq...), "; ") + ".",
		Sources:     dedupe(card.SourceDatasets),
		Acquisition: strings.Join(acq, "; "),
		License:     card.License,
		Size:        strings.Join(card.SizeCategories, ", "),
		Owner:       o.Owner,
		Source:      &Source{Format: FormatDatasetCard, Name: o.Name, SHA256: sum},
	}
	if d.Acquisition != "" {
		d.Acquisition += "."
	}
	if systemID != "" {
		d.AISystems = []string{systemID}
	}
	if tasks := dedupe(append(slices.Clone(card.TaskCategories), card.TaskIDs...)); len(tasks) > 0 {
		d.IntendedUse = "Tasks: " + strings.Join(tasks, ", ") + "."
	}
	for _, c := range card.Configs {
		for _, s := range c.Splits {
			d.Preparation = append(d.Preparation, "config "+c.Name+", split "+s)
		}
	}
	d.Preparation = dedupe(d.Preparation)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// dedupe drops blank and repeated strings, keeping the first order.
func dedupe(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
