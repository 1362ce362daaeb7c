package parsers

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// ShadowserverSchema is Shadowserver's published report schema (the
// intelmq.json of https://interchange.shadowserver.org/intelmq/v1/schema):
// for each report type, its columns and the harmonisation field each maps
// to. One parser serves every report type through it. It is read-only
// once loaded and safe for concurrent use.
type ShadowserverSchema struct {
	reports map[string]*ssReport // by file name (the report type: "scan_http")
	aliases map[string]*ssReport // lower-cased schema key, file name and feed name
}

// ssReport is one report type of the schema.
type ssReport struct {
	key       string // the schema's key ("event_sinkhole")
	fileName  string // the report type in file names ("event4_sinkhole")
	feedName  string // "Sinkhole-Events IPv4"
	required  []ssMapping
	optional  []ssMapping
	constants [][2]string // field, value; in the schema's order
	columns   map[string]bool
	// problem says why the report cannot be parsed (a conversion this
	// version does not know); the rest of the schema stays usable.
	problem string
}

// ssMapping is one entry of required_fields or optional_fields: the column
// whose value, through conv, goes to field. field "extra." means
// extra.<column>; "" (the schema's false) means the column is ignored.
type ssMapping struct {
	field   string
	column  string
	conv    string // conversion function name, "" for none
	withRow bool   // the conversion reads other columns of the row
}

// ssConversions are the conversion functions of IntelMQ's Shadowserver
// parser that this parser implements (see shadowserver_conv.go).
var ssConversions = map[string]bool{
	"add_UTC_to_timestamp": true, "convert_bool": true, "validate_to_none": true,
	"convert_int": true, "convert_float": true, "convert_http_host_and_url": true,
	"invalidate_zero": true, "validate_ip": true, "validate_network": true,
	"validate_fqdn": true, "convert_date": true, "convert_date_utc": true,
	"force_base64": true, "scan_exchange_taxonomy": true, "scan_exchange_type": true,
	"scan_exchange_identifier": true, "category_or_detail": true, "extract_cve_from_tag": true,
}

// LoadShadowserverSchema reads the schema. It fails on input that is not
// the schema (not JSON, no report types, a report without its columns);
// a report type that names a conversion this version does not know is
// kept but refuses to parse, saying so, while the others work.
func LoadShadowserverSchema(r io.Reader) (*ShadowserverSchema, error) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading the Shadowserver schema: %w", err)
	}
	s := &ShadowserverSchema{reports: make(map[string]*ssReport), aliases: make(map[string]*ssReport)}
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if key == "_meta" {
			continue
		}
		rep, err := loadSSReport(key, raw[key])
		if err != nil {
			return nil, fmt.Errorf("reading the Shadowserver schema: report %q: %w", key, err)
		}
		if _, dup := s.reports[rep.fileName]; dup {
			return nil, fmt.Errorf("reading the Shadowserver schema: report type %q appears twice", rep.fileName)
		}
		s.reports[rep.fileName] = rep
	}
	if len(s.reports) == 0 {
		return nil, fmt.Errorf("reading the Shadowserver schema: it has no report types")
	}
	// Aliases: a feed may name its report by the schema key or the feed
	// name as well as by the report type; the report type wins a clash.
	for _, rep := range s.reports {
		for _, a := range []string{rep.key, rep.feedName} {
			if a != "" {
				s.aliases[strings.ToLower(a)] = rep
			}
		}
	}
	for name, rep := range s.reports {
		s.aliases[strings.ToLower(name)] = rep
	}
	return s, nil
}

type ssReportJSON struct {
	FeedName  string            `json:"feed_name"`
	FileName  string            `json:"file_name"`
	Required  [][]any           `json:"required_fields"`
	Optional  [][]any           `json:"optional_fields"`
	Constants map[string]string `json:"constant_fields"`
}

func loadSSReport(key string, data json.RawMessage) (*ssReport, error) {
	var j ssReportJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, err
	}
	rep := &ssReport{key: key, fileName: j.FileName, feedName: j.FeedName, columns: make(map[string]bool)}
	if rep.fileName == "" {
		rep.fileName = key
	}
	if len(j.Required) == 0 {
		return nil, fmt.Errorf("no required_fields")
	}
	var err error
	if rep.required, err = rep.mappings(j.Required); err != nil {
		return nil, fmt.Errorf("required_fields: %w", err)
	}
	if rep.optional, err = rep.mappings(j.Optional); err != nil {
		return nil, fmt.Errorf("optional_fields: %w", err)
	}
	for _, f := range slices.Sorted(maps.Keys(j.Constants)) {
		rep.constants = append(rep.constants, [2]string{f, j.Constants[f]})
	}
	return rep, nil
}

// mappings reads entries of the form [field, column], [field, column,
// conversion] or [field, column, conversion, true].
func (rep *ssReport) mappings(entries [][]any) ([]ssMapping, error) {
	out := make([]ssMapping, 0, len(entries))
	for i, e := range entries {
		if len(e) < 2 || len(e) > 4 {
			return nil, fmt.Errorf("entry %d has %d elements, not 2 to 4", i+1, len(e))
		}
		var m ssMapping
		switch f := e[0].(type) {
		case string:
			m.field = f
		case bool:
			if f {
				return nil, fmt.Errorf("entry %d: field true", i+1)
			}
		default:
			return nil, fmt.Errorf("entry %d: field is not text", i+1)
		}
		col, ok := e[1].(string)
		if !ok || col == "" {
			return nil, fmt.Errorf("entry %d: column is not text", i+1)
		}
		m.column = col
		if len(e) > 2 && e[2] != nil {
			if m.conv, ok = e[2].(string); !ok {
				return nil, fmt.Errorf("entry %d: conversion is not a name", i+1)
			}
			if !ssConversions[m.conv] && rep.problem == "" {
				rep.problem = fmt.Sprintf("its column %q needs the conversion %q, which this version of Atalaya does not know", col, m.conv)
			}
		}
		if len(e) > 3 {
			m.withRow, _ = e[3].(bool)
		}
		rep.columns[col] = true
		out = append(out, m)
	}
	return out, nil
}

// Reports lists the report types the schema describes ("scan_http",
// "event4_sinkhole" ...), sorted: the names a feed's report setting takes.
func (s *ShadowserverSchema) Reports() []string {
	if s == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(s.reports))
}

// report finds a report type by its type, schema key or feed name, in any
// case.
func (s *ShadowserverSchema) report(name string) (*ssReport, bool) {
	if rep, ok := s.reports[name]; ok {
		return rep, true
	}
	rep, ok := s.aliases[strings.ToLower(strings.TrimSpace(name))]
	return rep, ok
}

// ssFileName is Shadowserver's file naming, as IntelMQ reads it:
// an optional date, the report type, then details after hyphens
// ("2024-07-04-scan_http-country-geo.csv").
var ssFileName = regexp.MustCompile(`^(?:\d{4}-\d{2}-\d{2}-)?(\w+)(?:-[\w.]+)*\.csv$`)

// ShadowserverReportFromFileName returns the report type a Shadowserver
// file's name carries ("2024-07-04-scan_http-country-geo.csv" gives
// "scan_http"), or "" when the name does not follow Shadowserver's
// pattern. A directory part is ignored. Callers that know the input's
// name (an upload, a watched directory) put it in Config.Report: the
// header alone does not always tell report types apart.
func ShadowserverReportFromFileName(name string) string {
	m := ssFileName.FindStringSubmatch(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if m == nil {
		return ""
	}
	return m[1]
}
