// Package oscal holds Go types for NIST's Open Security Controls Assessment
// Language (OSCAL) JSON models, release 1.2.1, and small helpers shared by
// every package that reads or writes OSCAL.
//
// # Scope
//
// Only the assemblies the SDK writes are modelled: the common metadata,
// properties, links, back matter and the catalog model ([Catalog], [Group],
// [Control], [Part]). Other models (system security plan, assessment
// results, POA&M) belong beside these in this package. Field names follow
// the OSCAL JSON names exactly; arrays are omitted when empty because the
// schemas reject empty arrays.
//
// # Identifiers
//
// OSCAL requires version 4 or 5 UUIDs. Exports must be deterministic, so
// [NewUUIDv5] derives a name-based UUID instead of drawing a random one.
// Tokens (ids) must not start with a digit; [ValidToken] checks the rule.
package oscal

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Version is the OSCAL release the SDK writes into metadata.oscal-version.
const Version = "1.2.1"

// Namespace is the URI used as the ns of properties and parts the SDK
// defines itself (OSCAL reserves props without ns for NIST's names).
const Namespace = "https://github.com/aimsgo/iso42001/ns/oscal"

// UUIDNamespace is the UUIDv5 namespace under which [NewUUIDv5] derives
// the SDK's deterministic UUIDs (itself the v5 UUID of [Namespace] in the
// RFC 9562 URL namespace).
var UUIDNamespace = NewUUIDv5(urlNamespace, Namespace)

// urlNamespace is RFC 9562's predefined namespace for URLs.
const urlNamespace = "6ba7b811-9dad-11d1-80b4-00c04fd430c8"

// NewUUIDv5 returns the RFC 9562 version 5 (SHA-1, name-based) UUID of name
// in namespace ns, in its canonical lower-case text form. ns must be a UUID in
// text form; it panics otherwise, since namespaces are program constants.
func NewUUIDv5(ns, name string) string {
	raw, err := hex.DecodeString(strings.ReplaceAll(ns, "-", ""))
	if err != nil || len(raw) != 16 {
		panic(fmt.Sprintf("oscal: invalid UUID namespace %q", ns))
	}
	h := sha1.New()
	h.Write(raw)
	h.Write([]byte(name))
	sum := h.Sum(nil)[:16]
	sum[6] = (sum[6] & 0x0f) | 0x50
	sum[8] = (sum[8] & 0x3f) | 0x80
	s := hex.EncodeToString(sum)
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// UUID returns the deterministic UUID of name under [UUIDNamespace].
func UUID(name string) string { return NewUUIDv5(UUIDNamespace, name) }

var tokenRE = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)

// ValidToken reports whether s is an OSCAL token (the type of ids and
// names): a letter or underscore, then letters, digits, '.', '-' or '_'.
func ValidToken(s string) bool { return tokenRE.MatchString(s) }

// SupportedVersion reports whether an imported document's oscal-version is
// one the SDK reads: 1.1.x or 1.2.x.
func SupportedVersion(v string) bool {
	return strings.HasPrefix(v, "1.1.") || strings.HasPrefix(v, "1.2.")
}

// Timestamp formats t as an OSCAL date-time with a time zone, in UTC.
func Timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Document is the top-level OSCAL JSON object: exactly one model field is
// set. Other models are added here as the SDK learns to write them.
type Document struct {
	Catalog *Catalog `json:"catalog,omitempty"`
}

// Metadata is OSCAL's document metadata.
type Metadata struct {
	Title        string `json:"title"`
	Published    string `json:"published,omitempty"`
	LastModified string `json:"last-modified"`
	Version      string `json:"version"`
	OSCALVersion string `json:"oscal-version"`
	Props        []Prop `json:"props,omitempty"`
	Links        []Link `json:"links,omitempty"`
	Remarks      string `json:"remarks,omitempty"`
}

// Prop is an OSCAL property: a name-value pair, optionally namespaced and
// classed. Value must not be empty nor start or end with white space.
type Prop struct {
	Name    string `json:"name"`
	UUID    string `json:"uuid,omitempty"`
	NS      string `json:"ns,omitempty"`
	Value   string `json:"value"`
	Class   string `json:"class,omitempty"`
	Group   string `json:"group,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// Link is an OSCAL link to a resource or to another object by fragment
// ("#id").
type Link struct {
	Href             string `json:"href"`
	Rel              string `json:"rel,omitempty"`
	MediaType        string `json:"media-type,omitempty"`
	ResourceFragment string `json:"resource-fragment,omitempty"`
	Text             string `json:"text,omitempty"`
}

// Catalog is the OSCAL catalog model.
type Catalog struct {
	UUID       string      `json:"uuid"`
	Metadata   Metadata    `json:"metadata"`
	Controls   []Control   `json:"controls,omitempty"`
	Groups     []Group     `json:"groups,omitempty"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// Group is a titled group of controls or of further groups.
type Group struct {
	ID       string    `json:"id,omitempty"`
	Class    string    `json:"class,omitempty"`
	Title    string    `json:"title"`
	Props    []Prop    `json:"props,omitempty"`
	Links    []Link    `json:"links,omitempty"`
	Parts    []Part    `json:"parts,omitempty"`
	Groups   []Group   `json:"groups,omitempty"`
	Controls []Control `json:"controls,omitempty"`
}

// Control is an OSCAL control; controls may nest (control enhancements or
// subclauses).
type Control struct {
	ID       string    `json:"id"`
	Class    string    `json:"class,omitempty"`
	Title    string    `json:"title"`
	Props    []Prop    `json:"props,omitempty"`
	Links    []Link    `json:"links,omitempty"`
	Parts    []Part    `json:"parts,omitempty"`
	Controls []Control `json:"controls,omitempty"`
}

// Part is a piece of prose or structure inside a control or group.
type Part struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Class string `json:"class,omitempty"`
	Title string `json:"title,omitempty"`
	Props []Prop `json:"props,omitempty"`
	Prose string `json:"prose,omitempty"`
	Parts []Part `json:"parts,omitempty"`
	Links []Link `json:"links,omitempty"`
}

// BackMatter holds resources referenced from the document.
type BackMatter struct {
	Resources []Resource `json:"resources,omitempty"`
}

// Resource is one back-matter resource.
type Resource struct {
	UUID        string  `json:"uuid"`
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	Props       []Prop  `json:"props,omitempty"`
	RLinks      []RLink `json:"rlinks,omitempty"`
	Remarks     string  `json:"remarks,omitempty"`
}

// RLink is a resource link (a URL, optionally with a media type).
type RLink struct {
	Href      string `json:"href"`
	MediaType string `json:"media-type,omitempty"`
}

// FindProp returns the value of the first property named name in ns (""
// matches any ns) and whether it was found.
func FindProp(props []Prop, ns, name string) (string, bool) {
	for _, p := range props {
		if p.Name == name && (ns == "" || p.NS == ns) {
			return p.Value, true
		}
	}
	return "", false
}
