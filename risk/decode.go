package risk

import (
	"fmt"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/strictjson"
)

// decodeLimits bounds [DecodeCriteria] as [aims.Decode] is bounded.
var decodeLimits = strictjson.Limits{
	MaxBytes: aims.MaxDecodeBytes, MaxDepth: aims.MaxDecodeDepth, MaxValues: aims.MaxDecodeValues}

// decodeBounded decodes data into v after one bounded strict pass (size,
// depth and value count; duplicate keys, UTF-8, unknown fields, JSON
// types, trailing data) and checks its text; every problem names its
// field path.
func decodeBounded(data []byte, v any, what string) error {
	res, err := strictjson.Unmarshal(data, v, decodeLimits)
	if err := problemsErr(res); err != nil {
		return err
	}
	if err != nil {
		return aims.Invalid("", fmt.Sprintf("%s: %v", what, err))
	}
	return problemsErr(strictjson.Tidy(v, false))
}

func problemsErr(res strictjson.Result) error {
	var p aims.Problems
	for _, q := range res.Problems {
		p.Add(q.Path, q.Rule)
	}
	if res.Omitted > 0 {
		p.Merge("", aims.Invalid("", fmt.Sprintf("and %d more problems", res.Omitted)))
	}
	return p.Err()
}
