// Package exchange imports and exports intel in the formats members trade
// it in: STIX 2.1 bundles, MISP core-format events and feeds, and CSV lists
// of indicators. It reads and writes documents only: what is stored, and who
// may see it, is decided by the intel store (and through it, by access). An
// export holds exactly what intel.List returns to the actor, so it can never
// show more than the pages do.
package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/stix"
	"atalaya/internal/valid"
)

// Format names a document format for import and export.
type Format string

// The formats we read and write.
const (
	STIX     Format = "stix"      // application/stix+json;version=2.1 bundle
	MISP     Format = "misp"      // MISP core format JSON
	MISPFeed Format = "misp-feed" // directory: manifest.json, <uuid>.json, hashes.csv
	CSV      Format = "csv"       // text/csv, one indicator per line
)

// ParseFormat reads a format name as typed on the command line or in a form.
func ParseFormat(s string) (Format, bool) {
	switch f := Format(s); f {
	case STIX, MISP, MISPFeed, CSV:
		return f, true
	}
	return "", false
}

// ContentType is the media type of a document in the format.
func (f Format) ContentType() string {
	switch f {
	case STIX:
		return "application/stix+json;version=2.1"
	case CSV:
		return "text/csv; charset=utf-8"
	default:
		return "application/json"
	}
}

// Extension is the file-name extension of a document in the format ("" for a feed directory).
func (f Format) Extension() string {
	switch f {
	case STIX, MISP:
		return ".json"
	case CSV:
		return ".csv"
	}
	return ""
}

// Codes of the *valid.Error values and refusals this package makes; the
// catalogs hold "invalid.<code>" in every language.
const (
	CodeFormat        = "exchange_format"         // an unknown format, or a format this call cannot read
	CodeTooLarge      = "exchange_too_large"      // the document is over ImportOptions.MaxBytes
	CodeEmpty         = "exchange_empty"          // the document holds nothing
	CodeJSONSyntax    = "exchange_json_syntax"    // not JSON, or cut short: names the line
	CodeNotMISP       = "exchange_not_misp"       // JSON, but no MISP event in it
	CodeFeed          = "exchange_feed"           // a MISP feed that cannot be read
	CodeCSVHeader     = "exchange_csv_header"     // no header, or no "value" column
	CodeCSVSyntax     = "exchange_csv_syntax"     // a line that is not CSV (a stray quote…)
	CodeCSVColumns    = "exchange_csv_columns"    // more fields than the header names
	CodeCSVText       = "exchange_csv_text"       // a field that is not UTF-8 text
	CodeCSVType       = "exchange_csv_type"       // an unknown type, or one that cannot be inferred
	CodeCSVValue      = "exchange_csv_value"      // a value that is not what its type says
	CodeCSVTime       = "exchange_csv_time"       // valid_from or valid_until is not a date and time
	CodeCSVUntil      = "exchange_csv_until"      // valid_until is not after valid_from
	CodeCSVConfidence = "exchange_csv_confidence" // confidence outside 0–100
	CodeCSVTLP        = "exchange_csv_tlp"        // not a TLP level
	CodeCSVDuplicate  = "exchange_csv_duplicate"  // the same value as an earlier line
)

// Codes of the notes an import adds to its report; the catalogs hold
// "exchange.note.<code>".
const (
	NoteColumnIgnored = "column_ignored" // a CSV column we do not read
	NoteGroupMissing  = "group_missing"  // a MISP sharing group with no Atalaya group of that name: own organisation only
	NoteRedNotMembers = "red_own_org"    // TLP:RED cannot go to all members: own organisation only
)

// ImportOptions says how a document is read and how what it holds is shared.
// A TLP in the data (STIX marking, MISP tag, CSV column) wins over
// Sharing.TLP when it is stricter; an empty Sharing.TLP means AMBER. MISP
// events go where their distribution says, not where Sharing does, unless
// they say nothing.
type ImportOptions struct {
	Format   Format
	Sharing  intel.Sharing // default marking and distribution for objects that carry none
	Source   string        // "upload", "api", "cli"
	MaxBytes int64         // 0 -> 64 MiB
}

// DefaultMaxBytes is the largest document Import reads when
// ImportOptions.MaxBytes is 0.
const DefaultMaxBytes = 64 << 20

