package impact

import (
	"embed"
	"fmt"
	"slices"
	"sync"
)

//go:embed questionnaires/*.yaml
var builtinFiles embed.FS

// Ids of the built-in questionnaires.
const (
	// BaselineID is the baseline AI system impact assessment, shaped after
	// ISO/IEC 42005: intended uses and misuse, deployment context, people
	// affected, dimensions touched, oversight and recourse.
	BaselineID = "baseline-impact"
	// EUAIActID is the EU AI Act screening (Regulation (EU) 2024/1689):
	// Article 5, Article 6 with Annex I and Annex III and the Article 6(3)
	// derogations, Article 50, Articles 51-55.
	EUAIActID = "eu-ai-act-screening"
	// FRIAID is the outline of a deployer's fundamental rights impact
	// assessment (EU AI Act Article 27).
	FRIAID = "eu-ai-act-fria"
)

var builtinFileOf = map[string]string{
	BaselineID: "questionnaires/baseline.yaml",
	EUAIActID:  "questionnaires/eu-ai-act.yaml",
	FRIAID:     "questionnaires/fria.yaml",
}

// builtins compiles the embedded questionnaires once; the forms are
// immutable, so sharing them is safe.
var builtins = sync.OnceValues(func() (map[string]*Form, error) {
	out := map[string]*Form{}
	for id, name := range builtinFileOf {
		data, err := builtinFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := DecodeQuestionnaire(data)
		if err != nil {
			return nil, fmt.Errorf("built-in questionnaire %s: %w", name, err)
		}
		if f.ID() != id {
			return nil, fmt.Errorf("built-in questionnaire %s has id %q, want %q", name, f.ID(), id)
		}
		out[id] = f
	}
	return out, nil
})

// Builtin returns the built-in questionnaire with id ([BaselineID],
// [EUAIActID], [FRIAID]). An unknown id is an error listing the known ones.
func Builtin(id string) (*Form, error) {
	all, err := builtins()
	if err != nil {
		return nil, err
	}
	f, ok := all[id]
	if !ok {
		return nil, fmt.Errorf("unknown built-in questionnaire %q (have %v)", id, BuiltinIDs())
	}
	return f, nil
}

// BuiltinIDs lists the ids of the built-in questionnaires, sorted.
func BuiltinIDs() []string {
	ids := make([]string, 0, len(builtinFileOf))
	for id := range builtinFileOf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// BuiltinSource returns the YAML text of a built-in questionnaire, for an
// organisation that wants to start its own version from it.
func BuiltinSource(id string) ([]byte, error) {
	name, ok := builtinFileOf[id]
	if !ok {
		return nil, fmt.Errorf("unknown built-in questionnaire %q (have %v)", id, BuiltinIDs())
	}
	return builtinFiles.ReadFile(name)
}
