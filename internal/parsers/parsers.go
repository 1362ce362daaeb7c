// Package parsers turns the feeds CSIRTs receive into normalised events:
// one parser per format (Shadowserver's reports through their published
// schema, Team Cymru, Spamhaus, abuse.ch, ... and generic CSV and JSON
// lines with a field mapping). A parser reads a stream, never the whole
// file, sets harmonisation fields with event.Set and hands each event on;
// a line it cannot read goes to reject with its line number and reason,
// and the rest of the input goes on.
package parsers

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"atalaya/internal/event"
)

// Emit receives one parsed event and the number of the line (or record)
// it came from, counting from 1. The event is only valid during the call:
// the parser reuses it, so a consumer that keeps it copies it. An error
// stops the parse and is returned by Parse (a cancelled context, a full
// store).
type Emit func(line int, e *event.Event) error

// Reject receives a line the parser could not turn into an event.
type Reject func(r event.Rejected)

// Parser reads one input in its format. Parse returns an error only when
// reading fails or emit returned one; bad lines go to reject.
type Parser interface {
	Parse(r io.Reader, emit Emit, reject Reject) error
}

// Config is what a feed tells its parser. Formats ignore what they do not
// use.
type Config struct {
	// Mapping maps an input column (CSV header name, or JSON key; dotted
	// for nested keys) to a harmonisation field name, for the generic
	// csv and json formats.
	Mapping map[string]string
	// Constants are fields set on every event before the line's own
	// (classification.type, feed.accuracy, tlp ...): the line wins.
	Constants map[string]string
	// Shadowserver is the report schema for the shadowserver format.
	Shadowserver *ShadowserverSchema
	// Report names the Shadowserver report type ("scan_http"); "" means
	// the parser picks it from the CSV header.
	Report string
}

// constructor builds a parser of one format from a feed's configuration,
// or explains which setting is missing or wrong.
type constructor func(Config) (Parser, error)

// formatsA, formatsB and formatsC are filled in the files of each family
// of formats; their keys are distinct.
func all() map[string]constructor {
	m := make(map[string]constructor, len(formatsA)+len(formatsB)+len(formatsC))
	for _, part := range []map[string]constructor{formatsA, formatsB, formatsC} {
		maps.Copy(m, part)
	}
	return m
}

// Formats lists the names New accepts, sorted.
func Formats() []string {
	return slices.Sorted(maps.Keys(all()))
}

// New returns the parser of format configured by cfg.
func New(format string, cfg Config) (Parser, error) {
	c, ok := all()[format]
	if !ok {
		return nil, fmt.Errorf("unknown feed format %q (known: %v)", format, Formats())
	}
	return c(cfg)
}