// withDefaults fills what the caller left empty: AMBER when no TLP was
// chosen (the safe default of TLP 2.0 for what is shared with a community's
// members), the default size limit.
func (o ImportOptions) withDefaults() ImportOptions {
	if o.Sharing.TLP == "" {
		o.Sharing.TLP = access.TLPAmber
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// source is what the audit log records as the origin of the objects.
func (o ImportOptions) source(f Format) string {
	if o.Source != "" {
		return o.Source
	}
	return string(f)
}

// ExportOptions says what is exported and how.
type ExportOptions struct {
	Format Format
	Filter intel.Filter // what to export; only what the actor may see (intel.List decides)
}

// Report is what ImportWithNotes did: intel's report (accepted, existing,
// refused with reasons) and notes about choices made on the way that the
// user should know of, such as a MISP sharing group with no Atalaya
// counterpart.
type Report struct {
	intel.Report
	Notes []Note
}

// Note is something an import decided for the user, not a refusal.
type Note struct {
	Where   string         // what it is about: "Event 5ecea68b-…", "line 1"
	Code    string         // catalog key "exchange.note.<Code>"
	Args    map[string]any // values the message names
	Message string         // English, for the API and the command line
}

// Import reads one document in opt.Format and stores what it holds as the
// actor's organisation. A document that cannot be read at all (not JSON,
// not a bundle, cut short, a CSV without a header naming "value") is a
// *valid.Error naming the line or property, and nothing is stored.
// Otherwise objects are accepted or refused one by one; CSV lines are
// refused with Field "line N, <column>". ImportWithNotes also returns the
// notes of the import.
func Import(ctx context.Context, st *intel.Store, a access.Actor, r io.Reader, opt ImportOptions) (intel.Report, error) {
	rep, err := ImportWithNotes(ctx, st, a, r, opt)
	return rep.Report, err
}

// ImportWithNotes is Import, with the notes about choices the import made
// for the user (a CSV column ignored, a MISP sharing group with no Atalaya
// counterpart), which a page or the command line shows beside the report.
func ImportWithNotes(ctx context.Context, st *intel.Store, a access.Actor, r io.Reader, opt ImportOptions) (Report, error) {
	opt = opt.withDefaults()
	if opt.Format == MISPFeed {
		return Report{}, valid.New("format", CodeFormat, "a MISP feed is a directory (manifest.json and event files): import it as a directory", nil)
	}
	if _, ok := ParseFormat(string(opt.Format)); !ok {
		return Report{}, formatError(opt.Format)
	}
	data, err := readDocument(r, opt.MaxBytes)
	if err != nil {
		return Report{}, err
	}
	switch opt.Format {
	case STIX:
		return importSTIX(ctx, st, a, data, opt)
	case MISP:
		return importMISP(ctx, st, a, data, opt)
	}
	return importCSV(ctx, st, a, data, opt, time.Now())
}

// ImportFeed reads a MISP feed (manifest.json and the event files it
// names) and stores its events, each shared as its distribution says.
func ImportFeed(ctx context.Context, st *intel.Store, a access.Actor, fsys fs.FS, opt ImportOptions) (intel.Report, error) {
	rep, err := ImportFeedWithNotes(ctx, st, a, fsys, opt)
	return rep.Report, err
}

// ImportFeedWithNotes is ImportFeed, with the notes of the import.
func ImportFeedWithNotes(ctx context.Context, st *intel.Store, a access.Actor, fsys fs.FS, opt ImportOptions) (Report, error) {
	return importFeed(ctx, st, a, fsys, opt.withDefaults())
}

// Export writes everything matching opt.Filter that the actor may see
// (intel.List decides), page by page: a STIX bundle with the TLP marking
// definitions its objects reference, MISP events (reports become events,
// loose objects one more), or a CSV line per observable value of each
// indicator. It returns how many objects were written.
func Export(ctx context.Context, st *intel.Store, a access.Actor, w io.Writer, opt ExportOptions) (int, error) {
	switch opt.Format {
	case STIX:
		return exportSTIX(ctx, st, a, w, opt.Filter)
	case MISP:
		return exportMISP(ctx, st, a, w, opt.Filter)
	case CSV:
		return exportCSV(ctx, st, a, w, opt.Filter)
	case MISPFeed:
		return 0, valid.New("format", CodeFormat, "a MISP feed is a directory: export it to a directory", nil)
	}
	return 0, formatError(opt.Format)
}

// ExportFeed writes a MISP feed directory (manifest.json, <uuid>.json,
// hashes.csv) of everything matching f that the actor may see.
func ExportFeed(ctx context.Context, st *intel.Store, a access.Actor, dir string, f intel.Filter) (int, error) {
	return exportFeed(ctx, st, a, dir, f)
}

// formatError names the formats there are.
func formatError(f Format) error {
	return valid.New("format", CodeFormat, fmt.Sprintf("unknown format %q: use stix, misp, misp-feed or csv", f), map[string]any{"Value": string(f)})
}

// importSTIX stores the objects of one STIX document in one intel.Put.
func importSTIX(ctx context.Context, st *intel.Store, a access.Actor, data []byte, opt ImportOptions) (Report, error) {
	objs, err := stixObjects(data)
	if err != nil {
		return Report{}, syntaxFirst(data, err)
	}
	if len(objs) == 0 {
		return Report{}, nil
	}
	put, err := st.Put(ctx, a, objs, intel.PutOptions{Sharing: opt.Sharing, Source: opt.source(STIX)})
	return Report{Report: put}, err
}

// stixObjects reads the objects of a STIX document: a bundle, a TAXII
// envelope ({"objects": [...]}, what a TAXII server answers), or one object
// alone (one of the OASIS examples is a lone campaign). Anything else gets
// the bundle parser's error, which says what was found instead.
func stixObjects(data []byte) ([]json.RawMessage, error) {
	b, err := stix.ParseBundle(bytes.NewReader(data))
	if err == nil {
		return b.Objects, nil
	}
	if es := valid.List(err); len(es) != 1 || es[0].Code != stix.CodeBundle {
		return nil, err
	}
	var top struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	trimmed := bytes.TrimSpace(data)
	if json.Unmarshal(trimmed, &top) != nil {
		return nil, err
	}
	switch {
	case top.Type == "" && top.Objects != nil:
		for i, o := range top.Objects {
			if o = bytes.TrimSpace(o); len(o) == 0 || o[0] != '{' {
				field := fmt.Sprintf("objects[%d]", i)
				return nil, valid.New(field, stix.CodeJSONType, field+" must be a JSON object", map[string]any{"Property": field})
			}
		}
		return top.Objects, nil
	case top.Type != "" && stix.IDType(top.ID) == top.Type:
		return []json.RawMessage{json.RawMessage(trimmed)}, nil
	}
	return nil, err
}
