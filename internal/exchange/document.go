package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"atalaya/internal/valid"
)

// readDocument reads the whole document, refusing one over max bytes before
// anything is parsed, and one with nothing in it.
func readDocument(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading the document: %w", err)
	}
	if int64(len(data)) > max {
		return nil, valid.New("file", CodeTooLarge, fmt.Sprintf("the document is larger than %d bytes", max), map[string]any{"Max": max})
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a byte-order mark some editors write before JSON or CSV
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, valid.New("file", CodeEmpty, "the document is empty", nil)
	}
	return data, nil
}

// checkJSON makes sure data is one JSON value, and otherwise says on which
// line it stops being JSON: a truncated upload fails here, naming its last line.
func checkJSON(data []byte) error {
	if json.Valid(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var v json.RawMessage
	err := dec.Decode(&v)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line := lineAt(data, se.Offset)
		return valid.New(fmt.Sprintf("line %d", line), CodeJSONSyntax, fmt.Sprintf("not JSON at line %d: %v", line, se), map[string]any{"Line": line})
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		line := lineAt(data, int64(len(data)))
		return valid.New(fmt.Sprintf("line %d", line), CodeJSONSyntax,
			fmt.Sprintf("the JSON ends early at line %d: the file is cut short", line), map[string]any{"Line": line})
	case err != nil:
		return valid.New("file", CodeJSONSyntax, "not JSON: "+err.Error(), map[string]any{"Line": 1})
	}
	rest := dec.InputOffset()
	rest += int64(len(data[rest:]) - len(bytes.TrimLeft(data[rest:], " \t\r\n")))
	line := lineAt(data, rest)
	return valid.New(fmt.Sprintf("line %d", line), CodeJSONSyntax,
		fmt.Sprintf("more after the end of the JSON document at line %d", line), map[string]any{"Line": line})
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// syntaxFirst returns the JSON syntax error of data, which names the line,
// when there is one, else err. A document is only checked for syntax once
// it failed to parse: a good one is read once, not twice.
func syntaxFirst(data []byte, err error) error {
	if jerr := checkJSON(data); jerr != nil {
		return jerr
	}
	return err
}

// DetectFormat guesses the format of a document from its file name and its
// first bytes, for uploads and the command line when no format is given: a
// ".csv" name is CSV; JSON whose top level says "type": "bundle" is STIX;
// JSON with an "Event" or "response" key, or a list, is MISP. A directory
// is a MISP feed: the caller knows it is one and does not ask.
func DetectFormat(name string, head []byte) (Format, bool) {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return CSV, true
	}
	head = bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\uFEFF")))
	if len(head) == 0 {
		return "", false
	}
	switch head[0] {
	case '[':
		return MISP, true
	case '{':
		return jsonFormat(head)
	}
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return "", false
	}
	return CSV, true // neither JSON nor a known name: a headed CSV list is the one text format left
}

// jsonFormat reads the top-level keys of a JSON object, stopping at the
// first that tells the format, so a large document is not decoded whole.
func jsonFormat(doc []byte) (Format, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if _, err := dec.Token(); err != nil { // {
		return "", false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := tok.(string)
		switch key {
		case "Event", "response":
			return MISP, true
		case "type":
			var v string
			if dec.Decode(&v) != nil {
				return "", false
			}
			if v == "bundle" {
				return STIX, true
			}
			continue
		case "Attribute", "Orgc", "info":
			return MISP, true // a bare event
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}
